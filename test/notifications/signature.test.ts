import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  exponentialBackoff,
  seededRandom,
  signWebhook,
  validateWebhookUrl,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from '../../src/notifications/index.js';
import { AppError } from '../../src/domain/errors.js';

/**
 * Webhook signatures: a round trip, the HMAC recomputed by openssl (so our MAC is the documented one, not merely
 * self-consistent), and every tampering or replay refused. Also the back-off schedule and URL checks.
 */
describe('webhook signature', () => {
  const secret = 'whsec_dGVzdC1zZWNyZXQtb2YtdGhpcnR5LXR3by1ieXRlcyE';
  const body = JSON.stringify({ id: '7', event: 'document.revoked', reason: 'fraud', note: 'ผิดพลาด' });
  const t0 = new Date('2025-01-15T03:00:00Z');

  it('round trip: signed headers verify with the same secret, body and a clock within 5 minutes', () => {
    const headers = signWebhook({ secret, deliveryId: 42, body, now: t0 });
    expect(headers).toMatchObject({ 'ekasarn-webhook-id': '42', 'ekasarn-webhook-timestamp': String(t0.getTime() / 1000) });
    expect(headers[WEBHOOK_SIGNATURE_HEADER]).toMatch(/^v1=[0-9a-f]{64}$/);
    for (const skew of [0, 299_000, -299_000]) {
      expect(verifyWebhookSignature({ secret, body, headers, now: new Date(t0.getTime() + skew) })).toEqual({ ok: true, deliveryId: '42', timestamp: t0.getTime() / 1000 });
    }
    // Byte bodies and fetch Headers (case-insensitive names) work too.
    const h = new Headers(Object.entries(headers).map(([k, v]): [string, string] => [k.toUpperCase(), v]));
    expect(verifyWebhookSignature({ secret, body: new TextEncoder().encode(body), headers: h, now: t0 }).ok).toBe(true);
  });

  it('is HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret, as openssl computes it', () => {
    const headers = signWebhook({ secret, deliveryId: 1, body, now: t0 });
    const ts = headers[WEBHOOK_TIMESTAMP_HEADER];
    const out = execFileSync('openssl', ['dgst', '-sha256', '-mac', 'HMAC', '-macopt', `key:${secret}`], { input: `${ts}.${body}` }).toString();
    expect(headers[WEBHOOK_SIGNATURE_HEADER]).toBe(`v1=${out.trim().split(/\s+/).pop()}`);
  });

  it('refuses a changed body, a wrong secret, a changed or stale timestamp, a forged or missing signature', () => {
    const headers = signWebhook({ secret, deliveryId: 9, body, now: t0 });
    const check = (o: Partial<Parameters<typeof verifyWebhookSignature>[0]>) => verifyWebhookSignature({ secret, body, headers, now: t0, ...o });
    expect(check({ body: body.replace('fraud', 'other') })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ body: `${body} ` })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ secret: `${secret}x` })).toEqual({ ok: false, reason: 'bad_signature' });
    // Moving the timestamp to make an old request look fresh breaks the MAC (the timestamp is inside it).
    expect(check({ headers: { ...headers, [WEBHOOK_TIMESTAMP_HEADER]: String(t0.getTime() / 1000 + 600) }, now: new Date(t0.getTime() + 600_000) })).toEqual({ ok: false, reason: 'bad_signature' });
    // Replaying the untouched request later is refused by the clock.
    expect(check({ now: new Date(t0.getTime() + 301_000) })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(check({ now: new Date(t0.getTime() - 301_000) })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(check({ now: new Date(t0.getTime() + 3_600_000), toleranceSeconds: 3600 }).ok).toBe(true);
    const flipped = headers[WEBHOOK_SIGNATURE_HEADER]!.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect(check({ headers: { ...headers, [WEBHOOK_SIGNATURE_HEADER]: flipped } })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ headers: { ...headers, [WEBHOOK_SIGNATURE_HEADER]: 'v1=abc' } })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ headers: { ...headers, [WEBHOOK_SIGNATURE_HEADER]: headers[WEBHOOK_SIGNATURE_HEADER]!.replace('v1=', 'v0=') } })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ headers: { ...headers, [WEBHOOK_TIMESTAMP_HEADER]: '1e9' } })).toEqual({ ok: false, reason: 'bad_timestamp' });
    const { [WEBHOOK_SIGNATURE_HEADER]: _drop, ...unsigned } = headers;
    expect(check({ headers: unsigned })).toEqual({ ok: false, reason: 'missing_headers' });
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const headers = signWebhook({ secret, deliveryId: 3, body, now: t0 });
    const other = signWebhook({ secret: 'whsec_other', deliveryId: 3, body, now: t0 });
    const both = { ...headers, [WEBHOOK_SIGNATURE_HEADER]: `${other[WEBHOOK_SIGNATURE_HEADER]} ${headers[WEBHOOK_SIGNATURE_HEADER]}` };
    expect(verifyWebhookSignature({ secret, body, headers: both, now: t0 }).ok).toBe(true);
    expect(verifyWebhookSignature({ secret: 'whsec_other', body, headers: both, now: t0 }).ok).toBe(true);
    expect(verifyWebhookSignature({ secret: 'whsec_third', body, headers: both, now: t0 }).ok).toBe(false);
  });
});

describe('webhook back-off', () => {
  it('grows 10 s, 30 s, 2 min, 10 min, 1 h, 6 h and stays at 6 h; jitter ±20 %, reproducible with a seed', () => {
    const exact = exponentialBackoff({ jitter: 0 });
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(exact)).toEqual([10_000, 30_000, 120_000, 600_000, 3_600_000, 21_600_000, 21_600_000, 21_600_000]);
    const a = exponentialBackoff({ random: seededRandom(7) });
    const b = exponentialBackoff({ random: seededRandom(7) });
    const seqA = [1, 2, 3, 4, 5, 6, 7].map(a);
    expect([1, 2, 3, 4, 5, 6, 7].map(b)).toEqual(seqA);
    seqA.forEach((ms, i) => {
      const base = exact(i + 1);
      expect(ms).toBeGreaterThanOrEqual(base * 0.8);
      expect(ms).toBeLessThanOrEqual(Math.min(base * 1.2, 21_600_000));
    });
    expect(new Set(Array.from({ length: 20 }, () => exponentialBackoff()(1))).size).toBeGreaterThan(1);
  });
});

describe('webhook URL validation', () => {
  const problem = (url: unknown, opts = {}) => {
    try {
      validateWebhookUrl(url, opts);
      return 'accepted';
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      const err = e as AppError;
      expect(err.httpStatus).toBe(422);
      const [d] = err.details as { field: string; problem: string; message: { th: string; en: string } }[];
      expect(d!.field).toBe('url');
      expect(d!.message.en).toMatch(/^url /);
      expect(d!.message.th.length).toBeGreaterThan(0);
      return d!.problem;
    }
  };

  it('accepts https endpoints (normalised) and http only in development', () => {
    expect(validateWebhookUrl('https://hooks.example.go.th/ekasarn?x=1')).toBe('https://hooks.example.go.th/ekasarn?x=1');
    expect(validateWebhookUrl('HTTPS://Hooks.Example.go.th')).toBe('https://hooks.example.go.th/');
    expect(problem('http://hooks.example.go.th/')).toBe('scheme');
    expect(validateWebhookUrl('http://127.0.0.1:8080/h', { allowHttp: true })).toBe('http://127.0.0.1:8080/h');
  });

  it('refuses non-strings, garbage, other schemes, credentials, fragments, over-long URLs and private hosts', () => {
    expect(problem(undefined)).toBe('required');
    expect(problem(42)).toBe('required');
    expect(problem('not a url')).toBe('format');
    expect(problem('ftp://example.go.th/')).toBe('scheme');
    expect(problem('data:text/plain,hi', { allowHttp: true })).toBe('scheme');
    expect(problem('https://user:pw@example.go.th/')).toBe('credentials');
    expect(problem('https://token@example.go.th/')).toBe('credentials');
    expect(problem('https://example.go.th/#x')).toBe('fragment');
    expect(problem(`https://example.go.th/${'a'.repeat(2000)}`)).toBe('too_long');
    for (const host of ['localhost', '127.0.0.1', '2130706433', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '[::1]', '[fd00::1]', '[::ffff:127.0.0.1]', 'x.localhost']) {
      expect(problem(`https://${host}/hook`), host).toBe('private_host');
    }
    expect(problem('https://172.32.0.1/hook')).toBe('accepted');
    expect(problem('https://10.0.0.1/hook', { allowPrivateHosts: true })).toBe('accepted');
  });
});

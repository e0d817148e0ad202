import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 signatures on webhook deliveries, so a receiver knows a POST came from this registry and was not altered.
 *
 *   Ekasarn-Webhook-Id:        <delivery id>            (same on every retry of one delivery: receivers deduplicate on it)
 *   Ekasarn-Webhook-Timestamp: <unix seconds>           (when this attempt was signed)
 *   Ekasarn-Signature:         v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
 *
 * The timestamp is inside the MAC so that a captured request cannot be replayed later: a receiver accepts it only when
 * |now − timestamp| ≤ 5 minutes (and the id, if it also remembers ids it has seen, stops replays inside the window).
 * The key is the UTF-8 bytes of the whole secret string, `whsec_…` prefix included. Several `v1=` values separated by
 * spaces or commas are accepted, so a sender may sign with an old and a new secret while a receiver rotates.
 */
export const WEBHOOK_ID_HEADER = 'ekasarn-webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'ekasarn-webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'ekasarn-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

function hmacHex(secret: string, timestamp: number, body: string | Uint8Array): string {
  const mac = createHmac('sha256', encoder.encode(secret));
  mac.update(encoder.encode(`${timestamp}.`));
  mac.update(typeof body === 'string' ? encoder.encode(body) : body);
  return mac.digest('hex');
}

/** The three headers for one attempt of a delivery (`now` is the signing time). */
export function signWebhook(input: { secret: string; deliveryId: string | number; body: string; now?: Date }): Record<string, string> {
  if (typeof input.secret !== 'string' || input.secret.length === 0) throw new TypeError('signWebhook: secret must be a non-empty string');
  const timestamp = Math.floor((input.now ?? new Date()).getTime() / 1000);
  return {
    [WEBHOOK_ID_HEADER]: String(input.deliveryId),
    [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
    [WEBHOOK_SIGNATURE_HEADER]: `v1=${hmacHex(input.secret, timestamp, input.body)}`,
  };
}

/** Node's IncomingHttpHeaders, a plain record, or a fetch `Headers`. */
export type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v.join(',') : v;
  }
  return undefined;
}

export type WebhookVerification =
  | { ok: true; deliveryId: string; timestamp: number }
  | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature' };

/**
 * Checks a received webhook: the signature over the exact body bytes received (verify before parsing JSON) and the
 * timestamp's freshness. Pure: the caller passes the clock. Comparison is constant-time so the MAC cannot be guessed
 * byte by byte from response timings.
 */
export function verifyWebhookSignature(input: {
  secret: string;
  body: string | Uint8Array;
  headers: HeaderSource;
  now?: Date;
  toleranceSeconds?: number;
}): WebhookVerification {
  const id = header(input.headers, WEBHOOK_ID_HEADER);
  const ts = header(input.headers, WEBHOOK_TIMESTAMP_HEADER);
  const sig = header(input.headers, WEBHOOK_SIGNATURE_HEADER);
  if (!id || !ts || !sig || !input.secret) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(ts.trim())) return { ok: false, reason: 'bad_timestamp' };
  const timestamp = Number(ts.trim());
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > tolerance) return { ok: false, reason: 'stale_timestamp' };

  const expected = Buffer.from(hmacHex(input.secret, timestamp, input.body), 'hex');
  let match = false;
  for (const part of sig.split(/[\s,]+/)) {
    const m = /^v1=([0-9a-fA-F]{64})$/.exec(part);
    if (!m) continue;
    // Every candidate is compared (no early exit) so timing does not tell which one matched.
    if (timingSafeEqual(Buffer.from(m[1]!, 'hex'), expected)) match = true;
  }
  return match ? { ok: true, deliveryId: id, timestamp } : { ok: false, reason: 'bad_signature' };
}

import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWebhookDispatcher,
  deliveryLog,
  subscribeWebhook,
  unsubscribeWebhook,
  webhookSubscriptionService,
  type WebhookDispatcherOptions,
  type WebhookPayload,
} from '../../src/notifications/index.js';
import { createWebhookSubscription, grantTypeEntitlement, openDatabase, upsertAgency, type OpenedDatabase } from '../../src/store/index.js';
import { newDocumentId } from '../../src/domain/identifiers.js';
import { makeErrorHandler } from '../../src/http/errors.js';
import { requireCaller } from '../../src/http/auth.js';
import { webhookRoutes } from '../../src/http/routes/webhooks.js';
import { describeEachDialect } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { Receiver } from './receiver.js';

/**
 * Webhook delivery end to end on each database: a real status change queues the notification in its transaction, the
 * dispatcher POSTs it to a real HTTP receiver on 127.0.0.1 that verifies the HMAC, failures are retried with back-off
 * and logged, and two dispatchers on separate connections never send one delivery twice. Then the management API
 * over real HTTP with real API keys.
 */
describeEachDialect('webhook dispatch', (dialect) => {
  let t: TestApp;
  let rx: Receiver;
  const TYPE = 'training-certificate';
  const sample = () => t.app.types.get(TYPE)!.sample as Record<string, string>;
  const db = () => t.app.database.db;

  const revokeNew = async (type = TYPE): Promise<string> => {
    const id = (await t.app.issueAsAgency('demo', type, t.app.types.get(type)!.sample)).document.id;
    await t.app.changeStatus('revoke', { documentId: id, reason: 'fraud', note: 'internal note: forged annex' }, 'test');
    return id;
  };
  const subscribe = async (path: string, behaviour: Parameters<Receiver['endpoint']>[1], typeId = TYPE) => {
    const sub = await subscribeWebhook(db(), { agencyId: 'demo', typeId, url: rx.endpoint(path, behaviour), allowHttp: true });
    rx.setSecret(path, sub.secret);
    return sub;
  };
  const rows = (subscriptionId: string) => db().selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', subscriptionId).orderBy('id').execute();
  const dispatcher = (o: Partial<WebhookDispatcherOptions> = {}) =>
    createWebhookDispatcher({ db: db(), backoff: () => 50, onError: (e) => { throw e; }, ...o });
  /** Runs passes until every delivery of the subscription is delivered or failed (or the deadline). */
  const drain = async (d: ReturnType<typeof dispatcher>, subscriptionId: string, deadlineMs = 10_000) => {
    const until = Date.now() + deadlineMs;
    for (;;) {
      await d.runOnce();
      const rs = await rows(subscriptionId);
      if (rs.length > 0 && rs.every((r) => r.state !== 'pending')) return rs;
      if (Date.now() > until) throw new Error(`deliveries still pending: ${JSON.stringify(rs)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  beforeAll(async () => {
    // EKASARN_WEBHOOKS=off: the instance's own server process must not dispatch these deliveries too (lead: honour it).
    t = await createTestApp(dialect, { EKASARN_WEBHOOKS: 'off' });
    rx = await Receiver.start();
    await upsertAgency(db(), { id: 'other-agency', nameTh: 'หน่วยงานอื่น', nameEn: 'Other agency', addressTh: '' });
    await grantTypeEntitlement(db(), 'other-agency', TYPE);
  }, 180_000);
  afterAll(async () => {
    await rx?.close();
    await t?.destroy();
  });

  it('retries a receiver that fails twice, then delivers: 3 signed attempts, logged, no personal data', async () => {
    const sub = await subscribe('/flaky', (n) => (n <= 2 ? { status: 500, body: 'temporarily broken' } : { status: 200 }));
    try {
      const docId = await revokeNew();
      const [queued] = await rows(sub.id);
      expect(queued).toMatchObject({ state: 'pending', attempts: 0 });
      const d = dispatcher();

      expect(await d.runOnce()).toMatchObject({ attempted: 1, retried: 1, delivered: 0 });
      const [afterFirst] = await rows(sub.id);
      expect(afterFirst).toMatchObject({ state: 'pending', attempts: 1, last_status: 500, last_error: 'HTTP 500: temporarily broken', delivered_at: null });
      expect(Date.parse(afterFirst!.next_attempt_at)).toBeGreaterThan(Date.now() - 50);
      // Not due yet: the back-off is honoured.
      expect((await d.runOnce()).attempted).toBe(0);

      const [final] = await drain(d, sub.id);
      expect(final).toMatchObject({ state: 'delivered', attempts: 3, last_status: 200, last_error: null });
      expect(final!.delivered_at).not.toBeNull();

      const got = rx.at('/flaky');
      expect(got).toHaveLength(3);
      for (const r of got) {
        expect(r.verified, 'HMAC verified by the receiver').toBe(true);
        expect(r.method).toBe('POST');
        expect(r.headers['content-type']).toBe('application/json');
        expect(r.headers['user-agent']).toBe('ekasarn-webhooks/1');
        expect(r.headers['ekasarn-webhook-id']).toBe(String(final!.id));
        expect(r.body).toBe(got[0]!.body);
      }
      expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(45);

      const payload = JSON.parse(got[0]!.body) as WebhookPayload;
      expect(Object.keys(payload).sort()).toEqual(['document', 'effectiveAt', 'event', 'id', 'occurredAt', 'reason', 'status', 'successor']);
      expect(Object.keys(payload.document).sort()).toEqual(['agency', 'id', 'statusUrl', 'type']);
      expect(payload).toMatchObject({
        id: String(final!.event_id),
        event: 'document.revoked',
        status: 'revoked',
        reason: 'fraud',
        successor: null,
        document: { id: docId, agency: 'demo', type: TYPE, statusUrl: `${t.config.publicUrl}/api/v1/documents/${docId}/status` },
      });
      expect(Number.isNaN(Date.parse(payload.occurredAt))).toBe(false);
      // The status URL in the payload answers, and agrees.
      const status = (await (await fetch(payload.document.statusUrl)).json()) as { status: string };
      expect(status.status).toBe('revoked');
      // No personal data, and not the agency's internal note.
      const s = sample();
      for (const v of [s.citizen_id, s.first_name_th, s.last_name_th, s.first_name_en, s.last_name_en, 'forged annex']) expect(got[0]!.body).not.toContain(v);

      const log = await deliveryLog(db(), 'demo', sub.id);
      expect(log).toEqual([expect.objectContaining({ id: final!.id, event: 'document.revoked', documentId: docId, state: 'delivered', attempts: 3, lastStatus: 200, nextAttemptAt: null })]);
      expect(JSON.stringify(log)).not.toContain(sub.secret);
      expect(await deliveryLog(db(), 'other-agency', sub.id)).toBeNull();
      // Delivered is final: no further POSTs.
      await d.runOnce();
      expect(rx.at('/flaky')).toHaveLength(3);
    } finally {
      await unsubscribeWebhook(db(), 'demo', sub.id);
    }
  }, 30_000);

  it('gives up after maxAttempts on a receiver that always fails, recording the last error', async () => {
    const sub = await subscribe('/down', () => ({ status: 503, body: 'down for maintenance\n' }));
    try {
      await revokeNew();
      const [r] = await drain(dispatcher({ maxAttempts: 3, backoff: () => 10 }), sub.id);
      expect(r).toMatchObject({ state: 'failed', attempts: 3, last_status: 503, last_error: 'HTTP 503: down for maintenance', delivered_at: null });
      expect(rx.at('/down')).toHaveLength(3);
      expect(rx.at('/down').every((q) => q.verified)).toBe(true);
      await new Promise((res) => setTimeout(res, 30));
      await dispatcher().runOnce();
      expect(rx.at('/down')).toHaveLength(3);
    } finally {
      await unsubscribeWebhook(db(), 'demo', sub.id);
    }
  }, 30_000);

  it('counts a hanging receiver as a failure after the timeout, and a refused connection too', async () => {
    const hang = await subscribe('/hang', () => 'hang');
    try {
      await revokeNew();
      const started = Date.now();
      const [r] = await drain(dispatcher({ maxAttempts: 2, backoff: () => 10, timeoutMs: 300 }), hang.id);
      const elapsed = Date.now() - started;
      expect(r).toMatchObject({ state: 'failed', attempts: 2, last_status: null, last_error: 'timeout after 300 ms' });
      expect(rx.at('/hang')).toHaveLength(2);
      expect(elapsed).toBeGreaterThanOrEqual(600);
      expect(elapsed).toBeLessThan(5_000);
    } finally {
      await unsubscribeWebhook(db(), 'demo', hang.id);
    }

    // A port nobody listens on (a closed receiver's).
    const gone = await Receiver.start();
    const url = `${gone.base}/gone`;
    await gone.close();
    const refused = await subscribeWebhook(db(), { agencyId: 'demo', typeId: TYPE, url, allowHttp: true });
    try {
      await revokeNew();
      const [r] = await drain(dispatcher({ maxAttempts: 1 }), refused.id);
      expect(r).toMatchObject({ state: 'failed', attempts: 1, last_status: null });
      expect(r!.last_error).toMatch(/^network error: ECONNREFUSED/);
    } finally {
      await unsubscribeWebhook(db(), 'demo', refused.id);
    }
  }, 30_000);

  it('marks pending deliveries of a subscription disabled meanwhile as failed, without sending them', async () => {
    const sub = await subscribe('/unsubscribed', () => ({ status: 200 }));
    await revokeNew();
    expect(await unsubscribeWebhook(db(), 'demo', sub.id)).toBe(true);
    expect(await unsubscribeWebhook(db(), 'demo', sub.id)).toBe(false);
    const [r] = await drain(dispatcher(), sub.id);
    expect(r).toMatchObject({ state: 'failed', attempts: 0, last_error: 'subscription disabled' });
    expect(rx.at('/unsubscribed')).toHaveLength(0);
  }, 30_000);

  it('two dispatchers on separate connections deliver each delivery exactly once', async () => {
    const a = await subscribe('/pair-a', () => ({ status: 200, delayMs: 30 }));
    const b = await subscribe('/pair-b', () => ({ status: 200, delayMs: 30 }));
    const second: OpenedDatabase = await openDatabase({ dataDir: t.config.dataDir, ...(t.config.databaseUrl ? { databaseUrl: t.config.databaseUrl } : {}), migrate: false });
    try {
      for (let i = 0; i < 3; i++) await revokeNew();
      const expected = [...(await rows(a.id)), ...(await rows(b.id))].map((r) => String(r.id)).sort();
      expect(expected).toHaveLength(6);
      const d1 = dispatcher({ concurrency: 3 });
      const d2 = createWebhookDispatcher({ db: second.db, backoff: () => 50, concurrency: 3, onError: (e) => { throw e; } });
      const totals = { attempted: 0, delivered: 0 };
      for (let round = 0; round < 3; round++) {
        for (const c of await Promise.all([d1.runOnce(), d2.runOnce(), d1.runOnce(), d2.runOnce()])) {
          totals.attempted += c.attempted;
          totals.delivered += c.delivered;
        }
      }
      expect(totals).toEqual({ attempted: 6, delivered: 6 });
      const ids = [...rx.at('/pair-a'), ...rx.at('/pair-b')].map((r) => String(r.headers['ekasarn-webhook-id'])).sort();
      expect(ids).toEqual(expected);
      expect([...(await rows(a.id)), ...(await rows(b.id))].every((r) => r.state === 'delivered' && r.attempts === 1)).toBe(true);
    } finally {
      await second.close();
      await unsubscribeWebhook(db(), 'demo', a.id);
      await unsubscribeWebhook(db(), 'demo', b.id);
    }
  }, 30_000);

  it("notifies only subscribers of the document's agency and type, and only active ones", async () => {
    const yes = await subscribe('/match', () => ({ status: 200 }));
    const otherType = await subscribe('/other-type', () => ({ status: 200 }), 'factory-licence');
    const otherAgency = await subscribeWebhook(db(), { agencyId: 'other-agency', typeId: TYPE, url: rx.endpoint('/other-agency', () => ({ status: 200 })), allowHttp: true });
    const disabled = await subscribe('/disabled', () => ({ status: 200 }));
    await unsubscribeWebhook(db(), 'demo', disabled.id);
    try {
      await revokeNew();
      expect(await rows(yes.id)).toHaveLength(1);
      for (const s of [otherType, otherAgency, disabled]) expect(await rows(s.id)).toHaveLength(0);
      await drain(dispatcher(), yes.id);
      expect(rx.at('/match')).toHaveLength(1);
      for (const p of ['/other-type', '/other-agency', '/disabled']) expect(rx.at(p)).toHaveLength(0);
      // Issuance alone notifies nobody.
      const before = rx.requests.length;
      await t.app.issueAsAgency('demo', TYPE, sample());
      expect(await rows(yes.id)).toHaveLength(1);
      await dispatcher().runOnce();
      expect(rx.requests.length).toBe(before);
    } finally {
      await unsubscribeWebhook(db(), 'demo', yes.id);
      await unsubscribeWebhook(db(), 'demo', otherType.id);
      await unsubscribeWebhook(db(), 'other-agency', otherAgency.id);
    }
  }, 30_000);

  it('start/kick/stop: a running loop sends a new change on kick without waiting for the interval', async () => {
    const sub = await subscribe('/loop', () => ({ status: 204 }));
    const d = dispatcher();
    d.start(60_000);
    try {
      await new Promise((r) => setTimeout(r, 100));
      await revokeNew();
      d.kick();
      const until = Date.now() + 5_000;
      while (rx.at('/loop').length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(rx.at('/loop')).toHaveLength(1);
    } finally {
      await d.stop();
      await unsubscribeWebhook(db(), 'demo', sub.id);
    }
    const [r] = await rows(sub.id);
    expect(r).toMatchObject({ state: 'delivered', last_status: 204 });
  }, 30_000);

  it('stores subscriptions with unguessable ids and whsec_ secrets; a forged subscription row cannot smuggle a data: URL', async () => {
    const s = await subscribe('/ids', () => ({ status: 200 }));
    await unsubscribeWebhook(db(), 'demo', s.id);
    expect(s.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(s.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    // Written around the validation (e.g. by hand in the database): the dispatcher still refuses non-http schemes.
    const forged = await createWebhookSubscription(db(), { id: newDocumentId(), agencyId: 'demo', typeId: TYPE, url: 'data:text/plain,x', secret: 'whsec_x' });
    try {
      await revokeNew();
      const [r] = await drain(dispatcher({ maxAttempts: 1 }), forged.id);
      expect(r).toMatchObject({ state: 'failed', last_error: 'unsupported url scheme data:' });
    } finally {
      await unsubscribeWebhook(db(), 'demo', forged.id);
    }
  }, 30_000);

  describe('management API over HTTP', () => {
    let http: FastifyInstance;
    let base: string;
    let key: string;
    const call = async (method: string, path: string, body?: unknown, k: string = key) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${k}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, text, json: (text ? JSON.parse(text) : null) as any };
    };

    beforeAll(async () => {
      key = await t.app.createApiKey('demo', 'webhook admin', ['webhooks:manage']);
      const service = webhookSubscriptionService(db());
      http = Fastify({ ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: false } } });
      await http.register(swagger, { openapi: { info: { title: 't', version: '1' }, components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } } } });
      http.setErrorHandler(makeErrorHandler(1_000_000));
      webhookRoutes(http, { authenticate: (req, scope) => requireCaller(t.app.services, req, scope), ...service });
      await http.listen({ host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${(http.server.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      await http?.close();
    });

    it('POST /api/v1/webhooks creates (secret once), GET lists without secrets, deliveries show the log, DELETE disables', async () => {
      const created = await call('POST', '/api/v1/webhooks', { type: TYPE, url: 'https://hooks.example.go.th/ekasarn' });
      expect(created.status, created.text).toBe(201);
      expect(created.json).toMatchObject({ type: TYPE, url: 'https://hooks.example.go.th/ekasarn', active: true, disabledAt: null });
      expect(created.json.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(created.json.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(created.headers.get('location')).toBe(`/api/v1/webhooks/${created.json.id}`);
      expect(created.headers.get('cache-control')).toBe('no-store');
      const row = await db().selectFrom('webhook_subscriptions').selectAll().where('id', '=', created.json.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ agency_id: 'demo', type_id: TYPE, secret: created.json.secret });

      const list = await call('GET', '/api/v1/webhooks');
      expect(list.status).toBe(200);
      expect(list.json.subscriptions.map((s: { id: string }) => s.id)).toContain(created.json.id);
      expect(list.text).not.toContain('whsec_');

      const docId = await revokeNew();
      const log = await call('GET', `/api/v1/webhooks/${created.json.id}/deliveries`);
      expect(log.status).toBe(200);
      expect(log.json.deliveries).toEqual([expect.objectContaining({ event: 'document.revoked', documentId: docId, state: 'pending', attempts: 0, lastStatus: null })]);
      expect(log.text).not.toContain('whsec_');

      expect((await call('DELETE', `/api/v1/webhooks/${created.json.id}`)).status).toBe(204);
      expect((await call('DELETE', `/api/v1/webhooks/${created.json.id}`)).status).toBe(404);
      const after = await call('GET', '/api/v1/webhooks');
      expect(after.json.subscriptions.find((s: { id: string }) => s.id === created.json.id)).toMatchObject({ active: false });
      // Its pending delivery is never sent (https://hooks.example.go.th is not reachable from here anyway).
      const [r] = await drain(dispatcher(), created.json.id);
      expect(r).toMatchObject({ state: 'failed', last_error: 'subscription disabled' });
    });

    it('refuses bad input with the field named, a key without the scope, and other agencies\' subscriptions', async () => {
      const bad = async (body: unknown, field: string, problem: string) => {
        const r = await call('POST', '/api/v1/webhooks', body);
        expect(r.status, r.text).toBe(422);
        const details = r.json.error.details as { field: string; problem: string; message: { th: string; en: string } }[];
        expect(details).toEqual(expect.arrayContaining([expect.objectContaining({ field, problem })]));
        for (const d of details) expect(d.message.th.length * d.message.en.length).toBeGreaterThan(0);
      };
      await bad({ type: TYPE, url: 'http://hooks.example.go.th/' }, 'url', 'scheme');
      await bad({ type: TYPE, url: 'https://u:p@hooks.example.go.th/' }, 'url', 'credentials');
      await bad({ type: TYPE, url: 'https://127.0.0.1/' }, 'url', 'private_host');
      await bad({ type: TYPE, url: 'nope' }, 'url', 'format');
      await bad({ type: 'no-such-type', url: 'https://hooks.example.go.th/' }, 'type', 'unknown_type');
      await bad({ type: 'Bad Type!', url: 'https://hooks.example.go.th/' }, 'type', 'format');
      await bad({ type: TYPE }, 'body.url', 'required');
      await bad({ type: TYPE, url: 'https://hooks.example.go.th/', secret: 'mine' }, 'body', 'additionalProperties');

      // The demo key (documents:issue, documents:read) cannot manage webhooks.
      const forbidden = await call('POST', '/api/v1/webhooks', { type: TYPE, url: 'https://hooks.example.go.th/' }, t.apiKey);
      expect(forbidden.status).toBe(403);
      expect(forbidden.json.error.message.en).toContain('webhooks:manage');
      expect((await call('GET', '/api/v1/webhooks', undefined, 'ek_not_a_key')).status).toBe(401);

      // Another agency's subscription is "not found" for every operation.
      const theirs = await createWebhookSubscription(db(), { id: newDocumentId(), agencyId: 'other-agency', typeId: TYPE, url: 'https://x.example/', secret: 'whsec_theirs' });
      expect((await call('GET', `/api/v1/webhooks/${theirs.id}/deliveries`)).status).toBe(404);
      expect((await call('DELETE', `/api/v1/webhooks/${theirs.id}`)).status).toBe(404);
      expect((await call('GET', '/api/v1/webhooks')).text).not.toContain(theirs.id);
      expect((await call('GET', '/api/v1/webhooks/short/deliveries')).status).toBe(422);
      await unsubscribeWebhook(db(), 'other-agency', theirs.id);
    });

    it('documents the routes in OpenAPI under the webhooks tag', async () => {
      const spec = http.swagger() as { paths: Record<string, Record<string, { tags?: string[] }>> };
      expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/v1/webhooks', '/api/v1/webhooks/{id}', '/api/v1/webhooks/{id}/deliveries']));
      expect(spec.paths['/api/v1/webhooks']!.post!.tags).toEqual(['webhooks']);
    });
  });
});

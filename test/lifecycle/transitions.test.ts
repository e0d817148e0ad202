import { afterAll, beforeAll, expect, it } from 'vitest';
import { upsertAgency } from '../../src/store/index.js';
import { describeEachDialect } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { jsonHeaders, startServer, type RunningServer } from '../http/server.js';

/**
 * Lifecycle over real HTTP on each database: revoke, suspend, reinstate, supersede and expire, each leaving the
 * document row, an audit event and a transparency-log event; verification then says REVOKED, SUSPENDED, SUPERSEDED
 * or EXPIRED. Refusals: wrong reason, future effective time, another agency's document, a key without the scope.
 */
describeEachDialect('document lifecycle', (dialect) => {
  let t: TestApp;
  let server: RunningServer;
  const sample = () => t.app.types.get('training-certificate')!.sample;
  const issue = async () => (await t.app.issueAsAgency('demo', 'training-certificate', sample())).document.id;
  const post = (path: string, body: unknown, key = t.apiKey) => fetch(`${server.base}${path}`, { method: 'POST', headers: jsonHeaders(key), body: JSON.stringify(body) });
  const verify = async (id: string) => {
    const pdf = await t.app.blobs.get((await t.app.database.db.selectFrom('documents').select(['id', 'blob_key']).where('id', '=', id).executeTakeFirstOrThrow()).blob_key ?? id);
    return t.app.verify(pdf!);
  };
  const events = (id: string) => t.app.database.db.selectFrom('log_events').selectAll().where('document_id', '=', id).orderBy('id').execute();
  const audit = (id: string) => t.app.database.db.selectFrom('audit_events').select(['action', 'details_json', 'actor']).where('document_id', '=', id).orderBy('id').execute();

  beforeAll(async () => {
    t = await createTestApp(dialect);
    server = await startServer(t.app);
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await t?.destroy();
  });

  it('issuance writes a log event with no personal data', async () => {
    const id = await issue();
    const [e] = await events(id);
    expect(e).toMatchObject({ kind: 'issued', agency_id: 'demo', type_id: 'training-certificate', document_id: id, successor_id: null });
    expect(JSON.stringify(e)).not.toContain('1103700123458');
    expect((await audit(id)).map((a) => a.action)).toEqual(['document.issued']);
    const row = await t.app.database.db.selectFrom('documents').select('status_list_index').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status_list_index).toBeGreaterThanOrEqual(0);
    expect(row.status_list_index).toBeLessThan(131_072);
  });

  it('revoke → REVOKED, with reason and effective time in the row, the audit trail and the public status; final', async () => {
    const id = await issue();
    const effectiveAt = new Date().toISOString();
    const res = await post(`/api/v1/documents/${id}/revoke`, { reason: 'fraud', note: 'ตรวจพบเอกสารประกอบปลอม', effectiveAt });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ id, status: 'revoked', statusReason: 'fraud', statusChangedAt: effectiveAt });
    const row = await t.app.database.db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'revoked', status_reason: 'fraud', status_note: 'ตรวจพบเอกสารประกอบปลอม', status_changed_at: effectiveAt });
    expect((await events(id)).map((e) => e.kind)).toEqual(['issued', 'revoked']);
    const a = (await audit(id)).at(-1)!;
    expect(a.action).toBe('document.revoked');
    expect(JSON.parse(a.details_json)).toMatchObject({ reason: 'fraud', effectiveAt });
    const pub = (await (await fetch(`${server.base}/api/v1/documents/${id}/status`)).json()) as Record<string, unknown>;
    expect(pub).toMatchObject({ status: 'revoked', statusReason: 'fraud', statusChangedAt: effectiveAt });
    // The note is the agency's internal record: not on the public status or page.
    expect(JSON.stringify(pub)).not.toContain('ปลอม');
    const page = await (await fetch(`${server.base}/v/${id}`)).text();
    expect(page).toContain('ได้มาโดยการทุจริตหรือแสดงข้อมูลเท็จ');
    expect(page).not.toContain('ตรวจพบเอกสารประกอบปลอม');
    const r = await verify(id);
    expect(r.verdict).toBe('REVOKED');
    expect(r.status).toMatchObject({ status: 'revoked', reason: 'fraud', changedAt: effectiveAt });
    for (const action of ['reinstate', 'suspend', 'revoke']) {
      const again = await post(`/api/v1/documents/${id}/${action}`, { reason: 'other' });
      expect(again.status, action).toBe(409);
      expect(((await again.json()) as { error: { code: string } }).error.code).toBe('invalid_transition');
    }
  });

  it('suspend → SUSPENDED; reinstate → VALID again; both logged', async () => {
    const id = await issue();
    expect((await post(`/api/v1/documents/${id}/suspend`, { reason: 'court_order' })).status).toBe(200);
    expect((await verify(id)).verdict).toBe('SUSPENDED');
    expect((await post(`/api/v1/documents/${id}/reinstate`, { reason: 'court_order' })).status).toBe(200);
    expect((await verify(id)).verdict).toBe('VALID');
    expect((await events(id)).map((e) => e.kind)).toEqual(['issued', 'suspended', 'reinstated']);
  });

  it('supersede: a corrected successor in one step; the old verifies SUPERSEDED and points to it', async () => {
    const id = await issue();
    const corrected = { ...sample(), course_th: 'หลักสูตรที่แก้ไขชื่อแล้ว' };
    const res = await post(`/api/v1/documents/${id}/supersede`, { data: corrected, note: 'แก้ชื่อหลักสูตร' });
    expect(res.status, await res.clone().text()).toBe(201);
    const body = (await res.json()) as { old: { id: string; status: string; successorId: string }; successor: { id: string; status: string } };
    expect(body.old).toMatchObject({ id, status: 'superseded', successorId: body.successor.id });
    expect(body.successor.status).toBe('active');
    const r = await verify(id);
    expect(r.verdict).toBe('SUPERSEDED');
    expect(r.summary.th).toContain(body.successor.id);
    expect((await verify(body.successor.id)).verdict).toBe('VALID');
    expect((await events(id)).map((e) => [e.kind, e.successor_id])).toEqual([['issued', null], ['superseded', body.successor.id]]);
    expect((await events(body.successor.id)).map((e) => e.kind)).toEqual(['issued']);
  });

  it('a failed supersede (invalid data) changes nothing: no successor, old still active', async () => {
    const id = await issue();
    const before = await t.app.database.db.selectFrom('documents').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const res = await post(`/api/v1/documents/${id}/supersede`, { data: { ...sample(), citizen_id: '1234567890123' } });
    expect(res.status).toBe(422);
    const after = await t.app.database.db.selectFrom('documents').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect((await events(id)).map((e) => e.kind)).toEqual(['issued']);
    expect((await verify(id)).verdict).toBe('VALID');
  });

  it('expiry: a document past its valid-until is marked expired and logged; verification says until when', async () => {
    const id = await issue();
    await t.app.database.db.updateTable('documents').set({ valid_until: '2026-01-31T16:59:59.999Z' }).where('id', '=', id).execute();
    expect(await t.app.expireDue()).toBeGreaterThanOrEqual(1);
    const row = await t.app.database.db.selectFrom('documents').select(['status', 'status_changed_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'expired', status_changed_at: '2026-01-31T16:59:59.999Z' });
    expect((await events(id)).map((e) => e.kind)).toEqual(['issued', 'expired']);
    const r = await verify(id);
    expect(r.verdict).toBe('EXPIRED');
    expect(await t.app.expireDue()).toBe(0);
  });

  it('refusals: unknown reason and future effective time → 422 naming the field; other agency → 404; no scope → 403', async () => {
    const id = await issue();
    const bad = await post(`/api/v1/documents/${id}/revoke`, { reason: 'because' });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain('reason');
    const future = await post(`/api/v1/documents/${id}/revoke`, { reason: 'other', effectiveAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect(future.status).toBe(422);
    expect(JSON.stringify(await future.json())).toContain('effectiveAt');
    await upsertAgency(t.app.database.db, { id: 'other-office', nameTh: 'สำนักงานอื่น', nameEn: 'Another Office', addressTh: '' });
    const otherKey = await t.app.createApiKey('other-office', 'other', ['documents:status']);
    expect((await post(`/api/v1/documents/${id}/revoke`, { reason: 'other' }, otherKey)).status).toBe(404);
    const readOnly = await t.app.createApiKey('demo', 'read-only', ['documents:read']);
    expect((await post(`/api/v1/documents/${id}/revoke`, { reason: 'other' }, readOnly)).status).toBe(403);
    expect((await fetch(`${server.base}/api/v1/documents/${id}/revoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reason":"other"}' })).status).toBe(401);
    expect((await t.app.database.db.selectFrom('documents').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('active');
  });
});

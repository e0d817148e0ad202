import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertAgency } from '../../src/store/index.js';
import { describeEachDialect } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { auth, countDocuments, jsonHeaders, readExample, startServer, type RunningServer } from './server.js';

/** Refusals over real HTTP on each database: validation, authentication, scopes, idempotency, agency isolation. */

interface ErrorBody {
  error: { code: string; message: { th: string; en: string }; details?: { field: string; problem: string; message: { th: string; en: string } }[] };
}

const THAI = /[\u0E01-\u0E5B]/;

describeEachDialect('HTTP errors and access rules', (dialect) => {
  let t: TestApp;
  let server: RunningServer;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    server = await startServer(t.app);
  });
  afterAll(async () => {
    await server?.close();
    await t?.destroy();
  });

  const post = (body: unknown, headers: Record<string, string> = jsonHeaders(t.apiKey)) =>
    fetch(`${server.base}/api/v1/documents`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  describe('validation', () => {
    it('data breaking the type schema in several fields → 422 naming each field in Thai and English, no row written', async () => {
      const before = await countDocuments(t.app);
      const { data } = readExample('training-certificate');
      const bad = { ...data, citizen_id: '1103700123459', first_name_en: 'P1mch@nok', completed_on: '2025-02-30', result: 'ไม่ผ่าน' };
      delete (bad as Record<string, unknown>).last_name_th;
      const res = await post({ type: 'training-certificate', data: bad });
      const body = (await res.json()) as ErrorBody;
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(body.error.code).toBe('validation_failed');
      const fields = new Set(body.error.details!.map((d) => d.field));
      for (const f of ['citizen_id', 'first_name_en', 'completed_on', 'result', 'last_name_th']) expect(fields, f).toContain(f);
      for (const d of body.error.details!) {
        expect(d.message.th, d.field).toMatch(THAI);
        expect(d.message.en, d.field).toMatch(/[A-Za-z]{3}/);
      }
      // Officers see the field's own label, not the JSON name.
      const citizen = body.error.details!.find((d) => d.field === 'citizen_id')!;
      expect(citizen.message.th).toContain('เลขประจำตัวประชาชน');
      expect(citizen.message.en).toContain('Citizen ID');
      expect(await countDocuments(t.app)).toBe(before);
    });

    it('an envelope that is not {type, data} → 422 listing each problem', async () => {
      const res = await post({ type: '', data: 'not an object', extra: 1 });
      const body = (await res.json()) as ErrorBody;
      expect(res.status).toBe(422);
      const fields = body.error.details!.map((d) => d.field).join(' ');
      expect(fields).toContain('body.type');
      expect(fields).toContain('body.data');
      for (const d of body.error.details!) expect(d.message.th).toMatch(THAI);
    });

    it('an unknown document type → 404 unknown_type', async () => {
      const before = await countDocuments(t.app);
      const res = await post({ type: 'no-such-type', data: {} });
      expect(res.status).toBe(404);
      expect(((await res.json()) as ErrorBody).error.code).toBe('unknown_type');
      expect(await countDocuments(t.app)).toBe(before);
    });

    it('malformed JSON → 400 invalid_json', async () => {
      const res = await post('{"type": "training-certificate", "data": {');
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe('invalid_json');
      expect(body.error.message.th).toMatch(THAI);
    });
  });

  describe('authentication and scopes', () => {
    it('no API key → 401 on issue, read and PDF', async () => {
      const issue = await post(readExample('factory-licence'), { 'content-type': 'application/json' });
      expect(issue.status).toBe(401);
      expect(((await issue.json()) as ErrorBody).error.code).toBe('unauthenticated');
      for (const path of ['/api/v1/documents/AAAAAAAAAAAAAAAAAAAAAA', '/api/v1/documents/AAAAAAAAAAAAAAAAAAAAAA/pdf']) {
        expect((await fetch(`${server.base}${path}`)).status, path).toBe(401);
      }
    });

    it('an invalid or malformed API key → 401, also via X-API-Key', async () => {
      const wrongSecret = t.apiKey.slice(0, -4) + (t.apiKey.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      for (const headers of [jsonHeaders('ek_nonsense'), jsonHeaders(wrongSecret), { 'content-type': 'application/json', 'x-api-key': 'ek_0000000000000000_x' }]) {
        const res = await post(readExample('factory-licence'), headers);
        expect(res.status).toBe(401);
      }
    });

    it('a key without the documents:issue scope → 403, and it can still read', async () => {
      const readOnly = await t.app.createApiKey('demo', 't', ['documents:read']);
      const before = await countDocuments(t.app);
      const res = await post(readExample('factory-licence'), jsonHeaders(readOnly));
      expect(res.status).toBe(403);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe('forbidden');
      expect(body.error.message.en).toContain('documents:issue');
      expect(await countDocuments(t.app)).toBe(before);

      const issued = (await (await post(readExample('factory-licence'))).json()) as { id: string };
      expect((await fetch(`${server.base}/api/v1/documents/${issued.id}`, { headers: auth(readOnly) })).status).toBe(200);
    });
  });

  describe('Idempotency-Key', () => {
    it('same key + same body twice → the same document (201 then 200) and one row', async () => {
      const before = await countDocuments(t.app);
      const headers = { ...jsonHeaders(t.apiKey), 'idempotency-key': `retry-${dialect}-1` };
      const first = await post(readExample('training-certificate'), headers);
      const second = await post(readExample('training-certificate'), headers);
      expect(first.status).toBe(201);
      expect(second.status).toBe(200);
      const a = (await first.json()) as { id: string; serial: string };
      const b = (await second.json()) as { id: string; serial: string };
      expect(b.id).toBe(a.id);
      expect(b.serial).toBe(a.serial);
      expect(await countDocuments(t.app)).toBe(before + 1);
    });

    it('same key + a different body → 409, nothing written', async () => {
      const headers = { ...jsonHeaders(t.apiKey), 'idempotency-key': `retry-${dialect}-2` };
      const example = readExample('training-certificate');
      expect((await post(example, headers)).status).toBe(201);
      const before = await countDocuments(t.app);
      const changed = { ...example, data: { ...example.data, result: 'ผ่าน (ดี)' } };
      const res = await post(changed, headers);
      expect(res.status).toBe(409);
      expect(((await res.json()) as ErrorBody).error.code).toBe('idempotency_conflict');
      expect(await countDocuments(t.app)).toBe(before);
    });

    it('a key with characters outside [A-Za-z0-9_.:-] → 422', async () => {
      const before = await countDocuments(t.app);
      for (const key of ['has space', 'slash/es', 'x'.repeat(129)]) {
        const res = await post(readExample('training-certificate'), { ...jsonHeaders(t.apiKey), 'idempotency-key': key });
        expect(res.status, key).toBe(422);
        expect(((await res.json()) as ErrorBody).error.code).toBe('invalid_idempotency_key');
      }
      expect(await countDocuments(t.app)).toBe(before);
    });
  });

  describe('agency isolation', () => {
    it("another agency's key cannot read the demo agency's document or PDF (404), though the public status works", async () => {
      const issued = (await (await post(readExample('factory-licence'))).json()) as { id: string };
      await upsertAgency(t.app.database.db, { id: 'other-office', nameTh: 'สำนักงานอื่น', nameEn: 'Another Office', addressTh: '' });
      const otherKey = await t.app.createApiKey('other-office', 'other', ['documents:read', 'documents:issue']);

      for (const path of [`/api/v1/documents/${issued.id}`, `/api/v1/documents/${issued.id}/pdf`]) {
        const res = await fetch(`${server.base}${path}`, { headers: auth(otherKey) });
        expect(res.status, path).toBe(404);
        expect(((await res.json()) as ErrorBody).error.code).toBe('not_found');
        // The owner still reads it: the 404 is about the caller, not the document.
        expect((await fetch(`${server.base}${path}`, { headers: auth(t.apiKey) })).status, path).toBe(200);
      }
      expect((await fetch(`${server.base}/api/v1/documents/${issued.id}/status`)).status).toBe(200);
    });
  });
});

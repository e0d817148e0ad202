import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { countDocuments, jsonHeaders, readExample, startServer, type RunningServer } from './server.js';

/** What does not depend on the database engine: OpenAPI, type listing, security headers, body limits (SQLite). */

describe('HTTP API surface [sqlite]', () => {
  let t: TestApp;
  let server: RunningServer;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
    server = await startServer(t.app);
  });
  afterAll(async () => {
    await server?.close();
    await t?.destroy();
  });

  it('GET /api/docs/json is an OpenAPI 3 document listing every API route', async () => {
    const res = await fetch(`${server.base}/api/docs/json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components?: { securitySchemes?: object } };
    expect(doc.openapi).toMatch(/^3\./);
    const expected: [string, string][] = [
      ['/api/v1/documents', 'post'],
      ['/api/v1/documents/{id}', 'get'],
      ['/api/v1/documents/{id}/pdf', 'get'],
      ['/api/v1/documents/{id}/status', 'get'],
      ['/api/v1/verify', 'post'],
      ['/api/v1/types', 'get'],
      ['/api/v1/types/{typeId}', 'get'],
    ];
    for (const [path, method] of expected) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    expect(doc.components?.securitySchemes).toHaveProperty('apiKey');
    // The Swagger UI page itself is served too.
    const ui = await fetch(`${server.base}/api/docs`, { redirect: 'follow' });
    expect(ui.status).toBe(200);
  });

  it('GET /api/v1/types lists both bundled types with Thai and English names', async () => {
    const res = await fetch(`${server.base}/api/v1/types`);
    expect(res.status).toBe(200);
    const types = (await res.json()) as { id: string; version: number; name: { th: string; en: string } }[];
    expect(types.map((x) => x.id).sort()).toEqual(['factory-licence', 'training-certificate']);
    for (const x of types) {
      expect(x.name.th).toMatch(/[\u0E01-\u0E5B]/);
      expect(x.name.en.length).toBeGreaterThan(0);
    }
    const one = await fetch(`${server.base}/api/v1/types/factory-licence`);
    expect(one.status).toBe(200);
    expect(((await one.json()) as { schema: { required: string[] } }).schema.required).toContain('juristic_id');
    expect((await fetch(`${server.base}/api/v1/types/nope`)).status).toBe(404);
  });

  it('security headers: nosniff everywhere, a CSP on our HTML pages', async () => {
    for (const path of ['/', '/v/AAAAAAAAAAAAAAAAAAAAAA', '/?lang=en']) {
      const res = await fetch(`${server.base}${path}`);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain('script-src');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
    }
    const api = await fetch(`${server.base}/api/v1/types`);
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    const home = await (await fetch(`${server.base}/`)).text();
    expect(home).toContain('<html lang="th">');
    expect(home).not.toMatch(/<script/i);
  });

  it('unknown routes → JSON 404 in Thai and English', async () => {
    const res = await fetch(`${server.base}/api/v1/nothing-here`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: { th: string; en: string } } };
    expect(body.error.code).toBe('not_found');
    expect(body.error.message.th).toMatch(/[\u0E01-\u0E5B]/);
  });
});

describe('HTTP body limit [sqlite, EKASARN_BODY_LIMIT=100000]', () => {
  let t: TestApp;
  let server: RunningServer;
  beforeAll(async () => {
    t = await createTestApp('sqlite', { EKASARN_BODY_LIMIT: '100000' });
    server = await startServer(t.app);
  });
  afterAll(async () => {
    await server?.close();
    await t?.destroy();
  });

  interface LimitError {
    error: { code: string; message: { th: string; en: string }; details: { limitBytes: number } };
  }

  it('a 200 kB PDF sent to /api/v1/verify → 413 naming the limit', async () => {
    const big = new Uint8Array(200_000);
    big.set(Buffer.from('%PDF-1.7\n'));
    const res = await fetch(`${server.base}/api/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: big });
    expect(res.status).toBe(413);
    const body = (await res.json()) as LimitError;
    expect(body.error.code).toBe('body_too_large');
    expect(body.error.details.limitBytes).toBe(100_000);
    expect(body.error.message.en).toContain('100000');
  });

  it('a 200 kB JSON body sent to /api/v1/documents → 413, nothing written', async () => {
    const before = await countDocuments(t.app);
    const example = readExample('training-certificate');
    const padded = { ...example, data: { ...example.data, padding: randomBytes(100_000).toString('hex') } };
    const payload = JSON.stringify(padded);
    expect(payload.length).toBeGreaterThan(200_000);
    const res = await fetch(`${server.base}/api/v1/documents`, { method: 'POST', headers: jsonHeaders(t.apiKey), body: payload });
    expect(res.status).toBe(413);
    const body = (await res.json()) as LimitError;
    expect(body.error.code).toBe('body_too_large');
    expect(body.error.details.limitBytes).toBe(100_000);
    expect(body.error.message.th).toMatch(/[\u0E01-\u0E5B]/);
    expect(await countDocuments(t.app)).toBe(before);
  });

  it('a body under the limit is still accepted', async () => {
    const res = await fetch(`${server.base}/api/v1/documents`, { method: 'POST', headers: jsonHeaders(t.apiKey), body: JSON.stringify(readExample('factory-licence')) });
    expect(res.status).toBe(201);
  });
});

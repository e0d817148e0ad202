/**
 * Our client against our TSA's HTTP server, and against servers that fail in every way a real TSA can: every
 * failure must surface as a TimestampError with the right code, quickly, never as a silent success.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevRootCa, type DevCa } from '../../src/signing/index.js';
import { buildTimeStampRequest, parseTimeStampRequest, parseTimeStampResponse, verifyTimeStampToken, TimestampError } from '../../src/timestamp/index.js';
import { createTimeStampAuthority, issueTsaCertificate, type TimeStampAuthority } from '../../src/timestamp/authority/index.js';
import { createTsaClient, createTsaHttpServer, createTsaRequestHandler } from '../../src/timestamp/node.js';
import { listen, scriptedServer, type RunningServer } from './tools.js';

const imprintOf = (text: string): Uint8Array => new Uint8Array(createHash('sha256').update(text).digest());

async function post(url: string, body: Uint8Array, headers: Record<string, string>, method = 'POST'): Promise<{ status: number; type: string; body: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: Buffer.concat(chunks), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('client ↔ built-in TSA over HTTP', () => {
  let ca: DevCa;
  let authority: TimeStampAuthority;
  let open: RunningServer;
  let guarded: RunningServer;

  beforeAll(async () => {
    ca = await createDevRootCa();
    authority = await createTimeStampAuthority({ identity: await issueTsaCertificate(ca) });
    open = await listen(createTsaHttpServer(authority));
    guarded = await listen(createTsaHttpServer(authority, { username: 'etda-user', password: 'รหัสผ่าน-ลับ' }));
  });
  afterAll(async () => {
    await open.close();
    await guarded.close();
  });

  it('right Basic credentials → a token that verifies; /tsa path works too', async () => {
    const client = createTsaClient({ url: `${guarded.url}tsa`, username: 'etda-user', password: 'รหัสผ่าน-ลับ' });
    const imprint = imprintOf('document');
    const { token, tstInfo } = await client.timestamp(imprint);
    client.close();
    expect(tstInfo.policy).toBe('1.3.6.1.4.1.99999.3161.1');
    const result = await verifyTimeStampToken({ token, imprint, trustRoots: [ca.certificate] });
    expect(result.checks.every((c) => c.status === 'passed')).toBe(true);
  });

  it('wrong or missing credentials → tsa_http_error 401 with a clear message', async () => {
    for (const creds of [{ username: 'etda-user', password: 'wrong' }, {}]) {
      const client = createTsaClient({ url: guarded.url, ...creds });
      const error = await client.timestamp(imprintOf('x')).catch((e: unknown) => e);
      client.close();
      expect(error).toBeInstanceOf(TimestampError);
      expect(error).toMatchObject({ code: 'tsa_http_error', httpStatus: 401 });
      expect((error as TimestampError).message).toMatch(/HTTP 401 \(check the TSA username\/password/);
      expect((error as TimestampError).messageTh).toMatch(/หน่วยงานประทับรับรองเวลา/);
      expect((error as TimestampError).message).not.toContain('wrong');
    }
  });

  it('the server answers 415 for a wrong content type, 400 for an empty body, 405 for GET, 404 elsewhere, 401 first when guarded', async () => {
    const der = buildTimeStampRequest({ imprint: imprintOf('y') }).der;
    expect((await post(open.url, der, { 'content-type': 'application/octet-stream' })).status).toBe(415);
    expect((await post(open.url, new Uint8Array(0), { 'content-type': 'application/timestamp-query' })).status).toBe(400);
    expect((await post(open.url, new Uint8Array(0), {}, 'GET')).status).toBe(405);
    expect((await post(`${open.url}other`, der, { 'content-type': 'application/timestamp-query' })).status).toBe(404);
    const unauth = await post(guarded.url, der, { 'content-type': 'application/timestamp-query' });
    expect(unauth.status).toBe(401);
    expect(unauth.headers['www-authenticate']).toMatch(/^Basic realm=/);
    // Garbage DER is answered in the protocol: a rejection with badDataFormat.
    const garbage = await post(open.url, Uint8Array.of(1, 2, 3), { 'content-type': 'application/timestamp-query' });
    expect(garbage.status).toBe(200);
    expect(garbage.type).toBe('application/timestamp-reply');
    expect(parseTimeStampResponse(new Uint8Array(garbage.body))).toMatchObject({ status: 2, failInfo: ['badDataFormat'] });
  });

  it('createTsaRequestHandler works without a server (for mounting in Fastify)', async () => {
    const handle = createTsaRequestHandler(authority, { username: 'u', password: 'p' });
    const der = buildTimeStampRequest({ imprint: imprintOf('z') }).der;
    const ok = await handle(der, { 'content-type': 'application/timestamp-query', authorization: 'Basic ' + Buffer.from('u:p').toString('base64') });
    expect(ok.status).toBe(200);
    expect(parseTimeStampResponse(ok.body).status).toBe(0);
    expect((await handle(der, { 'content-type': 'application/timestamp-query', authorization: 'Basic ' + Buffer.from('u:q').toString('base64') })).status).toBe(401);
  });

  it('a refused request surfaces as tsa_rejected with the failInfo', async () => {
    const client = createTsaClient({ url: open.url, policy: '1.2.3.4' });
    await expect(client.timestamp(imprintOf('p'))).rejects.toMatchObject({ code: 'tsa_rejected', failInfo: ['unacceptedPolicy'] });
    client.close();
  });
});

describe('client against failing TSAs', () => {
  const servers: RunningServer[] = [];
  const start = async (server: http.Server): Promise<RunningServer> => {
    const s = await listen(server);
    servers.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('TSA down (closed port) → tsa_unreachable, quickly', async () => {
    const s = await listen(http.createServer());
    const url = s.url;
    await s.close();
    const client = createTsaClient({ url });
    const t0 = performance.now();
    await expect(client.timestamp(imprintOf('a'))).rejects.toMatchObject({ code: 'tsa_unreachable', message: expect.stringMatching(/ECONNREFUSED/) });
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('garbage with the right content type → tsa_bad_response; wrong content type → tsa_bad_response', async () => {
    const garbage = await start(scriptedServer((_b, _q, res) => {
      res.writeHead(200, { 'content-type': 'application/timestamp-reply' });
      res.end(Buffer.from('<html>hello</html>'));
    }));
    await expect(createTsaClient({ url: garbage.url }).timestamp(imprintOf('b'))).rejects.toMatchObject({ code: 'tsa_bad_response', message: expect.stringMatching(/unreadable TimeStampResp/) });
    const html = await start(scriptedServer((_b, _q, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login page</html>');
    }));
    await expect(createTsaClient({ url: html.url }).timestamp(imprintOf('b'))).rejects.toMatchObject({ code: 'tsa_bad_response', message: expect.stringMatching(/text\/html/) });
  });

  it('a server that answers another request (wrong nonce, wrong imprint) → tsa_mismatch', async () => {
    const ca = await createDevRootCa();
    const authority = await createTimeStampAuthority({ identity: await issueTsaCertificate(ca) });
    // Answers a fresh request of its own instead of the client's: a replayed or misrouted reply.
    const replay = await start(scriptedServer(async (body, _q, res) => {
      const theirs = buildTimeStampRequest({ imprint: parseTimeStampRequest(new Uint8Array(body)).imprint });
      res.writeHead(200, { 'content-type': 'application/timestamp-reply' });
      res.end(await authority.respond(theirs.der));
    }));
    await expect(createTsaClient({ url: replay.url }).timestamp(imprintOf('c'))).rejects.toMatchObject({ code: 'tsa_mismatch', message: expect.stringMatching(/nonce/) });

    const otherImprint = await start(scriptedServer(async (_body, _q, res) => {
      res.writeHead(200, { 'content-type': 'application/timestamp-reply' });
      res.end(await authority.respond(buildTimeStampRequest({ imprint: imprintOf('something else'), nonce: false }).der));
    }));
    await expect(createTsaClient({ url: otherImprint.url }).timestamp(imprintOf('c'))).rejects.toMatchObject({ code: 'tsa_mismatch' });
  });

  it('a slow server → tsa_timeout after timeoutMs', async () => {
    const slow = await start(scriptedServer(() => {
      /* never answers */
    }));
    const client = createTsaClient({ url: slow.url, timeoutMs: 300 });
    const t0 = performance.now();
    await expect(client.timestamp(imprintOf('d'))).rejects.toMatchObject({ code: 'tsa_timeout', message: expect.stringMatching(/within 300 ms/) });
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
  });

  it('HTTP 500 → tsa_http_error with the status', async () => {
    const broken = await start(scriptedServer((_b, _q, res) => {
      res.writeHead(503);
      res.end();
    }));
    await expect(createTsaClient({ url: broken.url }).timestamp(imprintOf('e'))).rejects.toMatchObject({ code: 'tsa_http_error', httpStatus: 503 });
  });

  it('validates options and imprints at the boundary', () => {
    expect(() => createTsaClient({ url: 'ftp://tsa.example' })).toThrow(/url: expected http: or https:/);
    expect(() => createTsaClient({ url: 'https://u:p@tsa.example' })).toThrow(/must not contain credentials/);
    expect(() => createTsaClient({ url: 'https://tsa.example', username: 'a' })).toThrow(/give both or neither/);
    expect(() => createTsaClient({ url: 'http://tsa.example', clientCertificatePem: 'x', clientKeyPem: 'y' })).toThrow(/need an https: url/);
    expect(() => createTsaClient({ url: 'https://tsa.example', timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => createTsaClient({ url: 'https://tsa.example', policy: 'not-an-oid' })).toThrow(/policy: expected a dotted object identifier/);
    return expect(createTsaClient({ url: 'https://tsa.example' }).timestamp(new Uint8Array(20))).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/20 bytes/) });
  });
});

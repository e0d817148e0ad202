/**
 * The server's caching fetch for OCSP/CRL (src/app/revocation-fetch.ts) against a real local HTTP server: answers are
 * remembered per (method, URL, body), concurrent identical requests share one upstream request, failures are
 * remembered briefly, and a caller's abort does not cancel the shared request.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachingRevocationFetch } from '../../src/app/revocation-fetch.js';
import { close, listen } from './tools.js';

let server: Server;
let base: string;
const hits = new Map<string, number>();

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of req) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

/** /echo answers the SHA-256 of the request body; /slow after 300 ms; /fail with HTTP 500. Counts hits per path. */
async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = req.url ?? '/';
  hits.set(path, (hits.get(path) ?? 0) + 1);
  const body = await readAll(req);
  if (path.startsWith('/slow')) await new Promise((r) => setTimeout(r, 300));
  if (path.startsWith('/fail')) {
    res.writeHead(500).end('no');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(createHash('sha256').update(body).digest());
}

const sha = (b: Uint8Array | string) => new Uint8Array(createHash('sha256').update(b).digest());
const bodyOf = async (r: Response) => new Uint8Array(await r.arrayBuffer());

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  base = await listen(server);
});

afterAll(async () => {
  await close(server);
});

describe('cachingRevocationFetch', () => {
  it('ten concurrent identical requests cause one upstream request; each caller gets its own readable body', async () => {
    const f = cachingRevocationFetch();
    const body = Uint8Array.of(1, 2, 3);
    const answers = await Promise.all(Array.from({ length: 10 }, () => f(`${base}/slow/a`, { method: 'POST', body })));
    expect(hits.get('/slow/a')).toBe(1);
    for (const a of answers) expect(await bodyOf(a)).toEqual(sha(body));
    expect(await bodyOf(await f(`${base}/slow/a`, { method: 'POST', body }))).toEqual(sha(body));
    expect(hits.get('/slow/a')).toBe(1);
  });

  it('keys by body content whatever its type: different bodies are different answers, equal bytes are one', async () => {
    const f = cachingRevocationFetch();
    const one = Uint8Array.of(1, 1);
    const two = Uint8Array.of(2, 2);
    expect(await bodyOf(await f(`${base}/echo/b`, { method: 'POST', body: one.buffer.slice(0) }))).toEqual(sha(one));
    expect(await bodyOf(await f(`${base}/echo/b`, { method: 'POST', body: two.buffer.slice(0) }))).toEqual(sha(two));
    expect(hits.get('/echo/b')).toBe(2);
    // The same bytes as a Uint8Array, and a DataView over them: remembered.
    expect(await bodyOf(await f(`${base}/echo/b`, { method: 'POST', body: one }))).toEqual(sha(one));
    expect(await bodyOf(await f(`${base}/echo/b`, { method: 'POST', body: new DataView(two.buffer.slice(0)) }))).toEqual(sha(two));
    expect(hits.get('/echo/b')).toBe(2);
    // GET and POST of the same URL are different questions.
    expect(await bodyOf(await f(`${base}/echo/b`))).toEqual(sha(''));
    expect(hits.get('/echo/b')).toBe(3);
  });

  it('forgets answers after the TTL', async () => {
    const f = cachingRevocationFetch({ ttlMs: 50 });
    await f(`${base}/echo/c`);
    await f(`${base}/echo/c`);
    expect(hits.get('/echo/c')).toBe(1);
    await new Promise((r) => setTimeout(r, 80));
    await f(`${base}/echo/c`);
    expect(hits.get('/echo/c')).toBe(2);
  });

  it('remembers an HTTP failure for the failure TTL only, and an unreachable address as an error', async () => {
    const f = cachingRevocationFetch({ failureTtlMs: 60 });
    expect((await f(`${base}/fail/d`)).status).toBe(500);
    expect((await f(`${base}/fail/d`)).status).toBe(500);
    expect(hits.get('/fail/d')).toBe(1);
    await new Promise((r) => setTimeout(r, 90));
    await f(`${base}/fail/d`);
    expect(hits.get('/fail/d')).toBe(2);

    const gone = createServer();
    const goneUrl = await listen(gone);
    await close(gone);
    const e1 = await f(`${goneUrl}/ocsp`).catch((e: Error) => e);
    const e2 = await f(`${goneUrl}/ocsp`).catch((e: Error) => e);
    expect(e1).toBeInstanceOf(Error);
    expect(e2).toBe(e1);
  });

  it("a caller's abort rejects that caller only; the shared request still answers the others", async () => {
    const f = cachingRevocationFetch();
    const impatient = f(`${base}/slow/e`, { signal: AbortSignal.timeout(30) });
    const patient = f(`${base}/slow/e`);
    await expect(impatient).rejects.toThrow();
    expect(await bodyOf(await patient)).toEqual(sha(''));
    expect(hits.get('/slow/e')).toBe(1);
  });

  it('at most maxEntries answers are kept', async () => {
    const f = cachingRevocationFetch({ maxEntries: 2 });
    for (const p of ['/echo/f1', '/echo/f2', '/echo/f3', '/echo/f1']) await f(`${base}${p}`);
    expect(hits.get('/echo/f1')).toBe(2);
    await f(`${base}/echo/f3`);
    expect(hits.get('/echo/f3')).toBe(1);
  });
});

import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { grantTypeEntitlement, upsertAgency } from '../../../src/store/index.js';
import { tool } from '../../cli/cli-runner.js';
import { describeEachDialect } from '../../helpers/databases.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { BAD_ROWS_FIXTURE, GOOD_ROWS } from './bad-rows-fixture.js';
import { countRows, documentIds } from './registry.js';
import { expectFixtureResults, parseResultsCsv, type ResultLine } from './results-csv.js';
import { readSse } from './sse.js';

/**
 * Bulk issuance over HTTP against a real `ekasarn serve` child (createTestApp) on each database: the bad-rows fixture
 * is streamed up as the request body, progress followed over server-sent events, results.csv and documents.zip
 * downloaded and checked with csv-parse, `unzip -t`, the instance's /api/v1/verify and poppler's pdfsig trusting
 * only the instance's root. The registry's tables are read directly to prove what was (and was not) stored.
 */

interface BatchBody {
  id: string;
  state: string;
  total: number;
  issued: number;
  existing: number;
  failed: number;
  done: number;
  links: { self: string; events: string; results: string; documents: string };
}

interface ErrorBody {
  error: { code: string; message: { th: string; en: string }; details?: Record<string, unknown> };
}

const THAI = /[\u0E01-\u0E5B]/;
const QUERY = 'type=training-certificate&level=B-B';

describeEachDialect('bulk issuance over HTTP (POST /api/v1/batches)', (dialect) => {
  let t: TestApp;
  let work: string;
  let batch: BatchBody;
  let results: ResultLine[] = [];
  const idempotencyKey = `e2e-${dialect}-bad-rows`;
  const timings: string[] = [];
  const db = () => t.app.database.db;
  const url = (path: string) => `${t.config.publicUrl}${path}`;
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  /** The fixture as a stream (never read whole into the test), with `duplex: 'half'` as fetch requires. */
  const postFixture = (headers: Record<string, string>) =>
    fetch(url(`/api/v1/batches?${QUERY}`), {
      method: 'POST',
      headers: { 'content-type': 'text/csv', ...headers },
      body: Readable.toWeb(createReadStream(BAD_ROWS_FIXTURE)) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit);

  const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      timings.push(`${label}: ${(performance.now() - started).toFixed(0)} ms`);
    }
  };

  beforeAll(async () => {
    t = await timed('createTestApp', () => createTestApp(dialect));
    work = await mkdtemp(join(tmpdir(), `ekasarn-bulk-http-${dialect}-`));
  }, 300_000); // createTestApp may wait for buildDistOnce (tsc), slow when the 2 cores are busy
  afterAll(async () => {
    console.info(`[bulk http ${dialect} timings] ${timings.join(' | ')}`);
    await t?.destroy();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('refuses before storing anything: 401 without a key, 415 for another content type, 400 bad_header (Thai + English, no batch left)', async () => {
    const csv = 'citizen_id,nickname\n1103700123458,ต้น\n';
    const noKey = await fetch(url(`/api/v1/batches?${QUERY}`), { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as ErrorBody).error.code).toBe('unauthenticated');

    const plain = await fetch(url(`/api/v1/batches?${QUERY}`), { method: 'POST', headers: { 'content-type': 'text/plain', ...bearer(t.apiKey) }, body: csv });
    expect(plain.status).toBe(415);
    const plainBody = (await plain.json()) as ErrorBody;
    expect(plainBody.error.code).toBe('unsupported_media_type');
    expect(plainBody.error.message.en).toContain('text/csv');
    expect(plainBody.error.message.th).toMatch(THAI);

    const badHeader = await fetch(url(`/api/v1/batches?${QUERY}`), { method: 'POST', headers: { 'content-type': 'text/csv', ...bearer(t.apiKey) }, body: csv });
    expect(badHeader.status).toBe(400);
    const e = ((await badHeader.json()) as ErrorBody).error;
    expect(e.code).toBe('bad_header');
    expect(e.message.th).toMatch(THAI);
    expect(e.message.th).toContain('"nickname"');
    expect(e.message.en).toContain('"nickname"');
    expect(e.message.en).toMatch(/missing required columns/);
    expect(e.details?.unknownColumns).toEqual(['nickname']);

    expect(await countRows(db(), 'batches')).toBe(0);
    expect(await countRows(db(), 'batch_rows')).toBe(0);
    expect(await countRows(db(), 'documents')).toBe(0);
  });

  it('the fixture streamed up → 202 with total 14; server-sent events until done: issued 7, failed 7', async () => {
    const res = await timed('POST fixture', () => postFixture({ ...bearer(t.apiKey), 'idempotency-key': idempotencyKey }));
    expect(res.status).toBe(202);
    batch = (await res.json()) as BatchBody;
    expect(batch.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(batch.total).toBe(14);
    expect(batch.failed).toBe(7); // bad rows are known once the file is read
    expect(res.headers.get('location')).toBe(`/api/v1/batches/${batch.id}`);
    expect(batch.links.events).toBe(url(`/api/v1/batches/${batch.id}/events`));

    const events = await timed('SSE until done', async () => {
      const sse = await fetch(batch.links.events, { headers: bearer(t.apiKey), signal: AbortSignal.timeout(120_000) });
      expect(sse.status).toBe(200);
      expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const seen: { event: string; data: BatchBody }[] = [];
      for await (const ev of readSse(sse)) seen.push({ event: ev.event, data: JSON.parse(ev.data) as BatchBody });
      return seen;
    });
    expect(events.length).toBeGreaterThanOrEqual(2);
    const last = events[events.length - 1]!;
    expect(last.event).toBe('done');
    expect(last.data).toMatchObject({ id: batch.id, state: 'completed', total: 14, issued: 7, existing: 0, failed: 7, done: 14 });
    expect(events.slice(0, -1).every((e) => e.event === 'progress')).toBe(true);
    const dones = events.map((e) => e.data.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b)); // progress never goes back

    const got = await fetch(batch.links.self, { headers: bearer(t.apiKey) });
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ id: batch.id, state: 'completed', issued: 7, failed: 7 });

    // The server process issued the rows (the test's own app never started a queue).
    const issuedBy = await db().selectFrom('batch_rows').select('issued_by').where('state', '=', 'issued').execute();
    expect(issuedBy).toHaveLength(7);
    for (const r of issuedBy) expect(r.issued_by).toMatch(new RegExp(`:${t.server.pid}$`));
  }, 150_000);

  it('results.csv: BOM, CRLF, 14 rows with the right outcomes, bilingual errors naming the column, formula-safe; ids match the registry', async () => {
    const res = await fetch(batch.links.results, { headers: bearer(t.apiKey) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    results = parseResultsCsv(new Uint8Array(await res.arrayBuffer()));
    expectFixtureResults(results, 'issued');
    expect(await documentIds(db())).toEqual(results.filter((l) => l.document_id).map((l) => l.document_id).sort());
  });

  it('documents.zip passes unzip -t, holds the 7 PDFs named as results.csv says, and one verifies VALID', async () => {
    const res = await timed('GET documents.zip', () => fetch(batch.links.documents, { headers: bearer(t.apiKey) }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const zip = join(work, 'documents.zip');
    await writeFile(zip, new Uint8Array(await res.arrayBuffer()));
    const test = await tool('unzip', ['-t', zip]);
    expect(test.code, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toContain('No errors detected');

    const dir = join(work, 'unzipped');
    const unzip = await tool('unzip', ['-q', zip, '-d', dir]);
    expect(unzip.code, unzip.stderr).toBe(0);
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(results.filter((l) => l.outcome === 'issued').map((l) => l.file));
    expect(names.map((n) => Number(n.slice(0, 6)))).toEqual([...GOOD_ROWS]);

    const pdf = await readFile(join(dir, names[0]!));
    const verify = await timed('POST /api/v1/verify', () =>
      fetch(url('/api/v1/verify'), { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: pdf }),
    );
    expect(verify.status).toBe(200);
    const report = (await verify.json()) as { verdict: string };
    expect(report.verdict).toBe('VALID');

    // A second opinion sharing no code with ours: poppler's pdfsig with an NSS store trusting only this instance's
    // root (the chain's OCSP is answered by the running server). pdf-check.sh would add more, at ~10 s per PDF here.
    const nss = join(work, 'nss');
    await writeFile(join(work, 'root.pem'), t.rootPem);
    await mkdir(nss, { recursive: true });
    expect((await tool('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password'])).code).toBe(0);
    expect((await tool('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'ekasarn-test-root', '-t', 'CT,C,C', '-i', join(work, 'root.pem')])).code).toBe(0);
    const sig = await timed('pdfsig (trusted root)', () => tool('pdfsig', ['-nssdir', `sql:${nss}`, join(dir, names[0]!)]));
    expect(sig.stdout).toContain('Signature Type: ETSI.CAdES.detached');
    expect(sig.stdout).toContain('Signature is Valid.');
    expect(sig.stdout).toContain('Certificate is Trusted.');
    expect(sig.stdout).toContain('Total document signed');
  }, 120_000);

  it('the same Idempotency-Key again → 200 with the same batch, nothing new stored or issued', async () => {
    const docs = await documentIds(db());
    const res = await postFixture({ ...bearer(t.apiKey), 'idempotency-key': idempotencyKey });
    expect(res.status).toBe(200);
    const again = (await res.json()) as BatchBody;
    expect(again).toMatchObject({ id: batch.id, state: 'completed', total: 14, issued: 7, failed: 7 });
    expect(await countRows(db(), 'batches')).toBe(1);
    expect(await countRows(db(), 'batch_rows')).toBe(14);
    // Give a (wrongly) queued batch time to issue something before looking again.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await documentIds(db())).toEqual(docs);
  });

  it("another agency's key gets 404 for this batch, its events, results and PDFs", async () => {
    await upsertAgency(db(), { id: 'other-office', nameTh: 'สำนักงานอื่น', nameEn: 'Another Office', addressTh: '' });
    await grantTypeEntitlement(db(), 'other-office', 'training-certificate');
    const otherKey = await t.app.createApiKey('other-office', 'e2e', ['documents:issue', 'documents:read']);
    for (const link of [batch.links.self, batch.links.events, batch.links.results, batch.links.documents]) {
      const res = await fetch(link, { headers: bearer(otherKey) });
      expect(res.status, link).toBe(404);
      const e = ((await res.json()) as ErrorBody).error;
      expect(e.code).toBe('not_found');
      expect(e.message.th).toMatch(THAI);
      expect(e.message.en).toBe('Batch not found');
    }
    // The same links with the owner's key still answer.
    expect((await fetch(batch.links.self, { headers: bearer(t.apiKey) })).status).toBe(200);
    // Without any key: 401, not 404 (nothing is said about whether the batch exists).
    expect((await fetch(batch.links.self)).status).toBe(401);
  });
});

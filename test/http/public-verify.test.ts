import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { canonicalJson } from '../../src/domain/canonical-json.js';
import { describeEachDialect } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { cli } from '../cli/cli-runner.js';
import { flipSignedByte, startServer, type RunningServer } from './server.js';

/**
 * The public verification surface over real HTTP on each database: the trust bundle, the digest check the browser
 * page uses, look-up by id or serial, the status page's reason/successor, the verify page itself, and the same
 * report from the API and the CLI.
 */
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

describeEachDialect('public verification endpoints', (dialect) => {
  let t: TestApp;
  let server: RunningServer;
  let pdf: Uint8Array;
  let id: string;
  let serial: string;
  let fields: Record<string, unknown>;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    server = await startServer(t.app);
    const r = await t.app.issueAsAgency('demo', 'training-certificate', t.app.types.get('training-certificate')!.sample);
    pdf = r.pdf;
    id = r.document.id;
    serial = r.document.serial;
    fields = r.document.data as Record<string, unknown>;
    await t.app.publicLog.flush();
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await t?.destroy();
  });

  const check = (docId: string, body: unknown) =>
    fetch(`${server.base}/api/v1/documents/${docId}/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('GET /api/v1/trust: the roots and the issuer directory, no personal data', async () => {
    const res = await fetch(`${server.base}/api/v1/trust`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text) as { registry: string; roots: string[]; issuers: { agencies: { id: string; certificates: string[]; types: string[] }[] } };
    expect(body.registry).toBe(t.config.publicUrl);
    expect(body.roots).toHaveLength(1);
    const rootDer = Buffer.from(body.roots[0]!, 'base64');
    expect(t.rootPem.replace(/-----[^-]+-----|\s/g, '')).toBe(rootDer.toString('base64'));
    const demo = body.issuers.agencies.find((a) => a.id === 'demo')!;
    expect(demo.types).toContain('training-certificate');
    expect(demo.certificates[0]).toMatch(/^[0-9a-f]{64}$/);
    for (const v of ['1103700123458', 'พิมพ์ชนก']) expect(text).not.toContain(v);
  });

  it('POST …/check: matching digests confirm the file and its data; the answer holds only public facts', async () => {
    const res = await check(id, { pdfSha256: sha256(pdf), dataSha256: sha256(canonicalJson(fields)) });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ found: true, status: 'active', pdfMatches: true, dataMatches: true, record: { serial, typeId: 'training-certificate', issuerId: 'demo' } });
    expect(text).not.toContain('1103700123458');
  });

  it('POST …/check: other digests are told apart; unknown id → 404; invalid body → 422 naming the field', async () => {
    const other = await (await check(id, { pdfSha256: sha256('x'), dataSha256: sha256('y') })).json();
    expect(other).toMatchObject({ found: true, pdfMatches: false, dataMatches: false });
    expect((await check('AAAAAAAAAAAAAAAAAAAAAA', { pdfSha256: sha256('x'), dataSha256: sha256('y') })).status).toBe(404);
    const bad = await check(id, { pdfSha256: 'not-hex', dataSha256: sha256('y') });
    expect(bad.status).toBe(422); // the API's status for a well-formed request with invalid fields
    expect(JSON.stringify(await bad.json())).toContain('pdfSha256');
    const extra = await check(id, { pdfSha256: sha256('x'), dataSha256: sha256('y'), pdf: 'JVBERi0=' });
    expect(extra.status).toBe(422);
  });

  it('the status page shows the reason, the date and the successor, and links to "verify your copy"', async () => {
    const successor = (await t.app.issueAsAgency('demo', 'training-certificate', t.app.types.get('training-certificate')!.sample)).document.id;
    const page0 = await (await fetch(`${server.base}/v/${id}`)).text();
    expect(page0).toContain(`href="/verify?id=${id}&amp;lang=th"`);
    expect(page0).toContain('ตรวจไฟล์ PDF ที่ท่านได้รับ');
    await t.app.database.db
      .updateTable('documents')
      .set({ status: 'superseded', status_reason: 'แก้ไขชื่อหลักสูตร', status_changed_at: '2026-11-20T03:00:00.000Z', successor_id: successor })
      .where('id', '=', id)
      .execute();
    try {
      const page = await (await fetch(`${server.base}/v/${id}`)).text();
      expect(page).toContain('data-status="superseded"');
      expect(page).toContain('แก้ไขชื่อหลักสูตร');
      expect(page).toContain('20 พฤศจิกายน พ.ศ. 2569');
      expect(page).toContain(`href="/v/${successor}?lang=th"`);
      const status = await (await fetch(`${server.base}/api/v1/documents/${id}/status`)).json();
      expect(status).toMatchObject({ status: 'superseded', statusReason: 'แก้ไขชื่อหลักสูตร', successorId: successor });
      // The engine reports it through the API: SUPERSEDED, with the successor in the sentence and the status block.
      const report = (await (await fetch(`${server.base}/api/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: Buffer.from(pdf) })).json()) as {
        verdict: string;
        summary: { th: string };
        status: Record<string, unknown>;
      };
      expect(report.verdict).toBe('SUPERSEDED');
      expect(report.summary.th).toContain(successor);
      expect(report.status).toMatchObject({ status: 'superseded', reason: 'แก้ไขชื่อหลักสูตร', successorId: successor });
    } finally {
      await t.app.database.db.updateTable('documents').set({ status: 'active', status_reason: null, status_changed_at: null, successor_id: null }).where('id', '=', id).execute();
    }
  });

  it('GET /lookup: by id or printed serial → 303 to the status page; unknown → 404 page; no JavaScript needed', async () => {
    const byId = await fetch(`${server.base}/lookup?q=${id}&lang=en`, { redirect: 'manual' });
    expect(byId.status).toBe(303);
    expect(byId.headers.get('location')).toBe(`/v/${id}?lang=en`);
    const bySerial = await fetch(`${server.base}/lookup?q=${encodeURIComponent(serial)}`, { redirect: 'manual' });
    expect(bySerial.status).toBe(303);
    expect(bySerial.headers.get('location')).toBe(`/v/${id}?lang=th`);
    const none = await fetch(`${server.base}/lookup?q=${encodeURIComponent('<script>x</script>')}`);
    expect(none.status).toBe(404);
    const html = await none.text();
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>x');
  });

  it('GET /verify: Thai by default, English on request, with labelled controls and the engine script', async () => {
    const th = await fetch(`${server.base}/verify`);
    expect(th.status).toBe(200);
    expect(th.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await th.text();
    expect(html).toContain('<html lang="th">');
    expect(html).toContain('<label for="file">');
    expect(html).toContain('<label for="q">');
    expect(html).toContain('<script src="/assets/verify.js" defer></script>');
    const en = await (await fetch(`${server.base}/verify?lang=en&id=${id}`)).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Checking your copy of document');
    const js = await fetch(`${server.base}/assets/verify.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-encoding')).toMatch(/^(br|gzip)$/); // undici decodes the body for us
    expect(js.headers.get('content-type')).toContain('javascript');
    const etag = js.headers.get('etag')!;
    expect((await js.text()).length).toBeGreaterThan(100_000);
    expect((await fetch(`${server.base}/assets/verify.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('the API and the CLI give the same report for the same files (valid and tampered)', async () => {
    for (const [name, bytes] of [['valid', pdf], ['tampered', flipSignedByte(pdf)]] as const) {
      const file = join(t.config.dataDir, `${name}.pdf`);
      await writeFile(file, bytes);
      const api = (await (await fetch(`${server.base}/api/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: Buffer.from(bytes) })).json()) as Report;
      const env = { EKASARN_DATA: t.config.dataDir, EKASARN_PUBLIC_URL: t.config.publicUrl, ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}) };
      const run = await cli(['verify', file, '--json'], env);
      const fromCli = JSON.parse(run.stdout) as Report;
      expect(shape(fromCli), name).toEqual(shape(api));
      expect(api.verdict).toBe(name === 'valid' ? 'VALID' : 'TAMPERED');
      expect(run.code).toBe(name === 'valid' ? 0 : 1);
    }
  }, 120_000);
});

interface Report {
  verdict: string;
  summary: { th: string; en: string };
  checks: { id: string; status: string }[];
  signatures: { checks: { id: string; status: string }[]; signer?: { sha256: string } }[];
  document?: Record<string, unknown>;
  status?: Record<string, unknown>;
  level?: string;
}

/** Everything but timings: verdict, summary, every check's id and status, the document and the registry status. */
const shape = (r: Report) => ({
  verdict: r.verdict,
  summary: r.summary,
  checks: r.checks.map((c) => `${c.id}:${c.status}`),
  signatures: r.signatures.map((s) => ({ signer: s.signer?.sha256, checks: s.checks.map((c) => `${c.id}:${c.status}`) })),
  document: r.document,
  status: r.status,
  level: r.level,
});

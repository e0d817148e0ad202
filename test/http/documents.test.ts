import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { auth, flipSignedByte, jsonHeaders, readExample, sha256Hex, startServer, type IssueExample, type RunningServer } from './server.js';

/**
 * The document lifecycle over real HTTP on each database: issue each bundled example, read it back, download the PDF,
 * look at its public status and QR page, and verify the PDF through the public endpoint.
 */

// Values from the examples that are personal (or the subject's own data): they must never reach public endpoints.
const PRIVATE_VALUES: Record<string, string[]> = {
  'training-certificate': ['1103700123458', 'พิมพ์ชนก', 'ผู้มีทรัพย์', 'Pimchanok', 'Phumisap'],
  'factory-licence': ['0105556012341', 'บริษัท ป่าตองผลิตภัณฑ์ไม้ จำกัด', 'ป่าตองผลิตภัณฑ์ไม้', 'โรงงานแปรรูปไม้ยางพาราป่าตอง'],
};

// An oracle independent of src/domain/thai-date.ts: ICU's Buddhist calendar, Latin digits, Bangkok time.
function thaiDate(iso: string): string {
  return new Intl.DateTimeFormat('th-TH-u-ca-buddhist-nu-latn', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    era: 'short',
    timeZone: 'Asia/Bangkok',
  }).format(new Date(iso.length === 10 ? `${iso}T12:00:00+07:00` : iso));
}

interface Issued {
  example: IssueExample;
  body: Record<string, unknown> & { id: string; serial: string; pdfSha256: string; links: Record<string, string> };
  pdf?: Uint8Array<ArrayBuffer>;
}

describeEachDialect('HTTP documents', (dialect) => {
  let t: TestApp;
  let server: RunningServer;
  const issued = new Map<string, Issued>();

  beforeAll(async () => {
    t = await createTestApp(dialect);
    server = await startServer(t.app);
  });
  afterAll(async () => {
    await server?.close();
    await t?.destroy();
  });

  const url = (path: string) => `${server.base}${path}`;
  const get = (name: string): Issued => {
    const i = issued.get(name);
    if (!i) throw new Error(`${name} was not issued (an earlier test failed)`);
    return i;
  };

  for (const name of ['training-certificate', 'factory-licence'] as const) {
    describe(name, () => {
      it('POST /api/v1/documents → 201 with id, serial and links', async () => {
        const example = readExample(name);
        const started = performance.now();
        const res = await fetch(url('/api/v1/documents'), { method: 'POST', headers: jsonHeaders(t.apiKey), body: JSON.stringify(example) });
        const ms = performance.now() - started;
        const body = (await res.json()) as Issued['body'];
        expect(res.status, JSON.stringify(body)).toBe(201);
        expect(body.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
        expect(res.headers.get('location')).toBe(`/api/v1/documents/${body.id}`);
        expect(body.serial).toMatch(/\d{6}/);
        expect(body.serial).toContain(String(new Date().getUTCFullYear() + 543).slice(0, 3)); // Buddhist-era year
        expect(body).toMatchObject({ status: 'active', type: { id: name }, agency: { id: 'demo' } });
        expect(body.pdfSha256).toMatch(/^[0-9a-f]{64}$/);
        for (const link of ['self', 'pdf', 'status', 'verify']) expect(body.links[link]).toContain(body.id);
        expect(body.links.verify).toBe(`${t.config.publicUrl}/v/${body.id}`);
        issued.set(name, { example, body });
        console.info(`[${dialect}] POST /api/v1/documents ${name}: ${ms.toFixed(0)} ms`);
      });

      it('GET /api/v1/documents/:id → the data exactly as sent', async () => {
        const { example, body } = get(name);
        const res = await fetch(url(`/api/v1/documents/${body.id}`), { headers: auth(t.apiKey) });
        expect(res.status).toBe(200);
        const text = await res.text();
        // Control for the privacy checks below: the authorised view does carry these exact strings.
        for (const value of PRIVATE_VALUES[name]!) expect(text).toContain(value);
        const doc = JSON.parse(text) as { id: string; serial: string; data: unknown; pdfSha256: string };
        expect(doc.data).toEqual(example.data);
        expect(doc).toMatchObject({ id: body.id, serial: body.serial, pdfSha256: body.pdfSha256 });
      });

      it('GET /api/v1/documents/:id/pdf → application/pdf whose SHA-256 is pdfSha256', async () => {
        const i = get(name);
        const res = await fetch(url(`/api/v1/documents/${i.body.id}/pdf`), { headers: auth(t.apiKey) });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/pdf');
        const pdf = new Uint8Array(await res.arrayBuffer());
        expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
        expect(sha256Hex(pdf)).toBe(i.body.pdfSha256);
        i.pdf = pdf;
      });

      it('GET /api/v1/documents/:id/status without a key → active, cacheable, no personal data', async () => {
        const { body } = get(name);
        const res = await fetch(url(`/api/v1/documents/${body.id}/status`));
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
        const text = await res.text();
        for (const value of PRIVATE_VALUES[name]!) expect(text).not.toContain(value);
        const status = JSON.parse(text) as Record<string, unknown>;
        expect(status).toMatchObject({ id: body.id, status: 'active', serial: body.serial, expired: false, issuer: { id: 'demo' }, type: { id: name } });
        expect(status).not.toHaveProperty('data');
      });

      it('GET /v/:id → Thai page (default) with type, issuer, serial, Buddhist-era dates and no personal data', async () => {
        const { body } = get(name);
        const res = await fetch(url(`/v/${body.id}`));
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
        const html = await res.text();
        expect(html).toContain('<html lang="th">');
        expect(html).toContain(t.app.types.get(name)!.definition.name.th);
        expect(html).toContain('สำนักงานตัวอย่างเพื่อการสาธิตระบบ');
        expect(html).toContain(body.serial);
        expect(html).toContain(thaiDate(body.issuedAt as string));
        expect(html).toContain('พ.ศ.');
        if (name === 'factory-licence') expect(html).toContain('14 มกราคม พ.ศ. 2573'); // valid_until 2030-01-14
        else expect(html).toContain('ไม่มีกำหนดหมดอายุ');
        expect(html).toContain('data-status="active"');
        for (const value of PRIVATE_VALUES[name]!) expect(html).not.toContain(value);
      });

      it('GET /v/:id?lang=en → English page, Common Era dates, no personal data', async () => {
        const { body } = get(name);
        const res = await fetch(url(`/v/${body.id}?lang=en`));
        expect(res.status).toBe(200);
        const html = await res.text();
        expect(html).toContain('<html lang="en">');
        expect(html).toContain(t.app.types.get(name)!.definition.name.en);
        expect(html).toContain('ekasarn Demonstration Office');
        expect(html).toContain('Document check');
        expect(html).not.toContain('พ.ศ.');
        if (name === 'factory-licence') expect(html).toMatch(/14 January 2030/);
        for (const value of PRIVATE_VALUES[name]!) expect(html).not.toContain(value);
      });
    });
  }

  it('GET /v/<unknown id> → 404 page, in Thai and English', async () => {
    const missing = 'AAAAAAAAAAAAAAAAAAAAAA';
    const th = await fetch(url(`/v/${missing}`));
    expect(th.status).toBe(404);
    expect(th.headers.get('content-type')).toMatch(/^text\/html/);
    const thHtml = await th.text();
    expect(thHtml).toContain('ไม่พบเอกสาร');
    expect(thHtml).toContain('data-status="not-found"');
    const en = await fetch(url(`/v/not-even-an-id?lang=en`));
    expect(en.status).toBe(404);
    expect(await en.text()).toContain('Document not found');
    const status = await fetch(url(`/api/v1/documents/${missing}/status`));
    expect(status.status).toBe(404);
    expect(await status.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  describe('POST /api/v1/verify', () => {
    const verify = async (bytes: Uint8Array<ArrayBuffer>, query = '') => {
      const started = performance.now();
      const res = await fetch(url(`/api/v1/verify${query}`), { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: bytes });
      const ms = performance.now() - started;
      return { res, ms, report: (await res.json()) as { verdict: string; summary: { th: string; en: string }; checks: { id: string; status: string }[] } };
    };
    const registryCheck = (report: { checks: { id: string; status: string }[] }) => report.checks.find((c) => c.id === 'status.registry');

    it('the issued PDF → VALID, with the registry consulted', async () => {
      for (const name of ['training-certificate', 'factory-licence']) {
        const { pdf } = get(name);
        const { res, report, ms } = await verify(pdf!);
        expect(res.status).toBe(200);
        expect(report.verdict).toBe('VALID');
        expect(report.summary.th).toMatch(/[\u0E01-\u0E5B]/);
        expect(registryCheck(report)?.status).toBe('passed');
        console.info(`[${dialect}] POST /api/v1/verify ${name}: ${ms.toFixed(0)} ms`);
      }
    });

    it('?offline=true → VALID without consulting the registry', async () => {
      const { report, res } = await verify(get('training-certificate').pdf!, '?offline=true');
      expect(res.status).toBe(200);
      expect(report.verdict).toBe('VALID');
      expect(registryCheck(report)?.status ?? 'skipped').toBe('skipped');
    });

    it('one flipped byte → TAMPERED', async () => {
      const { res, report } = await verify(flipSignedByte(get('factory-licence').pdf!));
      expect(res.status).toBe(200);
      expect(report.verdict).toBe('TAMPERED');
    });

    it('random bytes → 200 with a MALFORMED report, never 500', async () => {
      const { res, report } = await verify(new Uint8Array(randomBytes(4096)));
      expect(res.status).toBe(200);
      expect(report.verdict).toBe('MALFORMED');
      expect(report.summary.en.length).toBeGreaterThan(0);
    });

    it('an empty body → a clear 4xx', async () => {
      const res = await fetch(url('/api/v1/verify'), { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(0) });
      const body = (await res.json()) as { error?: { code: string; message: { th: string; en: string } } };
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(body.error?.message.en).toBeTruthy();
      expect(body.error?.message.th).toBeTruthy();
    });

    it('a JSON body instead of a PDF → 415 explaining what to send', async () => {
      const res = await fetch(url('/api/v1/verify'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"pdf":"x"}' });
      expect(res.status).toBe(415);
      expect(((await res.json()) as { error: { message: { en: string } } }).error.message.en).toContain('application/pdf');
    });

    it('a PDF body sent to the issuing route → 415 (the raw-PDF parser serves /api/v1/verify only)', async () => {
      const res = await fetch(url('/api/v1/documents'), { method: 'POST', headers: { 'content-type': 'application/pdf', authorization: `Bearer ${t.apiKey}` }, body: get('training-certificate').pdf! });
      expect(res.status).toBe(415);
    });
  });
});

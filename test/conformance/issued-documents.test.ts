/**
 * Every bundled document type, issued on each database engine, judged by tools that share no code with ekasarn:
 * poppler (pdfsig, pdffonts, pdfdetach, pdftoppm), NSS, OpenSSL, qpdf, zbar and the shared pdf-check script — and
 * finally by our own verifier, online and offline. One document per type and dialect is issued in beforeAll and
 * every check reads that same file.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import type { IssueResult } from '../../src/issuance/issue-document.js';
import {
  PDF_CHECK_SCRIPT,
  PDFSIG_GOOD,
  artifact,
  bundledTypes,
  decodeQr,
  nssTrusting,
  opensslVerifyPdf,
  pdfdetachSave,
  pdfFonts,
  pdfsig,
  qpdfCheck,
  scratchDir,
  tool,
} from './tools.js';

const types = bundledTypes();

describe('bundled types', () => {
  it('there is at least one, each with a sample', () => {
    expect(types.length).toBeGreaterThanOrEqual(2);
  });
});

describeEachDialect('issued documents conform', (dialect) => {
  let t: TestApp;
  let nss: string;
  const scratch = scratchDir(`issued-${dialect}`);

  beforeAll(async () => {
    t = await createTestApp(dialect);
    nss = nssTrusting(scratch.dir, t.rootPem);
  });
  afterAll(async () => {
    await t?.destroy();
    scratch.remove();
  });

  for (const { typeId, sample } of types) {
    describe(typeId, () => {
      let issued: IssueResult;
      let file: string;
      const label = `${dialect}-${typeId}`;

      beforeAll(async () => {
        const started = performance.now();
        issued = await t.app.issueAsAgency('demo', typeId, sample);
        console.info(`[conformance] issued ${label} in ${(performance.now() - started).toFixed(0)} ms (${issued.pdf.length} bytes)`);
        file = artifact(`${label}.pdf`, issued.pdf);
      });

      it('pdfsig (NSS trusting the dev root): valid, trusted, ETSI.CAdES.detached, whole document signed', () => {
        const report = pdfsig(nss, file);
        for (const needle of PDFSIG_GOOD) expect(report, report).toContain(needle);
        expect(report).toMatch(/Signing Hash Algorithm: SHA-256/);
      });

      it('openssl cms -verify over the /ByteRange bytes succeeds with the dev root', () => {
        const r = opensslVerifyPdf(issued.pdf, t.rootPem, label);
        expect(r.status, r.output).toBe(0);
        expect(r.output).toMatch(/Verification successful/);
      });

      it('qpdf --check is clean', () => {
        const r = qpdfCheck(file);
        expect(r.status, r.output).toBe(0);
        expect(r.output).toMatch(/No syntax or stream encoding errors/);
        expect(r.output).not.toMatch(/WARNING/);
      });

      it('pdffonts: every font is embedded', () => {
        const fonts = pdfFonts(file);
        expect(fonts.length).toBeGreaterThan(0);
        for (const f of fonts) expect(f.emb, `font ${f.name}`).toBe('yes');
      });

      it('pdfdetach: data.json is attached and carries the registry data and the document id', () => {
        expect(tool('pdfdetach', ['-list', file]).stdout).toMatch(/^1 embedded files\n1: data\.json\n$/);
        const json = JSON.parse(pdfdetachSave(file, 1).toString('utf8'));
        expect(json.id).toBe(issued.document.id);
        expect(json.serial).toBe(issued.document.serial);
        expect(json.type.id).toBe(typeId);
        expect(json.fields).toEqual(issued.document.data);
        expect(json.fields).toEqual(sample);
        expect(json.verifyUrl).toBe(`${t.config.publicUrl}/v/${issued.document.id}`);
      });

      it('the QR code on page 1 (150 dpi render, zbarimg) is exactly the verification URL', () => {
        expect(decodeQr(file, `${label}-page1`)).toEqual([`${t.config.publicUrl}/v/${issued.document.id}`]);
      });

      it.skipIf(!existsSync(PDF_CHECK_SCRIPT))(
        `the shared independent checker passes${existsSync(PDF_CHECK_SCRIPT) ? '' : ` — skipped: ${PDF_CHECK_SCRIPT} does not exist`}`,
        () => {
          const rootFile = artifact(`${label}.root.pem`, t.rootPem);
          const r = tool('bash', [
            PDF_CHECK_SCRIPT, file, rootFile,
            '--expect-attachment', 'data.json',
            '--expect-qr-substring', `/v/${issued.document.id}`,
          ], { timeoutMs: 120_000 });
          expect(r.status, r.output).toBe(0);
          expect(r.stdout).toMatch(/\d+ passed, 0 failed/);
        },
      );

      it('our verifier says VALID online (registry checked) and offline (status check skipped)', async () => {
        const online = await t.app.verify(issued.pdf);
        expect(online.verdict, JSON.stringify(online.checks)).toBe('VALID');
        expect(online.checks.find((c) => c.id === 'status.registry')?.status).toBe('passed');
        expect(online.document?.id).toBe(issued.document.id);

        const offline = await t.app.verify(issued.pdf, { offline: true });
        expect(offline.verdict, JSON.stringify(offline.checks)).toBe('VALID');
        expect(offline.checks.find((c) => c.id === 'status.registry')?.status).toBe('skipped');
        expect(offline.signatures).toHaveLength(1);
        expect(offline.signatures[0]!.verdict).toBe('VALID');
      });
    });
  }
});

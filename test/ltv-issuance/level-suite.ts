/**
 * The body of the PAdES level suites (SQLite in levels.test.ts, PostgreSQL in levels-postgres.test.ts, split so the
 * two vitest workers share the load): for each level, issue with a whole instance and let independent tools judge.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { listDocumentVersions } from '../../src/store/index.js';
import type { PadesLevel } from '../../src/issuance/sign-pdf.js';
import type { DialectName } from '../../src/store/index.js';
import {
  bundledTypes,
  certificateDer,
  dssOf,
  expectPdfCheckClean,
  expectPdfsigGood,
  keyFile,
  ocspResponseText,
  opensslVerifyAllTokens,
  pdfCheck,
  qpdfCheck,
  revisionCount,
  savePdf,
  savePem,
} from './tools.js';

const { typeId, sample } = bundledTypes().find((b) => b.typeId === 'training-certificate') ?? bundledTypes()[0]!;

/** Typst's original + signature (+ DSS) (+ document timestamp). */
const EXPECTED_REVISIONS: Record<Exclude<PadesLevel, 'B-B'>, number> = { 'B-T': 2, 'B-LT': 3, 'B-LTA': 4 };

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** Registers, in the current describe block, one instance of `dialect` and one test per level. */
export function levelSuite(dialect: DialectName, levels: Exclude<PadesLevel, 'B-B'>[]) {
  let t: TestApp;
  let rootFile: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    rootFile = savePem(`root-${dialect}`, t.rootPem);
  });
  afterAll(async () => {
    await t?.destroy();
  });

  for (const level of levels) {
    it(`${level}: independent tools accept it, ${EXPECTED_REVISIONS[level]} revisions, DSS as expected, our verifier says VALID`, async () => {
      const started = performance.now();
      const { pdf, document } = await t.app.issueAsAgency('demo', typeId, sample, { level });
      const issueMs = performance.now() - started;
      console.info(`[ltv-issuance] ${dialect} ${level}: issued in ${issueMs.toFixed(0)} ms, ${pdf.length} bytes`);
      const file = savePdf(`${dialect}-${level}`, pdf);

      // The shared checker: pdfsig, openssl cms and ts -verify on every token (document timestamp included),
      // later revisions adding only DSS / timestamps, qpdf, PDF/A structure.
      const report = pdfCheck(file, rootFile, { expectTimestamp: true, tsaCaFile: rootFile });
      expectPdfCheckClean(report, { unsignedDssTail: level === 'B-LT' });
      expect(report.stdout).toMatch(/^PASS timestamp-verify /m);
      if (level === 'B-LTA') expect(report.stdout).toMatch(/^PASS doc-timestamp-verify /m);
      else expect(report.stdout).not.toMatch(/doc-timestamp-verify/);

      const sigReport = expectPdfsigGood(file, t.rootPem, { totalCoverage: level === 'B-T' });
      if (level === 'B-LTA') expect(sigReport).toMatch(/Signature #2:\n  - Signature Field Name: Timestamp1[\s\S]*- Total document signed/);
      const qpdf = qpdfCheck(file);
      expect(qpdf.status, qpdf.output).toBe(0);
      expect(revisionCount(pdf)).toBe(EXPECTED_REVISIONS[level]);

      // Our own openssl ts -verify pass, counting the tokens so a level cannot silently lose one.
      expect(opensslVerifyAllTokens(pdf, t.rootPem)).toEqual({ signatureTokens: 1, documentTokens: level === 'B-LTA' ? 1 : 0 });

      const dss = dssOf(pdf);
      if (level === 'B-T') {
        expect(dss.present).toBe(false);
      } else {
        expect(dss.present).toBe(true);
        expect(dss.problems).toEqual([]);
        const signerCert = certificateDer(keyFile(t, 'agency-demo.cert.pem'));
        const tsaCert = certificateDer(keyFile(t, 'dev-tsa.cert.pem'));
        expect(dss.certificates.some((c) => sameBytes(c, signerCert)), 'signer certificate in the DSS').toBe(true);
        expect(dss.certificates.some((c) => sameBytes(c, tsaCert)), 'TSA certificate in the DSS').toBe(true);
        // One OCSP answer per certificate below the root (signer and TSA), each read by OpenSSL as "good".
        expect(dss.ocspResponses.length).toBeGreaterThanOrEqual(1);
        for (const r of dss.ocspResponses) {
          const text = ocspResponseText(r);
          expect(text).toContain('OCSP Response Status: successful');
          expect(text).toMatch(/Cert Status: good/);
          expect(text).not.toMatch(/Cert Status: (revoked|unknown)/);
        }
      }

      const versions = await listDocumentVersions(t.app.database.db, document.id);
      expect(versions.map((v) => [v.version, v.level, v.reason])).toEqual([[1, level, 'issued']]);

      const verdict = await t.app.verify(pdf);
      expect(verdict.verdict, JSON.stringify(verdict.checks.filter((c) => c.status === 'failed'), null, 1)).toBe('VALID');
    });
  }
}

/**
 * Production signing material made by an outside CA (openssl here): a PKCS#12 file, and PEM key + certificate +
 * chain files, wired through the EKASARN_SIGNING_* variables. Documents must be signed by that identity (not the
 * development key), chain to the configured trust root, and be accepted by pdfsig, openssl and our verifier.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { issueCertificate, makeRootCa } from './openssl-ca.js';
import { PDFSIG_GOOD, artifact, bundledTypes, nssTrusting, opensslVerifyPdf, pdfsig, scratchDir, toolOk } from './tools.js';
import { readFileSync } from 'node:fs';

const { typeId, sample } = bundledTypes()[0]!;
const P12_PASSWORD = 'p12 รหัสผ่าน s3cret';

const scratch = scratchDir('prod');
let rootPem: string;
let rootFile: string;
let nss: string;

beforeAll(() => {
  const dir = scratch.dir;
  rootFile = makeRootCa(dir, 'root', '/C=TH/O=Conformance Test CA/CN=Conformance Test Root CA').certFile;
  rootPem = readFileSync(rootFile, 'utf8');
  // Signer for PKCS#12: RSA, issued directly by the root.
  issueCertificate(dir, 'root', 'p12signer', { subject: '/C=TH/O=Conformance Agency/CN=กรมทดสอบความสอดคล้อง PKCS12', kind: 'rsa' });
  toolOk('openssl', ['pkcs12', '-export', '-inkey', 'p12signer.key', '-in', 'p12signer.pem', '-certfile', 'root.pem',
    '-name', 'agency', '-passout', `pass:${P12_PASSWORD}`, '-out', 'agency.p12'], { cwd: dir });
  // Signer for PEM: P-256 under an intermediate CA, so the chain file matters.
  issueCertificate(dir, 'root', 'intermediate', { subject: '/C=TH/O=Conformance Test CA/CN=Conformance Issuing CA', kind: 'rsa', ca: true });
  issueCertificate(dir, 'intermediate', 'pemsigner', { subject: '/C=TH/O=Conformance Agency/CN=กรมทดสอบความสอดคล้อง PEM', kind: 'ec' });
  nss = nssTrusting(join(dir, 'nss'), rootPem);
});
afterAll(() => scratch.remove());

function productionSuite(kind: 'pkcs12' | 'pem', env: () => Record<string, string>, commonName: string): void {
  describe(`${kind} identity from EKASARN_SIGNING_* (sqlite)`, () => {
    let t: TestApp;
    let pdf: Uint8Array;
    let file: string;

    beforeAll(async () => {
      t = await createTestApp('sqlite', env());
      pdf = (await t.app.issueAsAgency('demo', typeId, sample)).pdf;
      file = artifact(`production-${kind}.pdf`, pdf);
    });
    afterAll(async () => {
      await t?.destroy();
    });

    it('pdfsig trusting only the test CA: valid, trusted, signed by the configured certificate', () => {
      const report = pdfsig(nss, file);
      for (const needle of PDFSIG_GOOD) expect(report, report).toContain(needle);
      expect(report).toContain(`Signer Certificate Common Name: ${commonName}`);
    });

    it('openssl cms -verify with the test CA as the only anchor', () => {
      const r = opensslVerifyPdf(pdf, rootPem, `production-${kind}`);
      expect(r.status, r.output).toBe(0);
    });

    it('our verifier: VALID, signer is the configured certificate, chain ends at the test root', async () => {
      const report = await t.app.verify(pdf);
      expect(report.verdict, JSON.stringify(report.signatures[0]?.checks)).toBe('VALID');
      const sig = report.signatures[0]!;
      expect(sig.signer?.commonName).toBe(commonName);
      expect(sig.chain.at(-1)).toMatch(/Conformance Test Root CA/);
      if (kind === 'pem') expect(sig.chain.join(' | ')).toMatch(/Conformance Issuing CA/);
    });
  });
}

productionSuite('pkcs12', () => ({
  EKASARN_SIGNING_P12: join(scratch.dir, 'agency.p12'),
  EKASARN_SIGNING_P12_PASSWORD: P12_PASSWORD,
  EKASARN_TRUST_ROOTS: rootFile,
}), 'กรมทดสอบความสอดคล้อง PKCS12');

productionSuite('pem', () => ({
  EKASARN_SIGNING_KEY: join(scratch.dir, 'pemsigner.key'),
  EKASARN_SIGNING_CERT: join(scratch.dir, 'pemsigner.pem'),
  EKASARN_SIGNING_CHAIN: join(scratch.dir, 'intermediate.pem'),
  EKASARN_TRUST_ROOTS: rootFile,
}), 'กรมทดสอบความสอดคล้อง PEM');

describe('a wrong PKCS#12 password (sqlite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite', {
      EKASARN_SIGNING_P12: join(scratch.dir, 'agency.p12'),
      EKASARN_SIGNING_P12_PASSWORD: 'not the password',
      EKASARN_TRUST_ROOTS: rootFile,
    });
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('refuses to issue, saying the password is wrong, and issues nothing', async () => {
    await expect(t.app.issueAsAgency('demo', typeId, sample)).rejects.toThrow(/wrong password/);
    const rows = await t.app.database.db.selectFrom('documents').select('id').execute();
    expect(rows).toEqual([]);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendDss, openPdf, readDss } from '../../src/pdf/index.js';
import { verifyPdf } from '../../src/verify/index.js';
import { decodeCertificatesPem } from '../../src/signing/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let signed: Uint8Array;
const dir = mkdtempSync(join(tmpdir(), 'ekasarn-dss-'));

beforeAll(async () => {
  t = await createTestApp('sqlite');
  signed = (await t.app.issueAsAgency('demo', 'factory-licence', t.app.types.get('factory-licence')!.sample)).pdf;
});
afterAll(async () => t?.destroy());

describe('Document Security Store (PAdES B-LT)', () => {
  it('appends certificates, CRLs and OCSP responses in one revision; reads them back; signature stays valid', async () => {
    const roots = decodeCertificatesPem(t.rootPem);
    const crl = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
    const ocsp = new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x00]);
    const once = appendDss(signed, { certificates: roots, crls: [crl], ocspResponses: [ocsp] });
    expect(openPdf(once).revisions.length).toBe(openPdf(signed).revisions.length + 1);
    const dss = readDss(openPdf(once));
    expect(dss.present).toBe(true);
    expect(dss.certificates).toEqual(roots);
    expect(dss.crls).toEqual([crl]);
    expect(dss.ocspResponses).toEqual([ocsp]);

    // A second call with the same items adds nothing; with a new one only that one.
    expect(appendDss(once, { certificates: roots, crls: [crl], ocspResponses: [] })).toBe(once);
    const twice = appendDss(once, { certificates: [], crls: [new Uint8Array([0x30, 0x00])], ocspResponses: [] });
    expect(readDss(openPdf(twice)).crls.length).toBe(2);

    const report = await verifyPdf(twice, { trustRoots: roots });
    expect(report.verdict).toBe('VALID');

    const file = join(dir, 'dss.pdf');
    writeFileSync(file, twice);
    expect(() => execFileSync('qpdf', ['--check', file], { stdio: 'pipe' })).not.toThrow();
    const nss = join(dir, 'nss');
    execFileSync('mkdir', ['-p', nss]);
    execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${nss}`]);
    writeFileSync(join(dir, 'root.pem'), t.rootPem);
    execFileSync('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'root', '-t', 'C,C,C', '-i', join(dir, 'root.pem')]);
    const out = execFileSync('pdfsig', ['-nssdir', `sql:${nss}`, file], { encoding: 'utf8' });
    expect(out).toContain('Signature is Valid.');
  });
});

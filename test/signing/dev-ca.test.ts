/** The development CA, checked with `openssl verify`, `openssl x509 -text` and `openssl asn1parse`. */
import { statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PadesSigner,
  createDevIntermediateCa,
  createDevRootCa,
  encodeCertificatePem,
  issueAgencySigningCertificate,
  readCertificateFields,
  type DevCa,
} from '../../src/signing/index.js';
import { loadDevCa, loadIdentityFiles, saveDevCa, saveIdentityFiles } from '../../src/signing/node/index.js';
import { cmsVerify, openssl, opensslOk, scratchDir, write } from './tools.js';

let root: DevCa;
let dir: string;
beforeAll(async () => {
  root = await createDevRootCa();
  dir = scratchDir('devca');
  write(dir, 'root.pem', root.certificatePem);
});

describe('createDevRootCa', () => {
  it('is a plainly labelled, self-signed 10-year CA with critical basicConstraints and keyCertSign + cRLSign', () => {
    const textOut = opensslOk(['x509', '-in', 'root.pem', '-noout', '-text', '-nameopt', 'utf8,sep_comma_plus_space'], { cwd: dir });
    expect(textOut).toContain('Subject: C=TH, O=ekasarn development, CN=ekasarn DEVELOPMENT Root CA - NOT FOR PRODUCTION');
    expect(textOut).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    expect(textOut).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(textOut).toContain('X509v3 Subject Key Identifier');
    // Self-signed: openssl verifies it against itself.
    expect(opensslOk(['verify', '-CAfile', 'root.pem', 'root.pem'], { cwd: dir })).toContain('root.pem: OK');
    const dates = opensslOk(['x509', '-in', 'root.pem', '-noout', '-startdate', '-enddate'], { cwd: dir });
    const start = Date.parse(/notBefore=(.*)/.exec(dates)![1]!);
    const end = Date.parse(/notAfter=(.*)/.exec(dates)![1]!);
    expect((end - start) / (365 * 86_400_000)).toBeCloseTo(10, 1);
  });
});

describe('issueAgencySigningCertificate', () => {
  it.each(['RSA-2048', 'RSA-3072', 'P-256'] as const)('issues a %s document-signing certificate that openssl verifies', async (keyAlgorithm) => {
    const agency = await issueAgencySigningCertificate(root, {
      agencyNameEn: 'Department of Provincial Administration',
      agencyNameTh: 'กรมการปกครอง',
      keyAlgorithm,
      validityDays: 90,
    });
    expect(agency.keyAlgorithm).toBe(keyAlgorithm);
    const file = `agency-${keyAlgorithm}.pem`;
    write(dir, file, encodeCertificatePem(agency.certificate));
    expect(opensslOk(['verify', '-CAfile', 'root.pem', file], { cwd: dir })).toContain(`${file}: OK`);

    const textOut = opensslOk(['x509', '-in', file, '-noout', '-text', '-nameopt', 'utf8,sep_comma_plus_space'], { cwd: dir });
    expect(textOut).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation\n/);
    expect(textOut).toMatch(/X509v3 Extended Key Usage:\s+E-mail Protection, (1\.3\.6\.1\.5\.5\.7\.3\.36|Document Signing)/);
    expect(textOut).toMatch(/X509v3 Basic Constraints:\s+CA:FALSE/);
    expect(textOut).toContain('X509v3 Subject Key Identifier');
    expect(textOut).toContain('X509v3 Authority Key Identifier');
    expect(textOut).toContain(
      'Subject: C=TH, O=ekasarn DEVELOPMENT - NOT FOR PRODUCTION, OU=Department of Provincial Administration, CN=กรมการปกครอง',
    );

    // The authority key identifier is the root's subject key identifier.
    const rootText = opensslOk(['x509', '-in', 'root.pem', '-noout', '-ext', 'subjectKeyIdentifier'], { cwd: dir });
    const rootSki = /\n\s+([0-9A-F:]+)/.exec(rootText)![1]!;
    expect(opensslOk(['x509', '-in', file, '-noout', '-ext', 'authorityKeyIdentifier'], { cwd: dir })).toContain(rootSki);

    // Thai text is a UTF8String, the issuer is byte-identical to the root's subject, the serial is positive.
    const asn1 = opensslOk(['asn1parse', '-in', file], { cwd: dir });
    expect(asn1).toMatch(/UTF8STRING\s+:กรมการปกครอง/);
    const fields = readCertificateFields(agency.certificate);
    expect(Buffer.from(fields.issuerDer).equals(Buffer.from(readCertificateFields(root.certificate).subjectDer))).toBe(true);
    expect(fields.serialNumberDer[2]! & 0x80).toBe(0);
    expect(fields.serialNumberDer.length).toBe(2 + 16);
  });

  it('gives different random serials', async () => {
    const a = await issueAgencySigningCertificate(root, { agencyNameEn: 'Serial A', keyAlgorithm: 'P-256' });
    const b = await issueAgencySigningCertificate(root, { agencyNameEn: 'Serial B', keyAlgorithm: 'P-256' });
    expect(Buffer.from(readCertificateFields(a.certificate).serialNumberDer)).not.toEqual(
      Buffer.from(readCertificateFields(b.certificate).serialNumberDer),
    );
  });

  it('validates its input with the field name', async () => {
    await expect(issueAgencySigningCertificate(root, { agencyNameEn: '', keyAlgorithm: 'P-256' })).rejects.toThrow(/agencyNameEn/);
    await expect(issueAgencySigningCertificate(root, { agencyNameEn: 'x'.repeat(65), keyAlgorithm: 'P-256' })).rejects.toThrow(
      /agencyNameEn: at most 64/,
    );
    await expect(
      issueAgencySigningCertificate(root, { agencyNameEn: 'A', keyAlgorithm: 'P-521' as never }),
    ).rejects.toThrow(/keyAlgorithm: expected one of RSA-2048, RSA-3072, RSA-4096, P-256/);
    await expect(issueAgencySigningCertificate(root, { agencyNameEn: 'A', keyAlgorithm: 'P-256', validityDays: 0 })).rejects.toThrow(
      /validityDays/,
    );
  });

  it('works under an intermediate CA (openssl verify with -untrusted)', async () => {
    const issuing = await createDevIntermediateCa(root, { keyAlgorithm: 'RSA-3072' });
    const agency = await issueAgencySigningCertificate(issuing, { agencyNameEn: 'Intermediate Agency', keyAlgorithm: 'P-256' });
    write(dir, 'issuing.pem', issuing.certificatePem);
    write(dir, 'agency-under-issuing.pem', encodeCertificatePem(agency.certificate));
    expect(
      opensslOk(['verify', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', 'agency-under-issuing.pem'], { cwd: dir }),
    ).toContain('OK');
    expect(openssl(['verify', '-CAfile', 'root.pem', 'agency-under-issuing.pem'], { cwd: dir }).ok).toBe(false);
    const textOut = opensslOk(['x509', '-in', 'issuing.pem', '-noout', '-text'], { cwd: dir });
    expect(textOut).toMatch(/CA:TRUE, pathlen:0/);
  });
});

describe('files', () => {
  it('saves the CA and an identity with 0600 key files, loads them back, and the loaded ones still work', async () => {
    const store = scratchDir('devca-files');
    const caPaths = await saveDevCa(store, root);
    expect(statSync(caPaths.keyFile).mode & 0o777).toBe(0o600);
    const loadedCa = await loadDevCa(store);
    expect(Buffer.from(loadedCa.certificate).equals(Buffer.from(root.certificate))).toBe(true);

    const agency = await issueAgencySigningCertificate(loadedCa, { agencyNameEn: 'Files Agency', keyAlgorithm: 'RSA-2048' });
    const paths = await saveIdentityFiles(store, 'files-agency', agency);
    expect(statSync(paths.keyFile).mode & 0o777).toBe(0o600);
    expect(paths.chainFile).toBeDefined();
    const loaded = await loadIdentityFiles(store, 'files-agency');
    expect(loaded.keyAlgorithm).toBe('RSA-2048');
    expect(loaded.chain).toHaveLength(1);

    const content = new Uint8Array(randomBytes(500));
    write(dir, 'files.bin', content);
    write(dir, 'files.der', await (await PadesSigner.create(loaded)).signContent(content));
    expect(cmsVerify(dir, 'files.der', 'files.bin', 'root.pem').ok).toBe(true);
  });

  it('refuses file base names that could leave the directory', async () => {
    await expect(saveDevCa(dir, root, '../escape')).rejects.toThrow(/baseName/);
    await expect(loadIdentityFiles(dir, '.hidden')).rejects.toThrow(/baseName/);
  });
});

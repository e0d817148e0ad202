import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCertificatePem, type SigningIdentity } from '../../src/signing/index.js';
import { createTimeStampAuthority, type TimeStampAuthority } from '../../src/timestamp/authority/index.js';
import { verifyPdf, type VerificationReport } from '../../src/verify/index.js';
import { getParsedCertificate } from '../../src/verify/cms/parsed-certificate.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  addDocumentTimestamp,
  appendDss,
  createPki,
  crlOf,
  genTimeOf,
  shortLivedIdentity,
  signDocument,
  sleepUntil,
  unsignedPart,
  withIssuedCertificate,
  withRevocation,
  type Pki,
} from './helpers/ltv-documents.js';

/**
 * Time travel built for real: a signer certificate (and one TSA certificate) that expire a few seconds after the
 * documents are signed and timestamped. The tests run once they have really expired — no clock is faked; the
 * authority stamps the actual time and openssl confirms the certificate is past its notAfter.
 */
let t: TestApp;
let pki: Pki;
let roots: Uint8Array[];
let signer: SigningIdentity;
let shortTsa: TimeStampAuthority;
const docs: Record<string, Uint8Array> = {};
let revokedAt: Date;
let tokenBeforeRevocation: Uint8Array;
let tokenAfterRevocation: Uint8Array;

const all = (r: VerificationReport) => [...r.checks, ...r.signatures.flatMap((s) => s.checks)];
const check = (r: VerificationReport, id: string) => all(r).find((c) => c.id === id);
const failed = (r: VerificationReport) => all(r).filter((c) => c.status === 'failed').map((c) => `${c.id}: ${c.detail}`).join('\n');

beforeAll(async () => {
  t = await createTestApp('sqlite');
  const unsigned = unsignedPart((await t.app.issueAsAgency('demo', 'training-certificate', t.app.types.get('training-certificate')!.sample)).pdf);
  pki = await createPki();
  roots = [pki.ca.certificate];

  const notAfter = new Date(Math.ceil(Date.now() / 1000) * 1000 + 5000);
  signer = await shortLivedIdentity(pki.ca, notAfter, 'signer');
  const shortTsaIdentity = await shortLivedIdentity(pki.ca, notAfter, 'tsa');
  shortTsa = await createTimeStampAuthority({ identity: shortTsaIdentity });
  let state = await withIssuedCertificate(pki.state, signer.certificate);
  state = await withIssuedCertificate(state, shortTsaIdentity.certificate);

  // Everything below happens while both short-lived certificates are valid.
  const bT = await signDocument(unsigned, signer, pki.tsa);
  const revokedLater = await signDocument(unsigned, signer, pki.tsa);
  tokenBeforeRevocation = revokedLater.token!;
  const signedBeforeRevocation = await signDocument(unsigned, signer); // its timestamp comes after the revocation
  const bB = await signDocument(unsigned, signer);
  const shortTsaSigned = await signDocument(unsigned, signer, shortTsa);
  const crlUnrevoked = await crlOf(pki.ca, state);
  const certs = [signer.certificate, pki.ca.certificate, pki.tsaCertificate, shortTsaIdentity.certificate];
  const dssUnrevoked = { certificates: certs, crls: [crlUnrevoked], ocspResponses: [] };

  docs.bB = bB.pdf;
  docs.bTNoRevocationData = bT.pdf;
  docs.bTWithDss = appendDss(bT.pdf, dssUnrevoked);
  docs.shortTsaBLt = appendDss(shortTsaSigned.pdf, dssUnrevoked);
  docs.shortTsaBLta = (await addDocumentTimestamp(docs.shortTsaBLt, pki.tsa)).pdf;

  // Revoke the signer one whole second after the last timestamp so far (revocation times are whole seconds).
  revokedAt = new Date(Math.ceil(genTimeOf(tokenBeforeRevocation).getTime() / 1000) * 1000 + 1000);
  await sleepUntil(revokedAt.getTime() + 50);
  state = withRevocation(state, (await getParsedCertificate(signer.certificate)).serialHex, { at: revokedAt, reason: 'keyCompromise' }).state;
  const after = await signedBeforeRevocation.addTimestamp(pki.tsa);
  tokenAfterRevocation = after.token;
  const crlRevoked = await crlOf(pki.ca, state);
  const dssRevoked = { certificates: certs, crls: [crlRevoked], ocspResponses: [] };
  docs.revokedAfterTimestamp = appendDss(revokedLater.pdf, dssRevoked);
  docs.revokedBeforeTimestamp = appendDss(after.pdf, dssRevoked);

  // Now wait for the certificates to expire for real.
  await sleepUntil(notAfter.getTime() + 1200);
}, 60_000);
afterAll(async () => t?.destroy());

describe('validation at a point in time, after the signer certificate has expired', () => {
  it('the certificates have really expired (openssl x509 -checkend 0)', () => {
    for (const der of [signer.certificate]) {
      let code = 0;
      try {
        execFileSync('openssl', ['x509', '-noout', '-checkend', '0'], { input: encodeCertificatePem(der), stdio: ['pipe', 'ignore', 'ignore'] });
      } catch (e) {
        code = (e as { status: number }).status;
      }
      expect(code).toBe(1);
    }
    expect(genTimeOf(tokenAfterRevocation).getTime()).toBeGreaterThan(revokedAt.getTime());
    expect(genTimeOf(tokenBeforeRevocation).getTime()).toBeLessThan(revokedAt.getTime());
  });

  it('B-B → INDETERMINATE: nothing proves it was signed while the certificate was valid (chain.validity)', async () => {
    const r = await verifyPdf(docs.bB!, { trustRoots: roots });
    expect(r.verdict).toBe('INDETERMINATE');
    expect(r.level).toBe('B-B');
    expect(check(r, 'chain.validity')).toMatchObject({ status: 'failed' });
    expect(check(r, 'chain.validity')?.detail).toMatch(/expired at/);
  });

  it('B-T with a DSS proving the signer unrevoked at the timestamp → VALID (level B-LT)', async () => {
    const r = await verifyPdf(docs.bTWithDss!, { trustRoots: roots });
    expect(r.verdict, failed(r)).toBe('VALID');
    expect(r.level).toBe('B-LT');
    expect(check(r, 'chain.validity')).toMatchObject({ status: 'passed' });
    expect(check(r, 'revocation.status')).toMatchObject({ status: 'passed' });
    expect(r.signingTime?.source).toBe('timestamp');
  });

  it('B-T without revocation data, offline → INDETERMINATE, and the report says why', async () => {
    const r = await verifyPdf(docs.bTNoRevocationData!, { trustRoots: roots });
    expect(r.verdict).toBe('INDETERMINATE');
    expect(check(r, 'chain.validity')).toMatchObject({ status: 'passed' }); // fine at the timestamp…
    const c = check(r, 'ltv.revocation-data')!; // …but nothing shows the certificate unrevoked then
    expect(c).toMatchObject({ status: 'failed', onFailure: 'INDETERMINATE' });
    expect(c.detail).toMatch(/no revocation data .* offline; needed because the signer's certificate chain is not valid at/);
  });

  it('revoked after the timestamp → still VALID, with a check saying it was revoked later (date, reason)', async () => {
    const r = await verifyPdf(docs.revokedAfterTimestamp!, { trustRoots: roots });
    expect(r.verdict, failed(r)).toBe('VALID');
    const later = check(r, 'revocation.revoked-later')!;
    expect(later.status).toBe('warning');
    expect(later.detail).toContain(revokedAt.toISOString());
    expect(later.detail).toContain('keyCompromise');
    expect(later.message.en).toMatch(/revoked after the document was signed/);
  });

  it('revoked before the timestamp → UNTRUSTED (revocation.status failed)', async () => {
    const r = await verifyPdf(docs.revokedBeforeTimestamp!, { trustRoots: roots });
    expect(r.verdict).toBe('UNTRUSTED');
    const c = check(r, 'revocation.status')!;
    expect(c).toMatchObject({ status: 'failed', onFailure: 'UNTRUSTED' });
    expect(c.detail).toContain(`revoked at ${revokedAt.toISOString()} (keyCompromise)`);
  });

  it('B-LTA renewal: the TSA certificate has expired too, the document timestamp proves the signature timestamp existed in time → VALID', async () => {
    const r = await verifyPdf(docs.shortTsaBLta!, { trustRoots: roots });
    expect(r.verdict, failed(r)).toBe('VALID');
    expect(r.level).toBe('B-LTA');
    const [sigTs, docTs] = r.timestamps!;
    expect(sigTs).toMatchObject({ kind: 'signature', verified: true, judgedAt: docTs!.time });
    expect(sigTs!.checks.find((c) => c.id === 'ltv.tsa-revocation')).toMatchObject({ status: 'passed' });
  });

  it('the same without the document timestamp → the expired TSA proves nothing → INDETERMINATE', async () => {
    const r = await verifyPdf(docs.shortTsaBLt!, { trustRoots: roots });
    expect(r.verdict).toBe('INDETERMINATE');
    expect(check(r, 'ltv.signature-timestamp')).toMatchObject({ status: 'warning' });
    expect(check(r, 'ltv.signature-timestamp')?.detail).toMatch(/tst.validity/);
    expect(r.timestamps![0]!.verified).toBe(false);
    expect(check(r, 'chain.validity')).toMatchObject({ status: 'failed' });
  });
});

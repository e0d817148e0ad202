/**
 * What happens to a genuine document after it leaves the agency: a changed byte, a revision appended after signing
 * (by our writer and by hand), the signature stripped, random bytes, truncation, a signature from a CA nobody
 * trusts. Each case must get its exact verdict from our engine, and pdfsig/openssl/qpdf must agree that something
 * is wrong where they can tell.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import type { Check, VerificationReport } from '../../src/verify/report.js';
import { infoDictUpdate, flipContentStreamByte, overpaintPageUpdate, rawAppendedRevision, stripSignatureRevision } from './tamper.js';
import { artifact, bundledTypes, nssTrusting, opensslVerifyPdf, pdfsig, qpdfCheck, scratchDir } from './tools.js';

const { typeId, sample } = bundledTypes()[0]!;

const allChecks = (r: VerificationReport): Check[] => [...r.checks, ...r.signatures.flatMap((s) => s.checks)];
const statusOf = (r: VerificationReport, id: string): string | undefined => allChecks(r).find((c) => c.id === id)?.status;
const failedIds = (r: VerificationReport): string[] => allChecks(r).filter((c) => c.status === 'failed').map((c) => c.id).sort();

let t: TestApp;
let other: TestApp;
let nss: string;
let genuine: Uint8Array;
let documentId: string;
const scratch = scratchDir('tamper');

beforeAll(async () => {
  t = await createTestApp('sqlite');
  nss = nssTrusting(scratch.dir, t.rootPem);
  const issued = await t.app.issueAsAgency('demo', typeId, sample);
  genuine = issued.pdf;
  documentId = issued.document.id;
  artifact('tamper-genuine.pdf', genuine);
});
afterAll(async () => {
  await t?.destroy();
  await other?.destroy();
  scratch.remove();
});

describe('tampering with a signed document (sqlite)', () => {
  it('the untouched document is VALID (baseline for every case below)', async () => {
    expect((await t.app.verify(genuine)).verdict).toBe('VALID');
  });

  it('a flipped bit inside the signed range (page content stream) → TAMPERED; pdfsig "Digest Mismatch"; openssl fails', async () => {
    const { bytes } = flipContentStreamByte(genuine);
    const file = artifact('tamper-flipped-byte.pdf', bytes);

    const offline = await t.app.verify(bytes, { offline: true });
    expect(offline.verdict).toBe('TAMPERED');
    expect(failedIds(offline)).toEqual(['cms.message-digest']);
    // Online, the registry also notices the file is not the one it issued.
    const online = await t.app.verify(bytes);
    expect(online.verdict).toBe('TAMPERED');
    expect(failedIds(online)).toEqual(['cms.message-digest', 'status.registry']);

    const report = pdfsig(nss, file);
    expect(report).toContain('Digest Mismatch');
    expect(report).not.toContain('Signature is Valid.');
    const cms = opensslVerifyPdf(bytes, t.rootPem, 'tamper-flipped-byte');
    expect(cms.status).not.toBe(0);
    expect(cms.output).toMatch(/digest failure|content verify error|verification failure/i);
  });

  // Each later revision is judged object by object: the detail names what changed.
  const appended: [string, (pdf: Uint8Array) => Uint8Array, RegExp][] = [
    ['an incremental update (our writer) painting over page 1', overpaintPageUpdate, /revision 2: page changed: \/Contents/],
    ['an incremental update (our writer) rewriting the Info dictionary', infoDictUpdate, /revision 2: object \d+ changed \(\/Title/],
    ['a hand-written revision appended after %%EOF', rawAppendedRevision, /revision 2: trailer \/Info changed/],
  ];
  for (const [what, make, detail] of appended) {
    it(`${what} → TAMPERED by pdf.coverage; pdfsig "Not total document signed"; the file itself is well-formed`, async () => {
      const bytes = make(genuine);
      const label = `tamper-${make.name}`;
      const file = artifact(`${label}.pdf`, bytes);
      expect(Buffer.compare(Buffer.from(bytes.subarray(0, genuine.length)), Buffer.from(genuine))).toBe(0);

      const offline = await t.app.verify(bytes, { offline: true });
      expect(offline.verdict).toBe('TAMPERED');
      expect(failedIds(offline)).toEqual(['pdf.coverage']);
      // The signature itself still checks out over its own range: only coverage can catch this.
      expect(offline.signatures[0]!.verdict).toBe('VALID');
      expect(allChecks(offline).find((c) => c.id === 'pdf.coverage')!.detail).toMatch(detail);
      expect((await t.app.verify(bytes)).verdict).toBe('TAMPERED');

      const report = pdfsig(nss, file);
      expect(report).toContain('Not total document signed');
      expect(report).not.toContain('Total document signed\n');
      expect(qpdfCheck(file).status, 'a well-formed update, so MALFORMED would be the wrong answer').toBe(0);
      // openssl checks only the CMS over the ByteRange, which is intact: it cannot see the appended revision.
      expect(opensslVerifyPdf(bytes, t.rootPem, label).status).toBe(0);
    });
  }

  it('trailing garbage after %%EOF (not a revision) → TAMPERED by pdf.coverage', async () => {
    const bytes = Buffer.concat([Buffer.from(genuine), Buffer.from('\n% appended comment, not whitespace\n')]);
    const r = await t.app.verify(bytes, { offline: true });
    expect(r.verdict).toBe('TAMPERED');
    expect(failedIds(r)).toEqual(['pdf.coverage']);
  });

  it('trailing whitespace only after %%EOF is tolerated → VALID offline', async () => {
    const bytes = Buffer.concat([Buffer.from(genuine), Buffer.from('\r\n\n  ')]);
    expect((await t.app.verify(bytes, { offline: true })).verdict).toBe('VALID');
  });

  it('the signature revision stripped (bytes before it) → NOT_SIGNED; pdfsig finds no signature; qpdf clean', async () => {
    const bytes = stripSignatureRevision(genuine);
    const file = artifact('tamper-unsigned.pdf', bytes);
    const r = await t.app.verify(bytes);
    expect(r.verdict).toBe('NOT_SIGNED');
    expect(failedIds(r)).toEqual(['pdf.signatures']);
    expect(statusOf(r, 'pdf.structure')).toBe('passed');
    expect(pdfsig(nss, file)).toMatch(/does not contain any signatures/);
    expect(qpdfCheck(file).status).toBe(0);
  });

  it('random bytes → MALFORMED; qpdf fails too', async () => {
    const bytes = new Uint8Array(randomBytes(8192));
    const file = artifact('tamper-random.bin', bytes);
    const r = await t.app.verify(bytes);
    expect(r.verdict).toBe('MALFORMED');
    expect(failedIds(r)).toEqual(['pdf.structure']);
    expect(qpdfCheck(file).status).toBe(2);
  });

  it.each([
    ['200 bytes short (inside the signature revision trailer)', 200, 'tail'],
    ['cut in the middle of the signature /Contents', 0, 'contents'],
  ])('a truncated signed file, %s → not VALID (MALFORMED); pdfsig does not say valid', async (_what, cut, name) => {
    const doc = genuine;
    const length = cut > 0 ? doc.length - cut : Buffer.from(doc).indexOf('/Contents <') + 2000;
    const bytes = doc.slice(0, length);
    const file = artifact(`tamper-truncated-${name}.pdf`, bytes);
    const r = await t.app.verify(bytes);
    expect(r.verdict).not.toBe('VALID');
    expect(r.verdict).toBe('MALFORMED');
    const report = pdfsig(nss, file);
    expect(report).not.toContain('Signature is Valid.');
    expect(qpdfCheck(file).status).not.toBe(0);
  });
});

describe('a document signed under a development CA this instance does not trust', () => {
  let foreign: Uint8Array;
  let foreignFile: string;

  beforeAll(async () => {
    other = await createTestApp('sqlite');
    expect(other.rootPem).not.toBe(t.rootPem);
    foreign = (await other.app.issueAsAgency('demo', typeId, sample)).pdf;
    foreignFile = artifact('tamper-foreign-ca.pdf', foreign);
  });

  it('is UNTRUSTED for us (chain.trusted failed), though intact', async () => {
    const r = await t.app.verify(foreign, { offline: true });
    expect(r.verdict).toBe('UNTRUSTED');
    expect(failedIds(r)).toEqual(['chain.trusted']);
    expect(statusOf(r, 'cms.message-digest')).toBe('passed');
    // Online: the other instance has its own public URL, so the document names another registry; ours has never
    // heard of it (a warning only), and the verdict stays UNTRUSTED.
    const online = await t.app.verify(foreign);
    expect(online.verdict).toBe('UNTRUSTED');
    expect(statusOf(online, 'status.registry')).toBe('warning');
  });

  it('pdfsig with our NSS trust store: signature intact but the certificate is not trusted; openssl refuses the chain', () => {
    const report = pdfsig(nss, foreignFile);
    expect(report).toContain('Signature is Valid.');
    expect(report).not.toContain('Certificate is Trusted.');
    expect(report).toContain('Certificate Validation: Certificate issuer is unknown.');
    const cms = opensslVerifyPdf(foreign, t.rootPem, 'tamper-foreign-ca');
    expect(cms.status).not.toBe(0);
    expect(cms.output).toMatch(/certificate verify error|unable to get local issuer certificate/i);
  });

  it('is VALID when the right root is given with --trust (extraTrustPem), and with openssl/pdfsig trusting it', async () => {
    const r = await t.app.verify(foreign, { offline: true, extraTrustPem: other.rootPem });
    expect(r.verdict).toBe('VALID');
    expect(opensslVerifyPdf(foreign, other.rootPem, 'tamper-foreign-ca-trusted').status).toBe(0);
    const otherNss = nssTrusting(`${scratch.dir}/other-nss`, other.rootPem);
    expect(pdfsig(otherNss, foreignFile)).toContain('Certificate is Trusted.');
  });

  it('a wrong --trust root does not help', async () => {
    const r = await t.app.verify(foreign, { offline: true, extraTrustPem: t.rootPem });
    expect(r.verdict).toBe('UNTRUSTED');
  });

  it('the genuine document of our own instance is UNTRUSTED for the other instance', async () => {
    expect((await other.app.verify(genuine, { offline: true })).verdict).toBe('UNTRUSTED');
  });
});

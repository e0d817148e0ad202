/**
 * The agency key algorithms ekasarn offers: after `createDevSigningKey` swaps the demo agency's key, the next
 * document is signed with the new key and pdfsig, openssl and our engine all accept it. Documents issued before the
 * swap stay valid (the old certificate still chains to the same root).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import type { IssueResult } from '../../src/issuance/issue-document.js';
import { PDFSIG_GOOD, artifact, bundledTypes, nssTrusting, opensslVerifyPdf, pdfsig, scratchDir, signerCertificateText } from './tools.js';

const { typeId, sample } = bundledTypes()[0]!;

/** What `openssl pkcs7 -print_certs -text` prints for the signer certificate's key. */
const KEY_TEXT: Record<string, RegExp[]> = {
  'RSA-2048': [/Public Key Algorithm: rsaEncryption/, /Public-Key: \(2048 bit\)/],
  'RSA-3072': [/Public Key Algorithm: rsaEncryption/, /Public-Key: \(3072 bit\)/],
  'P-256': [/Public Key Algorithm: id-ecPublicKey/, /ASN1 OID: prime256v1/],
};

describe('agency key algorithms (sqlite)', () => {
  let t: TestApp;
  let nss: string;
  let first: IssueResult;
  const scratch = scratchDir('keys');

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    nss = nssTrusting(scratch.dir, t.rootPem);
    first = await t.app.issueAsAgency('demo', typeId, sample);
  });
  afterAll(async () => {
    await t?.destroy();
    scratch.remove();
  });

  it('the default demo key is RSA-2048', () => {
    for (const re of KEY_TEXT['RSA-2048']!) expect(signerCertificateText(first.pdf)).toMatch(re);
  });

  for (const alg of ['RSA-2048', 'RSA-3072', 'P-256']) {
    it(`${alg}: a document issued after the key swap verifies with pdfsig, openssl and our engine`, async () => {
      const swapStarted = performance.now();
      const { lines } = await t.app.createDevSigningKey('demo', alg);
      const swapMs = performance.now() - swapStarted;
      expect(lines.join('\n')).toContain(alg);
      const issueStarted = performance.now();
      const issued = await t.app.issueAsAgency('demo', typeId, sample);
      console.info(`[conformance] ${alg}: key created in ${swapMs.toFixed(0)} ms, first document in ${(performance.now() - issueStarted).toFixed(0)} ms`);
      const label = `key-${alg}`;
      const file = artifact(`${label}.pdf`, issued.pdf);

      const certText = signerCertificateText(issued.pdf);
      for (const re of KEY_TEXT[alg]!) expect(certText).toMatch(re);

      const report = pdfsig(nss, file);
      for (const needle of PDFSIG_GOOD) expect(report, report).toContain(needle);

      const cms = opensslVerifyPdf(issued.pdf, t.rootPem, label);
      expect(cms.status, cms.output).toBe(0);

      const ours = await t.app.verify(issued.pdf);
      expect(ours.verdict, JSON.stringify(ours.signatures[0]?.checks)).toBe('VALID');
    });
  }

  it('the document issued before the swaps is still VALID (old certificate, same root)', async () => {
    const report = await t.app.verify(first.pdf);
    expect(report.verdict).toBe('VALID');
    const sig = pdfsig(nss, artifact('key-before-swap.pdf', first.pdf));
    expect(sig).toContain('Signature is Valid.');
    expect(sig).toContain('Certificate is Trusted.');
  });

  it('an unknown algorithm is refused with a message naming the choices', async () => {
    await expect(t.app.createDevSigningKey('demo', 'RSA-1024')).rejects.toThrow(/RSA-2048, RSA-3072, RSA-4096, P-256/);
  });
});

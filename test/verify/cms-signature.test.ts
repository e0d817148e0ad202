// verifyCmsSignature against CMS made by the openssl CLI (an independent implementation).
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideVerdict, verifyCmsSignature, type Check, type VerifyCmsResult } from '../../src/verify/index.js';
import { makePki, openssl, type Pki } from './helpers/openssl-pki.js';

let pki: Pki;
let rsaCms: Uint8Array;
let ecCms: Uint8Array;

beforeAll(() => {
  pki = makePki();
  rsaCms = pki.sign({ signer: 'signer-rsa.pem', key: 'signer-rsa.key' });
  ecCms = pki.sign({ signer: 'signer-ec.pem', key: 'signer-ec.key' });
});
afterAll(() => pki?.cleanup());

/** Re-encode the outer SEQUENCE with BER indefinite length (30 80 … 00 00): same meaning, not DER. */
function toIndefiniteLength(der: Uint8Array): Uint8Array {
  expect(der[0]).toBe(0x30);
  const lenBytes = der[1]! & 0x80 ? 1 + (der[1]! & 0x7f) : 1;
  const content = der.subarray(1 + lenBytes);
  return new Uint8Array([0x30, 0x80, ...content, 0, 0]);
}

const byId = (r: VerifyCmsResult, id: string): Check => {
  const c = r.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
};
const failedIds = (r: VerifyCmsResult) => r.checks.filter((c) => c.status === 'failed').map((c) => c.id);
const verify = (cms: Uint8Array, over: Partial<Parameters<typeof verifyCmsSignature>[0]> = {}) =>
  verifyCmsSignature({ cms, signedContent: [pki.data], trustRoots: [pki.rootDer], ...over });

describe('valid signatures', () => {
  it('openssl itself accepts the test material (independent check)', () => {
    for (const [cms, name] of [[rsaCms, 'rsa'], [ecCms, 'ec']] as const) {
      const file = `${pki.dir}/valid-${name}.der`;
      writeFileSync(file, cms);
      openssl(pki.dir, ['cms', '-verify', '-binary', '-inform', 'DER', '-in', file, '-content', 'data.bin', '-CAfile', 'root.pem', '-purpose', 'any', '-out', '/dev/null']);
    }
  });

  it.each([
    ['RSA-2048', () => rsaCms, 'RSA PKCS#1 v1.5 with SHA-256, 2048-bit key'],
    ['ECDSA P-256', () => ecCms, 'ECDSA with SHA-256, 256-bit key'],
  ])('%s: every check passes; signing-time is only a warning', async (_name, cms, algLabel) => {
    const r = await verify(cms());
    expect(failedIds(r)).toEqual([]);
    expect(r.checks.filter((c) => c.status === 'skipped')).toEqual([]);
    expect(byId(r, 'pades.no-signing-time').status).toBe('warning'); // openssl always adds signing-time
    expect(byId(r, 'cms.signature-algorithm').detail).toBe(algLabel);
    expect(decideVerdict(r.checks)).toBe('VALID');
    expect(r.chain).toHaveLength(3);
    expect(r.chain![2]).toContain('Ekasarn Test Root CA');
  });

  it('reports the signer, with a fingerprint equal to openssl’s', async () => {
    const r = await verify(rsaCms);
    const fp = openssl(pki.dir, ['x509', '-in', 'signer-rsa.pem', '-noout', '-fingerprint', '-sha256']).toString();
    expect(r.signer?.sha256).toBe(fp.split('=')[1]!.trim().replace(/:/g, '').toLowerCase());
    expect(r.signer?.commonName).toBe('ผู้ลงนาม ทดสอบ');
    expect(r.signer?.organization).toBe('สำนักงาน ก.พ.ร.');
    expect(r.signer?.serialHex).toBe('1234');
    expect(r.signer?.issuer).toBe('C=TH, O=Ekasarn Test, CN=Ekasarn Issuing CA');
    expect(new Date(r.signer!.notAfter).getTime()).toBeGreaterThan(Date.now());
    expect(r.signerCertificate).toEqual(pki.file('signer-rsa.der'));
  });

  it('accepts a precomputed digest instead of the bytes', async () => {
    const sha256 = new Uint8Array(await crypto.subtle.digest('SHA-256', pki.data as Uint8Array<ArrayBuffer>));
    const r = await verify(rsaCms, { signedContent: { sha256 } });
    expect(decideVerdict(r.checks)).toBe('VALID');
  });

  it('accepts the content split into byte ranges', async () => {
    const d = pki.data;
    const r = await verify(rsaCms, { signedContent: [d.subarray(0, 100), d.subarray(100, 20_000), d.subarray(20_000)] });
    expect(decideVerdict(r.checks)).toBe('VALID');
  });

  it('verifies RSA-PSS, SHA-384 with ECDSA, a subjectKeyIdentifier sid and BER (streamed) output', async () => {
    const variants = {
      pss: pki.sign({ signer: 'signer-rsa.pem', key: 'signer-rsa.key', extra: ['-keyopt', 'rsa_padding_mode:pss'] }),
      sha384: pki.sign({ signer: 'signer-ec.pem', key: 'signer-ec.key', md: 'sha384' }),
      keyid: pki.sign({ signer: 'signer-rsa.pem', key: 'signer-rsa.key', extra: ['-keyid'] }),
      ber: toIndefiniteLength(ecCms),
    };
    expect(variants.ber[1]).toBe(0x80); // indefinite length: exercises the non-DER (asn1js) path
    for (const [name, cms] of Object.entries(variants)) {
      const r = await verify(cms);
      expect({ name, failed: failedIds(r) }).toEqual({ name, failed: [] });
    }
    expect(byId(await verify(variants.pss), 'cms.signature-algorithm').detail).toContain('RSA-PSS with SHA-256');
  });

  it('tolerates the zero padding of a PDF /Contents, but not other trailing bytes', async () => {
    const padded = new Uint8Array(rsaCms.length + 4000);
    padded.set(rsaCms);
    expect(decideVerdict((await verify(padded)).checks)).toBe('VALID');
    padded[rsaCms.length + 10] = 1;
    const r = await verify(padded);
    expect(byId(r, 'cms.parse').status).toBe('failed');
    expect(decideVerdict(r.checks)).toBe('MALFORMED');
  });
});

describe('tampering', () => {
  it('one flipped content byte → message digest fails → TAMPERED', async () => {
    const changed = pki.data.slice();
    changed[12_345]! ^= 0x01;
    const r = await verify(rsaCms, { signedContent: [changed] });
    expect(byId(r, 'cms.message-digest').status).toBe('failed');
    expect(byId(r, 'cms.signature').status).toBe('passed'); // the signed attributes themselves are intact
    expect(decideVerdict(r.checks)).toBe('TAMPERED');
  });

  it('one flipped byte inside the signature value → signature fails → TAMPERED', async () => {
    const cms = rsaCms.slice();
    // No unsigned attributes: the 256-byte RSA signature OCTET STRING ends the structure.
    expect([...cms.subarray(cms.length - 260, cms.length - 256)]).toEqual([0x04, 0x82, 0x01, 0x00]);
    cms[cms.length - 100]! ^= 0x40;
    const r = await verify(cms);
    expect(byId(r, 'cms.signature').status).toBe('failed');
    expect(byId(r, 'cms.message-digest').status).toBe('passed');
    expect(decideVerdict(r.checks)).toBe('TAMPERED');
  });

  it('ECDSA: one flipped byte inside the signature → signature fails', async () => {
    const cms = ecCms.slice();
    cms[cms.length - 5]! ^= 0x01; // inside s of SEQUENCE{r,s}, the last element
    const r = await verify(cms);
    expect(byId(r, 'cms.signature').status).toBe('failed');
    expect(decideVerdict(r.checks)).toBe('TAMPERED');
  });

  it('a certificate swapped for one with the same name, serial and key (issued by a forged CA) → signing-certificate fails', async () => {
    const original = pki.file('signer-rsa.der');
    const swapped = pki.file('swapped.der');
    expect(swapped.length).toBe(original.length); // same length, so the CMS can be patched in place
    expect(swapped).not.toEqual(original);
    const at = Buffer.from(rsaCms).indexOf(Buffer.from(original));
    expect(at).toBeGreaterThan(0);
    const cms = rsaCms.slice();
    cms.set(swapped, at);
    const r = await verify(cms);
    expect(byId(r, 'cms.signature').status).toBe('passed'); // same key: the signature alone cannot tell
    expect(byId(r, 'cms.signing-certificate').status).toBe('failed');
    expect(byId(r, 'cms.signing-certificate').detail).toMatch(/certHash/);
    expect(byId(r, 'chain.trusted').status).toBe('failed'); // the forged issuer's signature does not verify
    expect(decideVerdict(r.checks)).toBe('TAMPERED');
  });
});

describe('trust and certificates', () => {
  it('a root that is not trusted → chain.trusted fails → UNTRUSTED', async () => {
    const r = await verify(rsaCms, { trustRoots: [pki.otherRootDer] });
    expect(byId(r, 'chain.trusted').status).toBe('failed');
    expect(byId(r, 'chain.trusted').detail).toContain('Ekasarn Test Root CA');
    expect(byId(r, 'cms.signature').status).toBe('passed');
    expect(decideVerdict(r.checks)).toBe('UNTRUSTED');
  });

  it('no trust roots at all, or garbage among them → UNTRUSTED with a reason, no throw', async () => {
    const none = await verify(rsaCms, { trustRoots: [] });
    expect(byId(none, 'chain.trusted').detail).toContain('no trusted roots');
    const junk = await verify(rsaCms, { trustRoots: [new Uint8Array([1, 2, 3])] });
    expect(byId(junk, 'chain.trusted').detail).toContain('trustRoots[0]');
    expect(decideVerdict(junk.checks)).toBe('UNTRUSTED');
  });

  it('the intermediate missing from the CMS → no path', async () => {
    const cms = pki.sign({ signer: 'signer-rsa.pem', key: 'signer-rsa.key', certfile: null });
    const r = await verify(cms);
    expect(byId(r, 'chain.trusted').status).toBe('failed');
    expect(byId(r, 'chain.trusted').detail).toMatch(/Ekasarn Issuing CA.*neither in the signature nor among the trusted roots/);
  });

  it('the intermediate given as a trust anchor also works (direct trust)', async () => {
    const cms = pki.sign({ signer: 'signer-rsa.pem', key: 'signer-rsa.key', certfile: null });
    const r = await verify(cms, { trustRoots: [pki.interDer] });
    expect(decideVerdict(r.checks)).toBe('VALID');
    expect(r.chain).toHaveLength(2);
  });

  it('without -cades there is no signing-certificate-v2 → the PAdES check fails', async () => {
    const cms = pki.sign({ signer: 'signer-rsa.pem', key: 'signer-rsa.key', cades: false });
    const r = await verify(cms);
    expect(byId(r, 'pades.signing-certificate-v2').status).toBe('failed');
    expect(byId(r, 'cms.signing-certificate').status).toBe('skipped');
    expect(byId(r, 'cms.signature').status).toBe('passed');
    expect(decideVerdict(r.checks)).toBe('MALFORMED');
  });

  it('an expired signer certificate → chain.validity fails, precisely', async () => {
    const cms = pki.sign({ signer: 'signer-expired.pem', key: 'signer-expired.key' });
    const r = await verify(cms);
    const v = byId(r, 'chain.validity');
    expect(v.status).toBe('failed');
    expect(v.detail).toMatch(/"CN=Expired Signer[^"]*" expired at 2020-12-31T23:59:59\.000Z/);
    expect(byId(r, 'chain.trusted').status).toBe('passed');
    expect(byId(r, 'cms.signature').status).toBe('passed');
    expect(decideVerdict(r.checks)).toBe('INDETERMINATE');
  });

  it('validity is judged at validationTime even when the chain is cached', async () => {
    expect(byId(await verify(rsaCms), 'chain.validity').status).toBe('passed');
    const later = await verify(rsaCms, { validationTime: new Date('2045-01-01T00:00:00Z') });
    expect(byId(later, 'chain.validity').status).toBe('failed');
    expect(byId(later, 'chain.validity').detail).toContain('checked at 2045-01-01');
    const earlier = await verify(rsaCms, { validationTime: new Date('2001-01-01T00:00:00Z') });
    expect(byId(earlier, 'chain.validity').detail).toContain('is not valid before');
    expect(byId(await verify(rsaCms), 'chain.validity').status).toBe('passed');
  });

  it('a signer certificate without digitalSignature/nonRepudiation → key usage fails → UNTRUSTED', async () => {
    const cms = pki.sign({ signer: 'signer-keyenc.pem', key: 'signer-keyenc.key' });
    const r = await verify(cms);
    expect(byId(r, 'chain.signer-key-usage').status).toBe('failed');
    expect(decideVerdict(r.checks)).toBe('UNTRUSTED');
  });

  it('SHA-1 → digest algorithm refused', async () => {
    const cms = pki.sign({ signer: 'signer-rsa.pem', key: 'signer-rsa.key', md: 'sha1' });
    const r = await verify(cms);
    expect(byId(r, 'cms.digest-algorithm').status).toBe('failed');
    expect(byId(r, 'cms.digest-algorithm').detail).toContain('SHA-1');
    expect(byId(r, 'cms.signature').status).toBe('skipped');
    expect(decideVerdict(r.checks)).toBe('INDETERMINATE');
  });
});

describe('malformed input never throws', () => {
  it.each([
    ['random bytes', () => crypto.getRandomValues(new Uint8Array(700))],
    ['empty', () => new Uint8Array(0)],
    ['truncated CMS', () => rsaCms.subarray(0, rsaCms.length - 300)],
    ['a certificate instead of a CMS', () => pki.rootDer],
    ['not a Uint8Array', () => 'MIIB' as unknown as Uint8Array],
  ])('%s → cms.parse failed, MALFORMED', async (_n, make) => {
    const r = await verify(make());
    expect(byId(r, 'cms.parse').status).toBe('failed');
    expect(r.checks.filter((c) => c.status === 'passed')).toEqual([]);
    expect(decideVerdict(r.checks)).toBe('MALFORMED');
  });

  it('content embedded in the CMS (openssl -stream) → cms.detached failed', async () => {
    const cms = pki.sign({ signer: 'signer-ec.pem', key: 'signer-ec.key', extra: ['-stream'] });
    const r = await verify(cms);
    expect(byId(r, 'cms.detached').status).toBe('failed');
    expect(decideVerdict(r.checks)).toBe('MALFORMED');
  });

  it('two signers → cms.signer-count failed', async () => {
    const cms = pki.sign({ signer: 'signer-rsa.pem', key: 'signer-rsa.key', extra: ['-signer', 'signer-ec.pem', '-inkey', 'signer-ec.key'] });
    const r = await verify(cms);
    expect(byId(r, 'cms.signer-count').status).toBe('failed');
    expect(decideVerdict(r.checks)).toBe('MALFORMED');
  });

  it('a bad signedContent argument → message digest cannot be checked → INDETERMINATE, not VALID', async () => {
    const r = await verify(rsaCms, { signedContent: { sha512: new Uint8Array(64) } });
    expect(byId(r, 'cms.message-digest').status).toBe('failed');
    expect(byId(r, 'cms.message-digest').onFailure).toBe('INDETERMINATE');
    expect(decideVerdict(r.checks)).toBe('INDETERMINATE');
    const r2 = await verify(rsaCms, { signedContent: [42 as unknown as Uint8Array] });
    expect(byId(r2, 'cms.message-digest').detail).toContain('signedContent[0]');
  });

  it('500 single-byte mutations of a valid CMS: no throw, always a verdict', async () => {
    let notValid = 0;
    for (let i = 0; i < 500; i++) {
      const cms = ecCms.slice();
      const at = Math.floor(Math.random() * cms.length);
      cms[at]! ^= 1 << Math.floor(Math.random() * 8);
      const r = await verify(cms);
      expect(r.checks.length).toBeGreaterThan(10);
      if (decideVerdict(r.checks) !== 'VALID') notValid++;
    }
    // Only unsigned bookkeeping bytes (e.g. the SignedData digestAlgorithms set or version) can change harmlessly.
    expect(notValid).toBeGreaterThan(450);
  });
});

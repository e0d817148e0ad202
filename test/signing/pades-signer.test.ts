/**
 * The PAdES B-B CMS, checked by OpenSSL (signature, chain, detached content) and by an independent parse with pkijs
 * (attributes: signing-certificate-v2 present with the right hash and issuerSerial, signing-time absent).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PadesSigner,
  createDevIntermediateCa,
  createDevRootCa,
  issueAgencySigningCertificate,
  type DevCa,
  type KeyAlgorithm,
} from '../../src/signing/index.js';
import { cmsVerify, opensslOk, scratchDir, write } from './tools.js';

const SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
const SIGNING_TIME = '1.2.840.113549.1.9.5';

function parseSignedData(cms: Uint8Array): pkijs.SignedData {
  const contentInfo = pkijs.ContentInfo.fromBER(cms.slice().buffer);
  expect(contentInfo.contentType).toBe('1.2.840.113549.1.7.2');
  return new pkijs.SignedData({ schema: contentInfo.content });
}

let root: DevCa;
beforeAll(async () => {
  root = await createDevRootCa();
});

describe.each<KeyAlgorithm>(['RSA-2048', 'RSA-3072', 'P-256'])('PadesSigner with %s', (keyAlgorithm) => {
  it('produces a detached CMS that openssl verifies, and rejects a changed byte', async () => {
    const identity = await issueAgencySigningCertificate(root, {
      agencyNameEn: 'Department of Provincial Administration',
      agencyNameTh: 'กรมการปกครอง',
      keyAlgorithm,
    });
    const signer = await PadesSigner.create(identity);
    const content = new Uint8Array(randomBytes(20_000));
    const cms = await signer.signDigest(new Uint8Array(createHash('sha256').update(content).digest()));
    expect(cms.length).toBeLessThanOrEqual(signer.maxCmsLength());

    const dir = scratchDir('cms');
    write(dir, 'sig.der', cms);
    write(dir, 'data.bin', content);
    write(dir, 'root.pem', root.certificatePem);
    const good = cmsVerify(dir, 'sig.der', 'data.bin', 'root.pem');
    expect(good.stderr).toMatch(/CMS Verification successful/);
    expect(good.ok).toBe(true);

    const tampered = content.slice();
    tampered[12_345] = tampered[12_345]! ^ 0x01;
    write(dir, 'tampered.bin', tampered);
    const bad = cmsVerify(dir, 'sig.der', 'tampered.bin', 'root.pem');
    expect(bad.ok).toBe(false);
    expect(bad.stderr).toMatch(/verification failure|content verify error/i);

    // OpenSSL's own dump: the ESS attribute is there, signing-time is not, content is detached.
    const dump = opensslOk(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'sig.der'], { cwd: dir });
    expect(dump).toContain(`(${SIGNING_CERTIFICATE_V2})`);
    expect(dump).not.toContain(SIGNING_TIME + ')');
    expect(dump).not.toMatch(/signingTime/);
    expect(dump).toMatch(/eContent: <ABSENT>/);
  });

  it('carries signing-certificate-v2 with certHash = SHA-256(cert) and the issuer/serial of the signer', async () => {
    const identity = await issueAgencySigningCertificate(root, { agencyNameEn: 'Test Agency', keyAlgorithm });
    const signer = await PadesSigner.create(identity);
    const cms = await signer.signContent(new TextEncoder().encode('hello'));
    const signedData = parseSignedData(cms);

    expect(signedData.version).toBe(1);
    expect(signedData.encapContentInfo.eContentType).toBe('1.2.840.113549.1.7.1');
    expect(signedData.encapContentInfo.eContent).toBeUndefined();
    expect(signedData.certificates).toHaveLength(1); // root left out by default
    const signerInfo = signedData.signerInfos[0]!;
    expect(signerInfo.version).toBe(1);
    expect(signerInfo.sid).toBeInstanceOf(pkijs.IssuerAndSerialNumber);
    expect(signerInfo.digestAlgorithm.algorithmId).toBe('2.16.840.1.101.3.4.2.1');
    expect(signerInfo.signatureAlgorithm.algorithmId).toBe(
      keyAlgorithm === 'P-256' ? '1.2.840.10045.4.3.2' : '1.2.840.113549.1.1.11',
    );

    const types = signerInfo.signedAttrs!.attributes.map((a) => a.type);
    expect(types.sort()).toEqual(['1.2.840.113549.1.9.16.2.47', '1.2.840.113549.1.9.3', '1.2.840.113549.1.9.4'].sort());
    expect(types).not.toContain(SIGNING_TIME);
    expect(signerInfo.unsignedAttrs).toBeUndefined();

    const attribute = signerInfo.signedAttrs!.attributes.find((a) => a.type === SIGNING_CERTIFICATE_V2)!;
    expect(attribute.values).toHaveLength(1);
    // SigningCertificateV2 → certs → ESSCertIDv2 { certHash, issuerSerial } (hashAlgorithm omitted = SHA-256).
    const certs = (attribute.values[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    expect(certs.valueBlock.value).toHaveLength(1);
    const essCertIdV2 = certs.valueBlock.value[0] as asn1js.Sequence;
    const [certHash, issuerSerial] = essCertIdV2.valueBlock.value as [asn1js.OctetString, asn1js.Sequence];
    expect(essCertIdV2.valueBlock.value).toHaveLength(2);
    expect(certHash).toBeInstanceOf(asn1js.OctetString);
    expect(Buffer.from(certHash.valueBlock.valueHexView).toString('hex')).toBe(
      createHash('sha256').update(identity.certificate).digest('hex'),
    );
    const cert = pkijs.Certificate.fromBER(identity.certificate.slice().buffer);
    const [generalNames, serial] = issuerSerial.valueBlock.value as [asn1js.Sequence, asn1js.Integer];
    const directoryName = generalNames.valueBlock.value[0] as asn1js.Constructed;
    expect(directoryName.idBlock.tagClass).toBe(3); // context-specific
    expect(directoryName.idBlock.tagNumber).toBe(4); // [4] directoryName
    expect(Buffer.from(directoryName.valueBlock.value[0]!.toBER()).equals(Buffer.from(cert.issuer.toSchema().toBER()))).toBe(true);
    expect(serial.isEqual(cert.serialNumber)).toBe(true);

    // pkijs verifies the signature over the signed attributes and the detached content.
    const verified = await signedData.verify({ signer: 0, data: new TextEncoder().encode('hello').buffer as ArrayBuffer, checkChain: false });
    expect(verified).toBe(true);
  });
});

describe('PadesSigner chain handling', () => {
  it('includes intermediates, leaves out the root unless asked, and openssl builds the path to the root', async () => {
    const issuing = await createDevIntermediateCa(root);
    const identity = await issueAgencySigningCertificate(issuing, { agencyNameEn: 'Chain Agency', keyAlgorithm: 'P-256' });
    expect(identity.chain).toHaveLength(2);

    const withoutRoot = await PadesSigner.create(identity);
    expect(withoutRoot.certificates).toHaveLength(2);
    expect(Buffer.from(withoutRoot.certificates[1]!).equals(Buffer.from(issuing.certificate))).toBe(true);
    const withRoot = await PadesSigner.create(identity, { includeRoot: true });
    expect(withRoot.certificates).toHaveLength(3);

    const content = new Uint8Array(randomBytes(1000));
    const dir = scratchDir('chain');
    write(dir, 'data.bin', content);
    write(dir, 'root.pem', root.certificatePem);
    write(dir, 'sig.der', await withoutRoot.signContent(content));
    expect(cmsVerify(dir, 'sig.der', 'data.bin', 'root.pem').ok).toBe(true);
    const certs = opensslOk(['pkcs7', '-print_certs', '-inform', 'DER', '-in', 'sig.der'], { cwd: dir });
    expect(certs.match(/subject=/g)).toHaveLength(2);
  });

  it('rejects a digest that is not 32 bytes with a clear error', async () => {
    const identity = await issueAgencySigningCertificate(root, { agencyNameEn: 'Input Agency', keyAlgorithm: 'P-256' });
    const signer = await PadesSigner.create(identity);
    await expect(signer.signDigest(new Uint8Array(20))).rejects.toThrow(/contentDigest: expected the 32-byte SHA-256 digest/);
  });
});

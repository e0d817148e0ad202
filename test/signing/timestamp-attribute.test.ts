/**
 * The hook for PAdES B-T: a real RFC 3161 token from `openssl ts -reply` over the CMS signature value is added as
 * the signatureTimeStampToken unsigned attribute; the signature still verifies and the token verifies against the
 * signature value it now sits next to.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import {
  PadesSigner,
  addSignatureTimeStampToken,
  createDevRootCa,
  issueAgencySigningCertificate,
  signatureValueOf,
} from '../../src/signing/index.js';
import { cmsVerify, opensslOk, read, scratchDir, write } from './tools.js';

const TST_ATTRIBUTE = '1.2.840.113549.1.9.16.2.14';

const TSA_CONFIG = `
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = ./tsaserial
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256
ess_cert_id_alg = sha256
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
`;

describe('addSignatureTimeStampToken', () => {
  it('adds an openssl-made timestamp token that openssl accepts, without disturbing the signature', async () => {
    const root = await createDevRootCa();
    const identity = await issueAgencySigningCertificate(root, { agencyNameEn: 'Timestamped Agency', keyAlgorithm: 'RSA-2048' });
    const signer = await PadesSigner.create(identity);
    const content = new Uint8Array(randomBytes(4096));
    const cms = await signer.signContent(content);

    const dir = scratchDir('tst');
    write(dir, 'data.bin', content);
    write(dir, 'root.pem', root.certificatePem);
    write(dir, 'ts.cnf', TSA_CONFIG);
    write(dir, 'tsaserial', '01\n');
    // A throwaway self-signed TSA: critical EKU timeStamping is what `openssl ts -reply` insists on.
    opensslOk(
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'tsa.key', '-out', 'tsa.pem',
        '-days', '2', '-subj', '/CN=ekasarn test TSA', '-addext', 'extendedKeyUsage=critical,timeStamping',
        '-addext', 'keyUsage=critical,digitalSignature'],
      { cwd: dir },
    );
    write(dir, 'sigvalue.bin', signatureValueOf(cms));
    opensslOk(['ts', '-query', '-data', 'sigvalue.bin', '-sha256', '-cert', '-out', 'req.tsq'], { cwd: dir });
    opensslOk(
      ['ts', '-reply', '-config', 'ts.cnf', '-queryfile', 'req.tsq', '-signer', 'tsa.pem', '-inkey', 'tsa.key', '-token_out', '-out', 'token.der'],
      { cwd: dir },
    );

    const stamped = addSignatureTimeStampToken(cms, read(dir, 'token.der'));
    write(dir, 'stamped.der', stamped);

    // The original signature bytes are untouched and still verify.
    expect(Buffer.from(signatureValueOf(stamped)).equals(Buffer.from(signatureValueOf(cms)))).toBe(true);
    expect(cmsVerify(dir, 'stamped.der', 'data.bin', 'root.pem').ok).toBe(true);
    const dump = opensslOk(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'stamped.der'], { cwd: dir });
    expect(dump).toContain(`(${TST_ATTRIBUTE})`);

    // The embedded token is the same token, and openssl confirms it timestamps this signature value.
    const signedData = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(stamped.slice().buffer).content });
    const unsigned = signedData.signerInfos[0]!.unsignedAttrs!.attributes;
    expect(unsigned.map((a) => a.type)).toEqual([TST_ATTRIBUTE]);
    write(dir, 'embedded.der', new Uint8Array(unsigned[0]!.values[0]!.toBER()));
    expect(createHash('sha256').update(read(dir, 'embedded.der')).digest('hex')).toBe(
      createHash('sha256').update(read(dir, 'token.der')).digest('hex'),
    );
    opensslOk(['ts', '-verify', '-data', 'sigvalue.bin', '-in', 'embedded.der', '-token_in', '-CAfile', 'tsa.pem'], { cwd: dir });

    // A second call merges into the existing unsigned attributes rather than adding a second [1] field.
    const twice = addSignatureTimeStampToken(stamped, read(dir, 'token.der'));
    const again = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(twice.slice().buffer).content });
    expect(again.signerInfos[0]!.unsignedAttrs!.attributes).toHaveLength(2);
  });

  it('rejects something that is not a DER token', () => {
    expect(() => addSignatureTimeStampToken(new Uint8Array([0x30, 0x00]), new Uint8Array([0x04, 0x01, 0x00]))).toThrow(
      /timeStampToken: not a single DER SEQUENCE/,
    );
  });
});

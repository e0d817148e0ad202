/**
 * Issues a development time-stamping certificate from the development CA, with the profile RFC 3161 §2.3 demands:
 * extended key usage id-kp-timeStamping only, marked critical; key usage digitalSignature + nonRepudiation,
 * critical. Isomorphic (WebCrypto + @peculiar/x509).
 */
import { bufferSource } from '../../signing/bytes.js';
import { DEV_AGENCY_ORGANIZATION, type DevCa } from '../../signing/dev-ca/dev-ca.js';
import { randomSerialHex } from '../../signing/dev-ca/random-serial.js';
import { x509 } from '../../signing/dev-ca/x509-setup.js';
import { readCertificateFields } from '../../signing/identity/certificate-fields.js';
import { generateSigningKey } from '../../signing/identity/generate-signing-key.js';
import { assertKeyAlgorithm, isRsa, type KeyAlgorithm } from '../../signing/identity/key-algorithms.js';
import type { SigningIdentity } from '../../signing/identity/signing-identity.js';
import { TimestampError } from '../errors.js';
import { TSP_OID } from '../oids.js';

export const DEV_TSA_NAME = 'ekasarn DEVELOPMENT TSA - NOT FOR PRODUCTION';

const DAY_MS = 86_400_000;
/** Same backdating as the dev CA: a verifier whose clock lags a little must not see "not yet valid". */
const BACKDATE_MS = 5 * 60_000;

export interface TsaCertificateOptions {
  /** Common name (≤ 64 characters). Default DEV_TSA_NAME. */
  name?: string;
  /** Default: the CA's key algorithm. P-256 signs tokens ~10× faster than RSA-2048. */
  keyAlgorithm?: KeyAlgorithm;
  /** Default 730, capped at the CA's own expiry. */
  validityDays?: number;
}

export type TsaIdentity = SigningIdentity & { publicKey: CryptoKey };

export async function issueTsaCertificate(ca: DevCa, options: TsaCertificateOptions = {}): Promise<TsaIdentity> {
  if (!ca || !(ca.certificate instanceof Uint8Array) || !ca.privateKey) throw new TimestampError('invalid_input', 'ca: expected a DevCa (certificate, privateKey, keyAlgorithm, chain)');
  const caAlgorithm = assertKeyAlgorithm(ca.keyAlgorithm, 'ca.keyAlgorithm');
  const name = options.name ?? DEV_TSA_NAME;
  if (typeof name !== 'string' || name.trim() === '' || [...name].length > 64 || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new TimestampError('invalid_input', 'name: expected 1–64 printable characters');
  }
  const keyAlgorithm = assertKeyAlgorithm(options.keyAlgorithm ?? caAlgorithm);
  const days = options.validityDays ?? 730;
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new TimestampError('invalid_input', `validityDays: expected an integer from 1 to 3650, got ${JSON.stringify(options.validityDays)}`);

  const keys = await generateSigningKey(keyAlgorithm);
  const caCert = new x509.X509Certificate(bufferSource(ca.certificate));
  const caKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const notBefore = new Date(Date.now() - BACKDATE_MS);
  const notAfter = new Date(Math.min(notBefore.getTime() + days * DAY_MS, caCert.notAfter.getTime()));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject: new x509.Name([{ C: [{ printableString: 'TH' }] }, { O: [{ utf8String: DEV_AGENCY_ORGANIZATION }] }, { CN: [{ utf8String: name.trim() }] }]),
    // Byte-identical to the CA's subject so issuer matching never depends on string-type normalisation.
    issuer: new x509.Name(bufferSource(readCertificateFields(ca.certificate).subjectDer)),
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: isRsa(caAlgorithm) ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, false),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
      new x509.ExtendedKeyUsageExtension([TSP_OID.kpTimeStamping], true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      caKeyId ? new x509.AuthorityKeyIdentifierExtension(caKeyId) : await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey),
    ],
  });
  return {
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    certificate: new Uint8Array(cert.rawData),
    chain: [ca.certificate, ...ca.chain],
    keyAlgorithm,
  };
}

/**
 * A development certificate authority: lets ekasarn issue signed documents end-to-end on a laptop or in CI without
 * a real CA. Every name it writes says DEVELOPMENT / NOT FOR PRODUCTION so such documents cannot be mistaken for
 * real ones. Isomorphic (WebCrypto + @peculiar/x509).
 */
import { bufferSource } from '../bytes.js';
import { readCertificateFields } from '../identity/certificate-fields.js';
import { generateSigningKey } from '../identity/generate-signing-key.js';
import { assertKeyAlgorithm, importParams, isRsa, type KeyAlgorithm } from '../identity/key-algorithms.js';
import type { SigningIdentity } from '../identity/signing-identity.js';
import { encodeCertificatePem } from '../pem.js';
import { randomSerialHex } from './random-serial.js';
import { revocationPointerExtensions, type RevocationPointers } from './revocation-pointers.js';
import { x509 } from './x509-setup.js';

export interface DevCa {
  /** DER of this CA's certificate. */
  certificate: Uint8Array;
  certificatePem: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  keyAlgorithm: KeyAlgorithm;
  /** Certificates above this CA, issuer first, ending with the root. Empty for a root CA. */
  chain: Uint8Array[];
}

export type { RevocationPointers } from './revocation-pointers.js';

export const DEV_ROOT_CA_NAME = 'ekasarn DEVELOPMENT Root CA - NOT FOR PRODUCTION';
export const DEV_ORGANIZATION = 'ekasarn development';
export const DEV_AGENCY_ORGANIZATION = 'ekasarn DEVELOPMENT - NOT FOR PRODUCTION';

const DAY_MS = 86_400_000;
/** Start validity a little in the past so a verifier whose clock lags slightly does not see "not yet valid". */
const BACKDATE_MS = 5 * 60_000;

/** X.520 upper bound for commonName / organizationName / organizationalUnitName. */
const MAX_NAME_LENGTH = 64;

function checkName(value: unknown, field: string, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${field}: expected a non-empty string`);
  const trimmed = value.trim();
  if ([...trimmed].length > MAX_NAME_LENGTH) throw new Error(`${field}: at most ${MAX_NAME_LENGTH} characters (X.520), got ${[...trimmed].length}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new Error(`${field}: must not contain control characters`);
  return trimmed;
}

function signingAlgorithm(alg: KeyAlgorithm): Algorithm | EcdsaParams {
  return isRsa(alg) ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as Algorithm : { name: 'ECDSA', hash: 'SHA-256' };
}

/** Builds a Name with explicit string types: PrintableString for the country, UTF8String elsewhere (Thai text). */
function name(parts: { C: string; O: string; OU?: string; CN: string }): x509.Name {
  const json: x509.JsonNameParams = [{ C: [{ printableString: parts.C }] }, { O: [{ utf8String: parts.O }] }];
  if (parts.OU) json.push({ OU: [{ utf8String: parts.OU }] });
  json.push({ CN: [{ utf8String: parts.CN }] });
  return new x509.Name(json);
}

const der = (cert: x509.X509Certificate): Uint8Array => new Uint8Array(cert.rawData);

function keyAlgorithmOfCa(ca: DevCa): KeyAlgorithm {
  if (!ca || !(ca.certificate instanceof Uint8Array) || !ca.privateKey) throw new TypeError('ca: expected a DevCa');
  return assertKeyAlgorithm(ca.keyAlgorithm, 'ca.keyAlgorithm');
}

/** Creates a self-signed development root CA valid for `validityYears` (default 10). */
export async function createDevRootCa(options: { commonName?: string; keyAlgorithm?: KeyAlgorithm; validityYears?: number } = {}): Promise<DevCa> {
  const commonName = checkName(options.commonName ?? DEV_ROOT_CA_NAME, 'commonName', true)!;
  const keyAlgorithm = assertKeyAlgorithm(options.keyAlgorithm ?? 'P-256');
  const years = options.validityYears ?? 10;
  if (!Number.isInteger(years) || years < 1 || years > 30) throw new Error('validityYears: expected an integer from 1 to 30');
  const keys = await generateSigningKey(keyAlgorithm);
  const notBefore = new Date(Date.now() - BACKDATE_MS);
  const notAfter = new Date(notBefore.getTime() + years * 365 * DAY_MS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialHex(),
    name: name({ C: 'TH', O: DEV_ORGANIZATION, CN: commonName }),
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: signingAlgorithm(keyAlgorithm),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate: der(cert), certificatePem: encodeCertificatePem(der(cert)), privateKey: keys.privateKey, publicKey: keys.publicKey, keyAlgorithm, chain: [] };
}

interface IssueParams {
  subject: x509.Name;
  publicKey: CryptoKey;
  validityDays: number;
  extensions: x509.Extension[];
}

/** Signs a certificate with `ca`, linking it by issuer name (byte-identical to the CA subject) and key identifier. */
async function issue(ca: DevCa, params: IssueParams): Promise<Uint8Array> {
  const caCert = new x509.X509Certificate(bufferSource(ca.certificate));
  const caKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const authorityKeyId = caKeyId
    ? new x509.AuthorityKeyIdentifierExtension(caKeyId)
    : await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey);
  const notBefore = new Date(Date.now() - BACKDATE_MS);
  // A certificate must not outlive its issuer: verifiers would reject it once the CA expires anyway.
  const notAfter = new Date(Math.min(notBefore.getTime() + params.validityDays * DAY_MS, caCert.notAfter.getTime()));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject: params.subject,
    issuer: new x509.Name(bufferSource(readCertificateFields(ca.certificate).subjectDer)),
    notBefore,
    notAfter,
    publicKey: params.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: signingAlgorithm(keyAlgorithmOfCa(ca)),
    extensions: [...params.extensions, await x509.SubjectKeyIdentifierExtension.create(params.publicKey), authorityKeyId],
  });
  return der(cert);
}

/**
 * Creates an intermediate CA under `parent` (pathLength 0: it may only issue end-entity certificates).
 * `crlUrl` / `ocspUrl` / `caIssuersUrl` point at where `parent` publishes revocation data for this CA certificate.
 */
export async function createDevIntermediateCa(
  parent: DevCa,
  options: { commonName?: string; keyAlgorithm?: KeyAlgorithm; validityDays?: number } & RevocationPointers = {},
): Promise<DevCa> {
  const commonName = checkName(options.commonName ?? 'ekasarn DEVELOPMENT Issuing CA - NOT FOR PRODUCTION', 'commonName', true)!;
  const keyAlgorithm = assertKeyAlgorithm(options.keyAlgorithm ?? parent.keyAlgorithm);
  const keys = await generateSigningKey(keyAlgorithm);
  const certificate = await issue(parent, {
    subject: name({ C: 'TH', O: DEV_ORGANIZATION, CN: commonName }),
    publicKey: keys.publicKey,
    validityDays: validityDays(options.validityDays, 5 * 365),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ...revocationPointerExtensions(options),
    ],
  });
  return {
    certificate,
    certificatePem: encodeCertificatePem(certificate),
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    keyAlgorithm,
    chain: [parent.certificate, ...parent.chain],
  };
}

function validityDays(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 3650) {
    throw new Error(`validityDays: expected an integer from 1 to 3650, got ${JSON.stringify(value)}`);
  }
  return value;
}

export interface AgencyCertificateRequest {
  /** English agency name, e.g. "Department of Provincial Administration" (≤ 64 characters). */
  agencyNameEn: string;
  /** Thai agency name, e.g. "กรมการปกครอง"; becomes the certificate's common name when given. */
  agencyNameTh?: string;
  keyAlgorithm: KeyAlgorithm;
  /** Default 730. Capped at the CA's own expiry. */
  validityDays?: number;
  /** CRL Distribution Point URL (RFC 5280 §4.2.1.13). Default: none. */
  crlUrl?: string;
  /** OCSP responder URL for the Authority Information Access extension. Default: none. */
  ocspUrl?: string;
  /** URL of the issuing CA certificate (AIA caIssuers). Default: none. */
  caIssuersUrl?: string;
}

/** The end-entity certificate and key an agency signs documents with, plus the chain up to the root. */
export type IssuedAgencyIdentity = SigningIdentity & { publicKey: CryptoKey };

/**
 * Issues a document-signing certificate for an agency. Key usage: digitalSignature + nonRepudiation (critical).
 * Extended key usage: documentSigning (RFC 9336) plus emailProtection, because NSS-based readers (poppler, Firefox)
 * reject a signer whose only EKU is documentSigning.
 */
export async function issueAgencySigningCertificate(ca: DevCa, request: AgencyCertificateRequest): Promise<IssuedAgencyIdentity> {
  keyAlgorithmOfCa(ca);
  if (!request || typeof request !== 'object') throw new TypeError('request: expected an object');
  const agencyNameEn = checkName(request.agencyNameEn, 'agencyNameEn', true)!;
  const agencyNameTh = checkName(request.agencyNameTh, 'agencyNameTh', false);
  const keyAlgorithm = assertKeyAlgorithm(request.keyAlgorithm);
  const keys = await generateSigningKey(keyAlgorithm);
  const certificate = await issue(ca, {
    subject: name({
      C: 'TH',
      O: DEV_AGENCY_ORGANIZATION,
      ...(agencyNameTh ? { OU: agencyNameEn, CN: agencyNameTh } : { CN: agencyNameEn }),
    }),
    publicKey: keys.publicKey,
    validityDays: validityDays(request.validityDays, 730),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, false),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.emailProtection, '1.3.6.1.5.5.7.3.36'], false),
      ...revocationPointerExtensions(request),
    ],
  });
  return {
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    certificate,
    chain: [ca.certificate, ...ca.chain],
    keyAlgorithm,
  };
}

/** Imports the public key of a certificate (used when a CA is loaded back from files). */
export async function publicKeyOfCertificate(certificate: Uint8Array, keyAlgorithm: KeyAlgorithm): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('spki', bufferSource(readCertificateFields(certificate).subjectPublicKeyInfoDer), importParams(keyAlgorithm), true, ['verify']);
}

/**
 * Builds a SigningIdentity from PEM text: a private key, the signer certificate (optionally followed by its chain,
 * as in a "fullchain" file) and an optional separate chain bundle. Isomorphic: no file access here.
 */
import { decodeCertificatesPem } from '../pem.js';
import { readCertificateFields } from './certificate-fields.js';
import { importPkcs8PrivateKey, privateKeyPemToPkcs8 } from './import-private-key.js';
import { createSigningIdentity, type SigningIdentity } from './signing-identity.js';

export interface PemIdentityInput {
  /** "PRIVATE KEY" (PKCS#8), "EC PRIVATE KEY" (SEC1) or "RSA PRIVATE KEY" (PKCS#1). */
  privateKeyPem: string;
  /** The signer certificate first; any further certificates are treated as chain. */
  certificatePem: string;
  /** Optional bundle of chain certificates (intermediates, optionally the root), any order. */
  chainPem?: string;
  /** Let the imported key be exported again (default false). */
  extractable?: boolean;
}

export async function loadPemIdentity(input: PemIdentityInput): Promise<SigningIdentity> {
  if (!input || typeof input !== 'object') throw new TypeError('PEM identity: expected an object');
  if (typeof input.privateKeyPem !== 'string') throw new TypeError('privateKeyPem: expected PEM text');
  if (typeof input.certificatePem !== 'string') throw new TypeError('certificatePem: expected PEM text');
  if (input.chainPem !== undefined && typeof input.chainPem !== 'string') throw new TypeError('chainPem: expected PEM text');

  const certificates = decodeCertificatesPem(input.certificatePem, 'certificatePem');
  const [certificate, ...bundled] = certificates;
  if (!certificate) throw new Error('certificatePem: no "BEGIN CERTIFICATE" block found');
  const chain = [...bundled, ...(input.chainPem ? decodeCertificatesPem(input.chainPem, 'chainPem') : [])];

  const fields = readCertificateFields(certificate);
  if (typeof fields.keyAlgorithm !== 'string') throw new Error(`certificatePem: unsupported signer key — ${fields.keyAlgorithm.unsupported}`);
  const pkcs8 = privateKeyPemToPkcs8(input.privateKeyPem);
  const privateKey = await importPkcs8PrivateKey(pkcs8, fields.keyAlgorithm, input.extractable ?? false);
  return createSigningIdentity({ privateKey, certificate, chain });
}

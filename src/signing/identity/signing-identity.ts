/**
 * A signing identity: the private key that signs, its certificate and the certificates above it. Isomorphic — the
 * key is a WebCrypto CryptoKey, so the same type serves Node, workers and (later) PKCS#11-backed keys.
 */
import { bufferSource } from '../bytes.js';
import { readCertificateFields } from './certificate-fields.js';
import { importParams, signParams, type KeyAlgorithm } from './key-algorithms.js';

export interface SigningIdentity {
  privateKey: CryptoKey;
  /** DER of the signer certificate. */
  certificate: Uint8Array;
  /**
   * DER of the certificates above the signer, issuer first (the signer's issuer, then its issuer, …), possibly ending
   * with the root. The CMS builder leaves self-issued (root) certificates out unless asked to include them.
   */
  chain: Uint8Array[];
  keyAlgorithm: KeyAlgorithm;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Orders `candidates` issuer-first starting from `certificate` by following issuer → subject name links. Certificates
 * that are not on the path are kept after it (a PKCS#12 file may carry extras; dropping them silently would surprise).
 * Duplicates of the signer certificate are removed.
 */
export function orderChain(certificate: Uint8Array, candidates: readonly Uint8Array[]): Uint8Array[] {
  const rest = candidates.filter((c) => !sameBytes(c, certificate));
  const ordered: Uint8Array[] = [];
  let current = readCertificateFields(certificate);
  while (!current.selfIssued) {
    const index = rest.findIndex((c) => sameBytes(readCertificateFields(c).subjectDer, current.issuerDer));
    if (index < 0) break;
    const [next] = rest.splice(index, 1);
    ordered.push(next!);
    current = readCertificateFields(next!);
  }
  return [...ordered, ...rest];
}

/**
 * Proves that `privateKey` belongs to the certificate by signing a random probe and verifying it with the
 * certificate's public key. Returns false on a mismatch; throws only when the key cannot be used at all.
 */
export async function privateKeyMatchesCertificate(
  privateKey: CryptoKey,
  certificate: Uint8Array,
  keyAlgorithm: KeyAlgorithm,
): Promise<boolean> {
  const subtle = globalThis.crypto.subtle;
  const spki = readCertificateFields(certificate).subjectPublicKeyInfoDer;
  const publicKey = await subtle.importKey('spki', bufferSource(spki), importParams(keyAlgorithm), false, ['verify']);
  const probe = globalThis.crypto.getRandomValues(new Uint8Array(32));
  let signature: ArrayBuffer;
  try {
    signature = await subtle.sign(signParams(keyAlgorithm), privateKey, probe);
  } catch (error) {
    throw new Error(`private key: cannot sign with it as ${keyAlgorithm} (${(error as Error).message})`);
  }
  return subtle.verify(signParams(keyAlgorithm), publicKey, signature, probe);
}

/**
 * Validates the parts and assembles an identity: the certificate must hold a supported key, the private key must
 * be a signing key of the same type and must match the certificate's public key.
 */
export async function createSigningIdentity(parts: {
  privateKey: CryptoKey;
  certificate: Uint8Array;
  chain?: readonly Uint8Array[];
}): Promise<SigningIdentity> {
  const { privateKey, certificate } = parts;
  if (!(certificate instanceof Uint8Array)) throw new TypeError('certificate: expected DER bytes (Uint8Array)');
  const fields = readCertificateFields(certificate);
  if (typeof fields.keyAlgorithm !== 'string') {
    throw new Error(`certificate: unsupported signer key — ${fields.keyAlgorithm.unsupported}`);
  }
  const keyAlgorithm = fields.keyAlgorithm;
  if (!privateKey || privateKey.type !== 'private') throw new TypeError('privateKey: expected a private CryptoKey');
  if (!privateKey.usages.includes('sign')) throw new Error('privateKey: the key is not usable for "sign"');
  const expectedName = importParams(keyAlgorithm).name;
  if (privateKey.algorithm.name !== expectedName) {
    throw new Error(
      `privateKey: is a ${privateKey.algorithm.name} key but the certificate holds a ${keyAlgorithm} key (expected ${expectedName})`,
    );
  }
  const chain = parts.chain ?? [];
  chain.forEach((c, i) => {
    if (!(c instanceof Uint8Array)) throw new TypeError(`chain[${i}]: expected DER bytes (Uint8Array)`);
    readCertificateFields(c);
  });
  if (!(await privateKeyMatchesCertificate(privateKey, certificate, keyAlgorithm))) {
    throw new Error(
      'private key does not match the certificate: a probe signed with the key does not verify with the certificate\'s public key',
    );
  }
  return { privateKey, certificate, chain: orderChain(certificate, chain), keyAlgorithm };
}

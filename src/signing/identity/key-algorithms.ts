/**
 * The signature key types ekasarn issues documents with, and their WebCrypto parameters. Isomorphic.
 * RSA uses PKCS#1 v1.5 (what every PDF reader validates); ECDSA is on P-256 with SHA-256.
 */

export const KEY_ALGORITHMS = ['RSA-2048', 'RSA-3072', 'RSA-4096', 'P-256'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export function isKeyAlgorithm(value: unknown): value is KeyAlgorithm {
  return typeof value === 'string' && (KEY_ALGORITHMS as readonly string[]).includes(value);
}

export function assertKeyAlgorithm(value: unknown, field = 'keyAlgorithm'): KeyAlgorithm {
  if (!isKeyAlgorithm(value)) {
    throw new Error(`${field}: expected one of ${KEY_ALGORITHMS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export const isRsa = (alg: KeyAlgorithm): boolean => alg.startsWith('RSA-');

/** Parameters for importKey / generateKey. */
export function importParams(alg: KeyAlgorithm): RsaHashedImportParams | EcKeyImportParams {
  return isRsa(alg) ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: 'P-256' };
}

/** Parameters for subtle.sign / subtle.verify. */
export function signParams(alg: KeyAlgorithm): AlgorithmIdentifier | EcdsaParams {
  return isRsa(alg) ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash: 'SHA-256' };
}

export function generateParams(alg: KeyAlgorithm): RsaHashedKeyGenParams | EcKeyGenParams {
  if (isRsa(alg)) {
    return {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: Number(alg.slice(4)),
      publicExponent: Uint8Array.of(1, 0, 1),
      hash: 'SHA-256',
    };
  }
  return { name: 'ECDSA', namedCurve: 'P-256' };
}

/** Upper bound of the encoded signature value (the OCTET STRING content) for sizing PDF placeholders. */
export function maxSignatureLength(alg: KeyAlgorithm): number {
  // ECDSA P-256: SEQUENCE(2 + 2×INTEGER(2 + 33)) = 72 bytes at most.
  return isRsa(alg) ? Number(alg.slice(4)) / 8 : 72;
}

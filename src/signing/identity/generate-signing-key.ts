/** Generates a fresh signing key pair with WebCrypto. Isomorphic. */
import { assertKeyAlgorithm, generateParams, type KeyAlgorithm } from './key-algorithms.js';

/**
 * `extractable` defaults to true because a freshly generated key is normally saved (dev CA files, PKCS#12 export);
 * pass false for keys that must never leave the process.
 */
export async function generateSigningKey(keyAlgorithm: KeyAlgorithm, options: { extractable?: boolean } = {}): Promise<CryptoKeyPair> {
  const alg = assertKeyAlgorithm(keyAlgorithm);
  return (await globalThis.crypto.subtle.generateKey(generateParams(alg), options.extractable ?? true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** Exports a private key as PKCS#8 DER (the key must be extractable). */
export async function exportPkcs8(privateKey: CryptoKey): Promise<Uint8Array> {
  if (!privateKey.extractable) throw new Error('private key: not extractable, cannot export it');
  return new Uint8Array(await globalThis.crypto.subtle.exportKey('pkcs8', privateKey));
}

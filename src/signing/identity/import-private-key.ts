/**
 * Imports private keys into WebCrypto. WebCrypto only accepts PKCS#8, so the two other common encodings — SEC1
 * ("EC PRIVATE KEY") and PKCS#1 ("RSA PRIVATE KEY") — are wrapped in a PKCS#8 envelope here, byte-for-byte.
 * Isomorphic.
 */
import { bufferSource } from '../bytes.js';
import { readChildren, readElement } from '../der/der-reader.js';
import { TAG, octetString, oid, sequence } from '../der/der-writer.js';
import { OID } from '../oids.js';
import { decodeSinglePem } from '../pem.js';
import { importParams, isRsa, type KeyAlgorithm } from './key-algorithms.js';

const VERSION_0 = Uint8Array.of(TAG.INTEGER, 1, 0);
const DER_NULL = Uint8Array.of(TAG.NULL, 0);

/** Wraps a SEC1 ECPrivateKey in PKCS#8, taking the curve from its [0] parameters. */
export function sec1ToPkcs8(sec1: Uint8Array): Uint8Array {
  const root = readElement(sec1, 0);
  const params = readChildren(sec1, root).find((e) => e.tag === TAG.CONTEXT_0_CONSTRUCTED);
  if (!params) throw new Error('EC private key: the SEC1 key has no curve parameters; export it as PKCS#8 instead');
  const curve = readElement(sec1, params.contentStart, params.end);
  if (curve.tag !== TAG.OID) throw new Error('EC private key: explicit curve parameters are not supported, use a named curve');
  const curveOid = sec1.subarray(curve.start, curve.end);
  return sequence(VERSION_0, sequence(oid(OID.ecPublicKey), curveOid), octetString(sec1.subarray(root.start, root.end)));
}

/** Wraps a PKCS#1 RSAPrivateKey in PKCS#8. */
export function pkcs1ToPkcs8(pkcs1: Uint8Array): Uint8Array {
  const root = readElement(pkcs1, 0);
  return sequence(VERSION_0, sequence(oid(OID.rsaEncryption), DER_NULL), octetString(pkcs1.subarray(root.start, root.end)));
}

/** Imports PKCS#8 DER as a signing key of the given type. */
export async function importPkcs8PrivateKey(
  pkcs8: Uint8Array,
  keyAlgorithm: KeyAlgorithm,
  extractable = false,
): Promise<CryptoKey> {
  const family = pkcs8KeyFamily(pkcs8);
  const expected = isRsa(keyAlgorithm) ? 'RSA' : 'EC';
  if (family !== expected) {
    throw new Error(`private key does not match the certificate: the key is ${family === 'other' ? 'of an unsupported type' : `an ${family} key`} but the certificate holds a ${keyAlgorithm} key`);
  }
  try {
    return await globalThis.crypto.subtle.importKey('pkcs8', bufferSource(pkcs8), importParams(keyAlgorithm), extractable, ['sign']);
  } catch (error) {
    throw new Error(`private key: cannot import it as a ${keyAlgorithm} signing key (${(error as Error).message})`);
  }
}

/**
 * Decodes a private-key PEM ("PRIVATE KEY", "EC PRIVATE KEY" or "RSA PRIVATE KEY") into PKCS#8 DER.
 * Encrypted keys are refused here; the Node loader decrypts them.
 */
export function privateKeyPemToPkcs8(pem: string): Uint8Array {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem)) {
    throw new Error('private key PEM is encrypted: pass its passphrase (Node loader) or decrypt it first');
  }
  const block = decodeSinglePem(pem, ['PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY'], 'private key PEM');
  if (block.label === 'EC PRIVATE KEY') return sec1ToPkcs8(block.der);
  if (block.label === 'RSA PRIVATE KEY') return pkcs1ToPkcs8(block.der);
  return block.der;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** The key family named in a PKCS#8 PrivateKeyInfo, so a mismatch with the certificate gets a readable error. */
export function pkcs8KeyFamily(pkcs8: Uint8Array): 'RSA' | 'EC' | 'other' {
  const root = readElement(pkcs8, 0);
  const algId = readChildren(pkcs8, root)[1];
  if (!algId || algId.tag !== TAG.SEQUENCE) throw new Error('private key: not a PKCS#8 PrivateKeyInfo');
  const algOid = readChildren(pkcs8, algId)[0];
  if (!algOid || algOid.tag !== TAG.OID) throw new Error('private key: not a PKCS#8 PrivateKeyInfo');
  const encoded = pkcs8.subarray(algOid.start, algOid.end);
  if (sameBytes(encoded, oid(OID.rsaEncryption))) return 'RSA';
  if (sameBytes(encoded, oid(OID.ecPublicKey))) return 'EC';
  return 'other';
}

// Verify one signature with WebCrypto given a SubjectPublicKeyInfo and an algorithm identifier.
// Imported public keys are cached: importKey costs more than an RSA verify.
import * as pkijs from 'pkijs';
import { BoundedCache, asBufferSource, subtle } from '../bytes.js';
import { ALLOWED_DIGESTS, curveOf, ecdsaDerToRaw, signatureSchemeOf, type HashName, type SignatureScheme } from './algorithms.js';
import { OID } from './oids.js';

export type RawVerifyResult =
  | { ok: true; label: string; keyBits?: number }
  | { ok: false; reason: 'bad-signature' | 'unsupported' | 'weak' | 'key-mismatch'; detail: string; label?: string };

/** Minimum RSA modulus we accept (ETSI TS 119 312 / common practice: 2048 bits). */
export const MIN_RSA_BITS = 2048;

const keyCache = new BoundedCache<string, Promise<CryptoKey>>(1024);

function importParams(keyType: 'RSA' | 'EC', scheme: SignatureScheme, hash: HashName, spki: pkijs.PublicKeyInfo): RsaHashedImportParams | EcKeyImportParams | string {
  if (keyType === 'EC') {
    const curve = curveOf(spki);
    if (!curve) return 'EC key on an unsupported curve (P-256, P-384, P-521 are supported)';
    return { name: 'ECDSA', namedCurve: curve.name };
  }
  return { name: scheme.scheme === 'RSA-PSS' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5', hash };
}

async function importKey(spkiDer: Uint8Array, params: RsaHashedImportParams | EcKeyImportParams, cacheId: string): Promise<CryptoKey> {
  const key = `${cacheId}|${params.name}|${'hash' in params ? String(params.hash) : ''}|${'namedCurve' in params ? params.namedCurve : ''}`;
  let p = keyCache.get(key);
  if (!p) {
    p = subtle().importKey('spki', asBufferSource(spkiDer), params, false, ['verify']);
    // Do not cache failures: a transient error must not stick.
    p.catch(() => keyCache.delete(key));
    keyCache.set(key, p);
  }
  return p;
}

function keyTypeOf(spki: pkijs.PublicKeyInfo): 'RSA' | 'EC' | 'other' {
  const oid = spki.algorithm.algorithmId;
  if (oid === OID.rsaEncryption || oid === OID.rsaPss) return 'RSA';
  if (oid === OID.ecPublicKey) return 'EC';
  return 'other';
}

/**
 * @param spkiDer     the public key (DER SubjectPublicKeyInfo)
 * @param spki        the same, parsed
 * @param keyId       a stable id of the key for caching (e.g. the certificate fingerprint)
 * @param algorithm   the signature AlgorithmIdentifier
 * @param hashOverride hash to use when the identifier names none (CMS rsaEncryption / ecPublicKey use the digestAlgorithm)
 */
export async function verifyRawSignature(args: {
  spkiDer: Uint8Array;
  spki: pkijs.PublicKeyInfo;
  keyId: string;
  algorithm: pkijs.AlgorithmIdentifier;
  hashOverride?: HashName | 'MD5' | 'SHA-224';
  signature: Uint8Array;
  data: Uint8Array;
}): Promise<RawVerifyResult> {
  const scheme = signatureSchemeOf(args.algorithm);
  if (typeof scheme === 'string') return { ok: false, reason: 'unsupported', detail: scheme };
  const hash = scheme.hash ?? args.hashOverride;
  if (!hash) return { ok: false, reason: 'unsupported', detail: `${scheme.label}: no hash algorithm given` };
  const label = scheme.hash ? scheme.label : `${scheme.label} with ${hash}`;
  if (!ALLOWED_DIGESTS.has(hash as HashName)) return { ok: false, reason: 'weak', detail: `${label}: ${hash} is not allowed`, label };
  const keyType = keyTypeOf(args.spki);
  if (keyType !== scheme.keyType) {
    return { ok: false, reason: 'key-mismatch', detail: `${label} cannot be verified with a ${keyType} key (${args.spki.algorithm.algorithmId})`, label };
  }
  const params = importParams(keyType, scheme, hash as HashName, args.spki);
  if (typeof params === 'string') return { ok: false, reason: 'unsupported', detail: params, label };

  let key: CryptoKey;
  try {
    key = await importKey(args.spkiDer, params, args.keyId);
  } catch (e) {
    return { ok: false, reason: 'unsupported', detail: `public key could not be imported: ${(e as Error).message}`, label };
  }
  let keyBits: number | undefined;
  if (keyType === 'RSA') {
    keyBits = (key.algorithm as RsaHashedKeyAlgorithm).modulusLength;
    if (keyBits < MIN_RSA_BITS) return { ok: false, reason: 'weak', detail: `RSA key of ${keyBits} bits (minimum ${MIN_RSA_BITS})`, label };
  }

  let signature = args.signature;
  let verifyParams: AlgorithmIdentifier | RsaPssParams | EcdsaParams;
  if (keyType === 'EC') {
    const curve = curveOf(args.spki)!;
    const raw = ecdsaDerToRaw(signature, curve.size);
    if (!raw) return { ok: false, reason: 'bad-signature', detail: `${label}: signature is not a valid DER ECDSA value for ${curve.name}`, label };
    signature = raw;
    keyBits = curve.size * 8;
    verifyParams = { name: 'ECDSA', hash };
  } else if (scheme.scheme === 'RSA-PSS') {
    verifyParams = { name: 'RSA-PSS', saltLength: scheme.saltLength ?? 20 };
  } else {
    verifyParams = { name: 'RSASSA-PKCS1-v1_5' };
  }
  let ok: boolean;
  try {
    ok = await subtle().verify(verifyParams, key, asBufferSource(signature), asBufferSource(args.data));
  } catch (e) {
    return { ok: false, reason: 'bad-signature', detail: `${label}: verification error: ${(e as Error).message}`, label };
  }
  if (!ok) return { ok: false, reason: 'bad-signature', detail: `${label}: signature does not verify with key ${args.keyId.slice(0, 16)}…`, label };
  return keyBits === undefined ? { ok: true, label } : { ok: true, label, keyBits };
}

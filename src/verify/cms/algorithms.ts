// Mapping from CMS/X.509 algorithm identifiers to WebCrypto parameters, and the DER↔raw ECDSA conversion.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from './oids.js';

export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** Digests we accept for new signatures. SHA-1 and MD5 are broken for collision resistance. */
export const ALLOWED_DIGESTS: ReadonlySet<HashName> = new Set(['SHA-256', 'SHA-384', 'SHA-512']);

const DIGEST_BY_OID: Readonly<Record<string, HashName | 'MD5' | 'SHA-224'>> = {
  [OID.md5]: 'MD5',
  [OID.sha1]: 'SHA-1',
  [OID.sha224]: 'SHA-224',
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
};

export function digestNameOf(oid: string): HashName | 'MD5' | 'SHA-224' | undefined {
  return DIGEST_BY_OID[oid];
}

export interface SignatureScheme {
  /** What the key must be. */
  keyType: 'RSA' | 'EC';
  scheme: 'RSASSA-PKCS1-v1_5' | 'RSA-PSS' | 'ECDSA';
  /** Hash named by the algorithm itself; undefined when the identifier is a bare key type (rsaEncryption). */
  hash?: HashName | 'MD5' | 'SHA-224';
  saltLength?: number;
  label: string;
}

/**
 * Understand a signature AlgorithmIdentifier. Returns an explanation string instead of a scheme when the
 * identifier is unknown or its parameters are not ones WebCrypto can verify.
 */
export function signatureSchemeOf(alg: pkijs.AlgorithmIdentifier): SignatureScheme | string {
  const oid = alg.algorithmId;
  switch (oid) {
    case OID.rsaEncryption:
      return { keyType: 'RSA', scheme: 'RSASSA-PKCS1-v1_5', label: 'RSA PKCS#1 v1.5' };
    case OID.md5WithRSA:
      return { keyType: 'RSA', scheme: 'RSASSA-PKCS1-v1_5', hash: 'MD5', label: 'MD5 with RSA' };
    case OID.sha1WithRSA:
      return { keyType: 'RSA', scheme: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1', label: 'SHA-1 with RSA' };
    case OID.sha256WithRSA:
      return { keyType: 'RSA', scheme: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', label: 'SHA-256 with RSA' };
    case OID.sha384WithRSA:
      return { keyType: 'RSA', scheme: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384', label: 'SHA-384 with RSA' };
    case OID.sha512WithRSA:
      return { keyType: 'RSA', scheme: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512', label: 'SHA-512 with RSA' };
    case OID.ecPublicKey:
      return { keyType: 'EC', scheme: 'ECDSA', label: 'ECDSA' };
    case OID.ecdsaWithSha1:
      return { keyType: 'EC', scheme: 'ECDSA', hash: 'SHA-1', label: 'ECDSA with SHA-1' };
    case OID.ecdsaWithSha256:
      return { keyType: 'EC', scheme: 'ECDSA', hash: 'SHA-256', label: 'ECDSA with SHA-256' };
    case OID.ecdsaWithSha384:
      return { keyType: 'EC', scheme: 'ECDSA', hash: 'SHA-384', label: 'ECDSA with SHA-384' };
    case OID.ecdsaWithSha512:
      return { keyType: 'EC', scheme: 'ECDSA', hash: 'SHA-512', label: 'ECDSA with SHA-512' };
    case OID.rsaPss:
      return pssSchemeOf(alg);
    default:
      return `unsupported signature algorithm ${oid}`;
  }
}

function pssSchemeOf(alg: pkijs.AlgorithmIdentifier): SignatureScheme | string {
  if (!(alg.algorithmParams instanceof asn1js.Sequence)) return 'RSA-PSS without parameters (SHA-1 defaults are not accepted)';
  let params: pkijs.RSASSAPSSParams;
  try {
    params = new pkijs.RSASSAPSSParams({ schema: alg.algorithmParams });
  } catch (e) {
    return `RSA-PSS parameters do not parse: ${(e as Error).message}`;
  }
  const hash = digestNameOf(params.hashAlgorithm.algorithmId);
  if (!hash) return `RSA-PSS with unknown hash ${params.hashAlgorithm.algorithmId}`;
  if (params.maskGenAlgorithm.algorithmId !== OID.mgf1) return `RSA-PSS with unknown mask generation ${params.maskGenAlgorithm.algorithmId}`;
  // WebCrypto always uses MGF1 with the same hash as the message; anything else cannot be verified here.
  const mgfParams = params.maskGenAlgorithm.algorithmParams;
  const mgfHashOid = mgfParams instanceof asn1js.Sequence ? new pkijs.AlgorithmIdentifier({ schema: mgfParams }).algorithmId : OID.sha1;
  if (digestNameOf(mgfHashOid) !== hash) return 'RSA-PSS whose MGF1 hash differs from the message hash';
  if (params.trailerField !== 1) return `RSA-PSS trailer field ${params.trailerField} (only 1 is defined)`;
  return { keyType: 'RSA', scheme: 'RSA-PSS', hash, saltLength: params.saltLength, label: `RSA-PSS with ${hash}` };
}

const CURVES: Readonly<Record<string, { name: 'P-256' | 'P-384' | 'P-521'; size: number }>> = {
  [OID.p256]: { name: 'P-256', size: 32 },
  [OID.p384]: { name: 'P-384', size: 48 },
  [OID.p521]: { name: 'P-521', size: 66 },
};

export function curveOf(spki: pkijs.PublicKeyInfo): { name: 'P-256' | 'P-384' | 'P-521'; size: number } | undefined {
  const params = spki.algorithm.algorithmParams;
  if (!(params instanceof asn1js.ObjectIdentifier)) return undefined;
  return CURVES[params.valueBlock.toString()];
}

/**
 * ECDSA signatures in CMS and X.509 are DER SEQUENCE { r INTEGER, s INTEGER }; WebCrypto wants r‖s, each
 * left-padded to the curve size. Returns undefined on any encoding irregularity (strict DER, positive, in range).
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | undefined {
  let pos = 0;
  const readLength = (): number | undefined => {
    const first = der[pos++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    if (first === 0x81) {
      const l = der[pos++];
      return l !== undefined && l >= 0x80 ? l : undefined;
    }
    return undefined; // ECDSA signatures up to P-521 never need more than one length byte
  };
  if (der[pos++] !== 0x30) return undefined;
  const seqLen = readLength();
  if (seqLen === undefined || pos + seqLen !== der.length) return undefined;
  const out = new Uint8Array(size * 2);
  for (let i = 0; i < 2; i++) {
    if (der[pos++] !== 0x02) return undefined;
    const len = readLength();
    if (len === undefined || len === 0 || pos + len > der.length) return undefined;
    let int = der.subarray(pos, pos + len);
    pos += len;
    if (int[0]! & 0x80) return undefined; // negative
    if (int.length > 1 && int[0] === 0 && !(int[1]! & 0x80)) return undefined; // non-minimal encoding
    while (int.length > 1 && int[0] === 0) int = int.subarray(1);
    if (int.length > size) return undefined;
    out.set(int, i * size + (size - int.length));
  }
  return pos === der.length ? out : undefined;
}

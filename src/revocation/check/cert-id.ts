// OCSP CertID (RFC 6960 §4.1.1): which certificate a request or response is about — hashes of the issuer's name
// and public key plus the serial number. Browser-safe.
import * as pkijs from 'pkijs';
import { BoundedCache, bytesEqual, digest } from '../../verify/bytes.js';
import type { ParsedCertificate } from '../../verify/cms/parsed-certificate.js';
import { sequence, tlv, oid, octetString, TAG } from '../../signing/der/der-writer.js';
import { CERT_ID_HASH_OID, certIdHashOf, type CertIdHash } from './revocation-oids.js';
import { serialHexOfBytes } from './der-values.js';

/** The issuer-side half of a CertID for one hash algorithm. */
export interface IssuerHashes {
  hash: CertIdHash;
  nameHash: Uint8Array;
  keyHash: Uint8Array;
}

/** DER of the issuer's subject Name exactly as encoded in its certificate. */
export function subjectNameDer(issuer: ParsedCertificate): Uint8Array {
  return new Uint8Array(issuer.cert.subject.valueBeforeDecode);
}

/** The subjectPublicKey BIT STRING contents (without the unused-bits octet), which issuerKeyHash covers. */
export function publicKeyBits(cert: ParsedCertificate): Uint8Array {
  return cert.cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
}

// Every OCSP request built and every CertID compared needs these two digests of the same few CA certificates.
const hashesCache = new BoundedCache<string, Promise<IssuerHashes>>(256);

export function clearIssuerHashesCache(): void {
  hashesCache.clear();
}

/** The issuer's name and key hashes (remembered per certificate fingerprint and hash; the result is shared, read-only). */
export function issuerHashes(issuer: ParsedCertificate, hash: CertIdHash): Promise<IssuerHashes> {
  const key = `${issuer.fingerprint}|${hash}`;
  let p = hashesCache.get(key);
  if (!p) {
    p = (async () => Object.freeze({ hash, nameHash: await digest(hash, subjectNameDer(issuer)), keyHash: await digest(hash, publicKeyBits(issuer)) }))();
    p.catch(() => hashesCache.delete(key));
    hashesCache.set(key, p);
  }
  return p;
}

/** DER CertID for `serialBytes` (the INTEGER content octets, as in the certificate). */
export function encodeCertId(hashes: IssuerHashes, serialBytes: Uint8Array): Uint8Array {
  // AlgorithmIdentifier with NULL parameters: the form OpenSSL and most responders write for SHA hashes.
  const algorithm = sequence(oid(CERT_ID_HASH_OID[hashes.hash]), Uint8Array.of(TAG.NULL, 0));
  return sequence(algorithm, octetString(hashes.nameHash), octetString(hashes.keyHash), tlv(TAG.INTEGER, serialBytes));
}

/** A CertID read from a request or response, in comparable form. */
export interface CertIdInfo {
  /** undefined when the hash algorithm is not one we support (such an id never matches). */
  hash?: CertIdHash;
  hashOid: string;
  nameHash: Uint8Array;
  keyHash: Uint8Array;
  serialHex: string;
}

export function certIdInfo(id: pkijs.CertID): CertIdInfo {
  const info: CertIdInfo = {
    hashOid: id.hashAlgorithm.algorithmId,
    nameHash: id.issuerNameHash.valueBlock.valueHexView,
    keyHash: id.issuerKeyHash.valueBlock.valueHexView,
    serialHex: serialHexOfBytes(id.serialNumber.valueBlock.valueHexView),
  };
  const hash = certIdHashOf(info.hashOid);
  if (hash) info.hash = hash;
  return info;
}

/**
 * Does `id` name a certificate with serial `serialHex` issued by `issuer`? The name hash may cover either the
 * issuer's subject or the certificate's issuer field (byte-identical in well-formed chains; both are accepted).
 */
export async function certIdMatches(id: CertIdInfo, issuer: ParsedCertificate, serialHex: string, certIssuerDer?: Uint8Array): Promise<boolean> {
  if (!id.hash || id.serialHex !== serialHex) return false;
  const h = await issuerHashes(issuer, id.hash);
  if (!bytesEqual(h.keyHash, id.keyHash)) return false;
  if (bytesEqual(h.nameHash, id.nameHash)) return true;
  return certIssuerDer !== undefined && bytesEqual(await digest(id.hash, certIssuerDer), id.nameHash);
}

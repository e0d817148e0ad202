// Build an OCSP request (RFC 6960 §4.1) for one certificate. Browser-safe.
import { octetString, oid, sequence, tlv } from '../../signing/der/der-writer.js';
import { BoundedCache } from '../../verify/bytes.js';
import { getParsedCertificate } from '../../verify/cms/parsed-certificate.js';
import { encodeCertId, issuerHashes } from './cert-id.js';
import { REVOCATION_OID, type CertIdHash } from './revocation-oids.js';

export interface OcspRequestOptions {
  /** true → 16 random bytes; or the exact nonce (1–32 bytes, RFC 8954). Default: no nonce (responses can be cached). */
  nonce?: boolean | Uint8Array;
  /** Hash for the CertID. Default SHA-1, which every responder understands (RFC 5019). */
  hash?: CertIdHash;
}

// Without a nonce a request depends only on (certificate, issuer, hash): online verification asks the same one each time.
const requestCache = new BoundedCache<string, Uint8Array>(256);

export function clearOcspRequestCache(): void {
  requestCache.clear();
}

/** DER OCSPRequest for `cert` issued by `issuer` (both DER). Returns the request and the nonce it carries. */
export async function buildOcspRequestWithNonce(cert: Uint8Array, issuer: Uint8Array, options: OcspRequestOptions = {}): Promise<{ der: Uint8Array; nonce?: Uint8Array }> {
  const c = await getParsedCertificate(cert);
  const i = await getParsedCertificate(issuer);
  if (c.issuerKey !== i.subjectKey) throw new Error(`issuer: "${i.subjectText}" is not the issuer of "${c.subjectText}" (its issuer is "${c.issuerText}")`);
  const hash = options.hash ?? 'SHA-1';
  if (!['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'].includes(hash)) throw new Error(`hash: expected SHA-1, SHA-256, SHA-384 or SHA-512, got ${JSON.stringify(hash)}`);
  const noNonce = options.nonce === undefined || options.nonce === false;
  const cacheKey = `${c.fingerprint}|${i.fingerprint}|${hash}`;
  const cached = noNonce ? requestCache.get(cacheKey) : undefined;
  if (cached) return { der: cached.slice() };
  const certId = encodeCertId(await issuerHashes(i, hash), c.serialBytes);
  let nonce: Uint8Array | undefined;
  if (options.nonce === true) nonce = globalThis.crypto.getRandomValues(new Uint8Array(16));
  else if (options.nonce instanceof Uint8Array) {
    if (options.nonce.length < 1 || options.nonce.length > 32) throw new Error(`nonce: expected 1 to 32 bytes (RFC 8954), got ${options.nonce.length}`);
    nonce = options.nonce;
  } else if (options.nonce !== undefined && options.nonce !== false) throw new Error('nonce: expected a boolean or a Uint8Array');
  const parts = [sequence(sequence(certId))];
  if (nonce) {
    const nonceExtension = sequence(oid(REVOCATION_OID.ocspNonce), octetString(octetString(nonce)));
    parts.push(tlv(0xa2, sequence(nonceExtension))); // requestExtensions [2] EXPLICIT Extensions
  }
  const der = sequence(sequence(...parts));
  if (noNonce) requestCache.set(cacheKey, der.slice());
  return nonce ? { der, nonce } : { der };
}

/** DER OCSPRequest for `cert` issued by `issuer` (both DER). */
export async function buildOcspRequest(cert: Uint8Array, issuer: Uint8Array, options: OcspRequestOptions = {}): Promise<Uint8Array> {
  return (await buildOcspRequestWithNonce(cert, issuer, options)).der;
}

/**
 * Where relying parties find revocation data for a certificate: the CRL Distribution Points extension (RFC 5280
 * §4.2.1.13) and Authority Information Access (§4.2.2.1, OCSP and caIssuers). Isomorphic.
 */
import { x509 } from './x509-setup.js';

export interface RevocationPointers {
  /** http(s) URL of the CRL that will list this certificate if it is revoked. */
  crlUrl?: string;
  /** http(s) URL of an OCSP responder (RFC 6960) that answers for this certificate. */
  ocspUrl?: string;
  /** http(s) URL where the issuer's certificate can be downloaded (DER). */
  caIssuersUrl?: string;
}

const MAX_URL_LENGTH = 2048;

/**
 * Relying parties fetch these URLs automatically, so only plain http(s) URLs without credentials are accepted
 * (RFC 5280 recommends http for CRLs and OCSP; TLS is avoided there to stop fetch loops, but https is not wrong).
 */
export function checkRevocationUrl(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${field}: expected an http(s) URL string`);
  if (value.length > MAX_URL_LENGTH) throw new Error(`${field}: at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${field}: not a valid URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${field}: expected an http: or https: URL, got ${url.protocol}`);
  if (url.username || url.password) throw new Error(`${field}: must not contain credentials`);
  // An IA5String in the certificate: the URL must be ASCII. URL() already percent-encodes paths and punycodes hosts.
  return url.href;
}

/** Extensions for the given pointers (none when none are given, so certificates without them stay unchanged). */
export function revocationPointerExtensions(pointers: RevocationPointers | undefined): x509.Extension[] {
  if (pointers === undefined) return [];
  if (typeof pointers !== 'object' || pointers === null) throw new TypeError('revocation pointers: expected an object');
  const crlUrl = checkRevocationUrl(pointers.crlUrl, 'crlUrl');
  const ocspUrl = checkRevocationUrl(pointers.ocspUrl, 'ocspUrl');
  const caIssuersUrl = checkRevocationUrl(pointers.caIssuersUrl, 'caIssuersUrl');
  const extensions: x509.Extension[] = [];
  if (crlUrl) extensions.push(new x509.CRLDistributionPointsExtension([crlUrl], false));
  if (ocspUrl || caIssuersUrl) {
    const params: x509.AuthorityInfoAccessParams = {};
    if (ocspUrl) params.ocsp = [ocspUrl];
    if (caIssuersUrl) params.caIssuers = [caIssuersUrl];
    extensions.push(new x509.AuthorityInfoAccessExtension(params, false));
  }
  return extensions;
}

/** Object identifiers for CRLs (RFC 5280) and OCSP (RFC 6960), named as in those RFCs. */
export const REVOCATION_OID = {
  crlNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  authorityKeyIdentifier: '2.5.29.35',
  crlDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  adOcsp: '1.3.6.1.5.5.7.48.1',
  adCaIssuers: '1.3.6.1.5.5.7.48.2',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  kpOcspSigning: '1.3.6.1.5.5.7.3.9',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

export type CertIdHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export const CERT_ID_HASH_OID: Readonly<Record<CertIdHash, string>> = {
  'SHA-1': REVOCATION_OID.sha1,
  'SHA-256': REVOCATION_OID.sha256,
  'SHA-384': REVOCATION_OID.sha384,
  'SHA-512': REVOCATION_OID.sha512,
};

/**
 * Hashes a CertID may use. SHA-1 is fine here: the CertID hashes only identify the issuer (RFC 6960 §4.1.1), and
 * SHA-1 is what most clients, OpenSSL included, send by default.
 */
export function certIdHashOf(oid: string): CertIdHash | undefined {
  for (const [name, o] of Object.entries(CERT_ID_HASH_OID)) if (o === oid) return name as CertIdHash;
  return undefined;
}

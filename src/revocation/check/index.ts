/**
 * Certificate revocation checking (CRL, OCSP) at a point in time. Browser-safe: WebCrypto, pkijs, fetch only.
 */
export { checkRevocation, type RevocationCheckInput, type RevocationResult, type RevocationStatus } from './check-revocation.js';
export { parseCrl, type CrlEntry, type ParsedCrl } from './parse-crl.js';
export { verifyCrl, type RevocationDataVerification } from './verify-crl.js';
export {
  OCSP_RESPONSE_STATUSES,
  parseOcspResponse,
  type OcspCertStatus,
  type OcspResponderId,
  type OcspResponseStatus,
  type OcspSingleResponse,
  type ParsedOcspResponse,
} from './parse-ocsp.js';
export { verifyOcspResponse, type OcspVerification } from './verify-ocsp.js';
export { buildOcspRequest, buildOcspRequestWithNonce, type OcspRequestOptions } from './ocsp-request.js';
export { fetchRevocationData, RevocationFetchError, type FetchRevocationOptions, type RevocationData } from './fetch-revocation-data.js';
export { revocationUrlsOf, type RevocationUrls } from './revocation-urls.js';
export { CRL_REASONS, CRL_REASON_CODES, crlReasonOfCode, isCrlReason, type CrlReason } from './crl-reason.js';
export { certIdMatches, encodeCertId, issuerHashes, type CertIdInfo, type IssuerHashes } from './cert-id.js';
export { normalizeSerialHex, serialHexOfBytes } from './der-values.js';
export { REVOCATION_CHECK_IDS, revocationCheck, type RevocationCheckId } from './revocation-messages.js';
export type { CertIdHash } from './revocation-oids.js';
export { clearRevocationCaches } from './revocation-caches.js';

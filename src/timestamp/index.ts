/**
 * RFC 3161 time-stamping — isomorphic part (browser verifier, workers, Node): requests, responses, token parsing
 * and verification, and the built-in authority. Node-only pieces (HTTP client, HTTP server) are in ./node.ts.
 */
export { TimestampError, type TimestampErrorCode } from './errors.js';
export { IMPRINT_HASHES, TSP_OID, type TimestampHash } from './oids.js';
export { buildTimeStampRequest, parseTimeStampRequest, type BuiltTimeStampRequest, type ParsedTimeStampRequest, type TimeStampRequestOptions } from './request.js';
export { parseTimeStampResponse, parseTimeStampToken, parseTstInfo, type ParsedTimeStampToken, type TimeStampResponse, type TstInfo } from './token.js';
export { TST_CHECK_ORDER, makeTstCheck, verifyTimeStampToken, type VerifyTimeStampInput, type VerifyTimeStampResult } from './verify-token.js';
export { TST_CHECK_MESSAGES, TST_FAILURE_VERDICT, type TstCheckId } from './messages.js';
export {
  DEFAULT_ACCURACY_MS,
  DEFAULT_TSA_POLICY,
  createTimeStampAuthority,
  rejectionResponse,
  type TimeStampAuthority,
  type TimeStampAuthorityOptions,
} from './authority/time-stamp-authority.js';
export { DEV_TSA_NAME, issueTsaCertificate, type TsaCertificateOptions, type TsaIdentity } from './authority/tsa-certificate.js';

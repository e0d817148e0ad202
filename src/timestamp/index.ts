/**
 * RFC 3161 time-stamping — isomorphic part (browser verifier, workers, Node): requests, responses, token parsing
 * and verification, without the authority (./authority/index.ts, which pulls in @peculiar/x509) so the browser verifier stays small.
 * Node-only pieces (HTTP client, HTTP server) are in ./node.ts.
 */
export { TimestampError, type TimestampErrorCode } from './errors.js';
export { IMPRINT_HASHES, TSP_OID, type TimestampHash } from './oids.js';
export { buildTimeStampRequest, parseTimeStampRequest, type BuiltTimeStampRequest, type ParsedTimeStampRequest, type TimeStampRequestOptions } from './request.js';
export { parseTimeStampResponse, parseTimeStampToken, parseTstInfo, type ParsedTimeStampToken, type TimeStampResponse, type TstInfo } from './token.js';
export { TST_CHECK_ORDER, makeTstCheck, verifyTimeStampToken, type VerifyTimeStampInput, type VerifyTimeStampResult } from './verify-token.js';
export { TST_CHECK_MESSAGES, TST_FAILURE_VERDICT, type TstCheckId } from './messages.js';

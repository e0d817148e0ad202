/**
 * W3C Bitstring Status List for ekasarn: encoding (bitstring.ts), the agency-signed list credential (credential.ts,
 * jws.ts) and the verifier's check of one document's entry (check-entry.ts). Browser-safe (WebCrypto + fflate).
 */
export {
  MAX_INFLATED_BYTES,
  MAX_STATUS_SIZE,
  StatusListError,
  buildBitstring,
  decodeStatusList,
  encodeStatusList,
  inflateBounded,
  readStatus,
  statusAt,
  type DecodedStatusList,
} from './bitstring.js';
export {
  CREDENTIALS_V2_CONTEXT,
  DEFAULT_LIST_VALIDITY_MS,
  STATUS_LIST_CREDENTIAL_TYPE,
  STATUS_MESSAGES,
  STATUS_PURPOSE,
  agencyIssuerId,
  buildStatusListCredential,
  parseStatusListCredential,
  statusListValueOf,
  type StatusListCredential,
  type StatusListCredentialInput,
  type StatusMessage,
} from './credential.js';
export {
  JWS_ALGS,
  JWS_CTY,
  JWS_TYP,
  MAX_JWS_LENGTH,
  jwsAlgOf,
  signStatusListCredential,
  verifyStatusListJws,
  type JwsAlg,
  type JwsHeader,
  type RejectedStatusListJws,
  type StatusListJwsResult,
  type StatusListSigner,
  type VerifiedStatusListJws,
} from './jws.js';
export {
  cachingListFetcher,
  checkStatusListEntry,
  type CachingListFetcherOptions,
  type CheckStatusListEntryOptions,
  type FetchedStatusList,
  type StatusListCheck,
  type StatusListFetcher,
  type StatusListOutcome,
} from './check-entry.js';
export { base64Decode, base64Encode, base64UrlDecode, base64UrlEncode } from './base64.js';

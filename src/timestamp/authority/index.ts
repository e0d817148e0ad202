/** The built-in time-stamping authority and its development certificate. Isomorphic. */
export {
  DEFAULT_ACCURACY_MS,
  DEFAULT_TSA_POLICY,
  createTimeStampAuthority,
  rejectionResponse,
  type TimeStampAuthority,
  type TimeStampAuthorityOptions,
} from './time-stamp-authority.js';
export { DEV_TSA_NAME, issueTsaCertificate, type TsaCertificateOptions, type TsaIdentity } from './tsa-certificate.js';

// Validation at a point in time (PAdES B-T / B-LT / B-LTA): timestamps as proof of existence, revocation at the
// signing time, the level reached. Browser-safe.
export { checkTimestamp, type CheckTimestampInput, type CheckedTimestamp } from './check-timestamp.js';
export { checkDocumentTimestamps, type CheckedDocumentTimestamp, type DocumentTimestampField } from './document-timestamps.js';
export { readCmsValidationData, type CmsValidationData } from './cms-validation-data.js';
export { revocationAt, type RevocationAt, type RevocationAtInput } from './revocation-at.js';
export { validateSignatureAtTime, SIGNATURE_TIMESTAMP_OID, type SignatureAtTime, type SignatureAtTimeInput } from './signature-at-time.js';
export type { LtvContext } from './ltv-context.js';

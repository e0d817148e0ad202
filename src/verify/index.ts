// Public surface of the verification engine. Browser-safe: imports nothing Node-only.
export {
  VERDICTS,
  VERDICT_PRIORITY,
  DEFAULT_FAILURE_VERDICT,
  decideVerdict,
  failureVerdictOf,
  makeCheck,
  summarize,
  signerDisplayName,
  buildSignatureReport,
  buildVerificationReport,
  type Verdict,
  type Check,
  type CheckStatus,
  type SignerSummary,
  type SignatureReport,
  type VerificationReport,
  type PadesLevel,
  type TimestampReport,
  type SigningTime,
  type SignatureReportInput,
  type VerificationReportInput,
} from './report.js';
export { CHECK_MESSAGES, VERDICT_MESSAGES, type LocalizedText, type CheckId, type CheckTexts } from './messages.js';
export {
  verifyCmsSignature,
  CMS_CHECK_ORDER,
  type VerifyCmsInput,
  type VerifyCmsResult,
  type ContentDigests,
} from './cms/verify-cms-signature.js';
export { TrustStore, createTrustStore } from './cms/trust-store.js';
export { clearChainCache } from './cms/chain.js';
export { clearCertificateCache } from './cms/parsed-certificate.js';
export {
  verifyPdf,
  DEFAULT_MAX_PDF_BYTES,
  type VerifyPdfOptions,
  type RegistryStatus,
  type RegistryDigests,
  type StatusLookup,
  type IssuerDirectory,
  type TransparencyOptions,
} from './pdf/verify-pdf.js';
export { listEmbeddedFiles, type EmbeddedFile } from './pdf/embedded-files.js';
export {
  checkTimestamp,
  checkDocumentTimestamps,
  readCmsValidationData,
  revocationAt,
  validateSignatureAtTime,
  SIGNATURE_TIMESTAMP_OID,
  type LtvContext,
  type CheckedTimestamp,
  type CheckedDocumentTimestamp,
  type DocumentTimestampField,
  type CmsValidationData,
  type RevocationAt,
  type SignatureAtTime,
} from './ltv/index.js';
export { SPECIMEN_POLICY_OID } from './specimen.js';

// The verification report model: one vocabulary (verdicts + checks) shared by the CLI, the API and the browser page.
import { CHECK_MESSAGES, VERDICT_MESSAGES, SKIPPED_SUFFIX, type CheckTexts, type LocalizedText, type CheckId } from './messages.js';
import { TST_FAILURE_VERDICT } from '../timestamp/messages.js';

export type { LocalizedText, CheckId } from './messages.js';

export type Verdict =
  | 'VALID'
  | 'TAMPERED'
  | 'UNTRUSTED'
  | 'REVOKED'
  | 'SUSPENDED'
  | 'SUPERSEDED'
  | 'EXPIRED'
  | 'NOT_SIGNED'
  | 'MALFORMED'
  | 'INDETERMINATE'
  /** A training specimen from an agency's sandbox: intact, but not an official document (see specimen.ts). */
  | 'SPECIMEN';

export const VERDICTS: readonly Verdict[] = [
  'VALID', 'TAMPERED', 'UNTRUSTED', 'REVOKED', 'SUSPENDED', 'SUPERSEDED', 'EXPIRED', 'NOT_SIGNED', 'MALFORMED',
  'INDETERMINATE', 'SPECIMEN',
];

export type CheckStatus = 'passed' | 'failed' | 'warning' | 'skipped' | 'info';

export interface Check {
  /** Stable identifier, e.g. 'cms.message-digest'. UIs and tests key on it; never rename one. */
  id: string;
  status: CheckStatus;
  /** The verdict a failure of this check implies (see decideVerdict). Absent → the default table, else INDETERMINATE. */
  onFailure?: Verdict;
  /** Sentence for people, Thai first. */
  message: LocalizedText;
  /** Technical detail for experts and logs (English). */
  detail?: string;
}

export interface SignerSummary {
  subject: string;
  commonName?: string;
  organization?: string;
  serialHex: string;
  issuer: string;
  notBefore: string; // ISO 8601
  notAfter: string; // ISO 8601
  sha256: string; // fingerprint of the certificate DER, lowercase hex
  /** Certificate policy OIDs, when the certificate names any (e.g. the training-specimen policy). */
  policies?: string[];
}

/** PAdES baseline level (ETSI EN 319 142-1) established by what verified, not by what the file merely contains. */
export type PadesLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

export interface TimestampReport {
  /** 'signature': RFC 3161 token over one signature value (CAdES unsigned attribute); 'document': a DocTimeStamp field. */
  kind: 'signature' | 'document';
  /** genTime attested by the authority (ISO 8601), when the token could be read. */
  time?: string;
  /** The time-stamping authority (certificate subject name). */
  authority?: string;
  /** True when the token is intact, from a trusted authority, and usable as proof of time. */
  verified: boolean;
  /** The field holding a document timestamp. */
  fieldName?: string;
  /** The moment the authority's certificate was judged at (now, or the time a later timestamp proves). */
  judgedAt?: string;
  checks: Check[];
}

export interface SigningTime {
  value: string; // ISO 8601
  /** 'timestamp': the earliest verified timestamp covering the signature; 'claimed': the signer's own /M. */
  source: 'timestamp' | 'claimed';
}

export interface SignatureReport {
  fieldName?: string;
  subFilter?: string;
  signer?: SignerSummary;
  /** Subjects from the signer up to the trust anchor (only the signer if no path was found). */
  chain: string[];
  /** The /M time claimed in the signature dictionary: a claim, not proof (no timestamp). */
  claimedSigningTime?: string;
  /** Best-known signing time: the time the signature was judged at. */
  signingTime?: SigningTime;
  level?: PadesLevel;
  /** This signature's own signature timestamps. */
  timestamps?: TimestampReport[];
  checks: Check[];
  verdict: Verdict;
}

export interface VerificationReport {
  verdict: Verdict;
  summary: LocalizedText;
  /** Document-level checks (PDF structure, status, …); signature checks live in `signatures`. */
  checks: Check[];
  signatures: SignatureReport[];
  /** Open slots for what the document layer adds later (embedded data, registry status). */
  document?: Record<string, unknown>;
  status?: Record<string, unknown>;
  /** Where the issuance is recorded in the public transparency log (proof checked against a signed checkpoint). */
  log?: { index: number; treeSize: number; time: string; pdfMatches: boolean };
  /** Lowest PAdES level over the signatures. */
  level?: PadesLevel;
  /** Best-known signing time of the first signature. */
  signingTime?: SigningTime;
  /** Every timestamp found (signature and document timestamps), oldest first. */
  timestamps?: TimestampReport[];
}

/**
 * The verdict a failed check implies when the check itself does not say (`onFailure`).
 * Keys are exact ids or prefixes ending in '.*'; the most specific (exact) match wins.
 */
export const DEFAULT_FAILURE_VERDICT: Readonly<Record<string, Verdict>> = {
  'cms.parse': 'MALFORMED',
  'cms.signer-count': 'MALFORMED',
  'cms.detached': 'MALFORMED',
  'cms.signed-attributes': 'MALFORMED',
  'cms.digest-algorithm': 'INDETERMINATE',
  'cms.signature-algorithm': 'INDETERMINATE',
  'cms.message-digest': 'TAMPERED',
  'cms.signer-certificate': 'INDETERMINATE',
  'cms.signature': 'TAMPERED',
  'cms.signing-certificate': 'TAMPERED',
  'pades.signing-certificate-v2': 'MALFORMED',
  'chain.trusted': 'UNTRUSTED',
  'chain.ca-constraints': 'UNTRUSTED',
  'chain.signer-key-usage': 'UNTRUSTED',
  'chain.critical-extensions': 'UNTRUSTED',
  'chain.validity': 'INDETERMINATE',
  'verify.internal-error': 'INDETERMINATE',
  // Reserved for the document layer, so its checks get sensible verdicts without extra wiring.
  'pdf.*': 'MALFORMED',
  'pdf.byte-range': 'TAMPERED',
  'pdf.coverage': 'TAMPERED',
  'pdf.sub-filter': 'INDETERMINATE',
  'document.embedded-data': 'INDETERMINATE',
  'status.registry': 'TAMPERED',
  'pdf.signatures': 'NOT_SIGNED',
  'status.revoked': 'REVOKED',
  'status.embedded-data': 'TAMPERED',
  // A genuine signature by an agency that may not issue this document is not the issuer's word: UNTRUSTED.
  'issuer.entitled': 'UNTRUSTED',
  // A proof that does not verify cannot confirm the record; the signature itself is judged on its own.
  'log.inclusion': 'INDETERMINATE',
  'status.suspended': 'SUSPENDED',
  'status.superseded': 'SUPERSEDED',
  'document.expired': 'EXPIRED',
  // "Failed" means: this is a training specimen (only reported when its signatures are intact).
  'document.specimen': 'SPECIMEN',
  ...TST_FAILURE_VERDICT,
  // A signature made with a certificate already revoked is not the agency's trustworthy signature: UNTRUSTED.
  // REVOKED is kept for the agency revoking the *document* (registry status), which is a different statement.
  'revocation.status': 'UNTRUSTED',
  'ltv.revocation-data': 'INDETERMINATE',
  'ltv.signature-timestamp': 'TAMPERED',
  'ltv.document-timestamp': 'TAMPERED',
  'ltv.tsa-revocation': 'INDETERMINATE',
};

/**
 * Priority when several checks fail: the first verdict in this list that any failed check implies wins.
 * Why this order: proof that bytes changed (TAMPERED) outranks everything, because nothing else in a changed
 * file can be believed; then the issuer's own word about the document (REVOKED, SUSPENDED, SUPERSEDED), which
 * holds whatever the file looks like; then a broken file (MALFORMED); then a training specimen (SPECIMEN), which
 * is signed by a key no one trusts on purpose, so it outranks what follows from that (UNTRUSTED, and INDETERMINATE
 * for missing revocation data) and its dates; then trust (UNTRUSTED); then the document's own expiry; then
 * NOT_SIGNED; INDETERMINATE is the fallback for "cannot decide". A specimen is never VALID.
 */
export const VERDICT_PRIORITY: readonly Verdict[] = [
  'TAMPERED', 'REVOKED', 'SUSPENDED', 'SUPERSEDED', 'MALFORMED', 'SPECIMEN', 'UNTRUSTED', 'EXPIRED', 'NOT_SIGNED', 'INDETERMINATE',
];

export function failureVerdictOf(check: Check): Verdict {
  if (check.onFailure) return check.onFailure;
  const exact = DEFAULT_FAILURE_VERDICT[check.id];
  if (exact) return exact;
  const dot = check.id.indexOf('.');
  const prefix = dot > 0 ? DEFAULT_FAILURE_VERDICT[check.id.slice(0, dot) + '.*'] : undefined;
  return prefix ?? 'INDETERMINATE';
}

/**
 * Deterministic rule from checks to a verdict:
 *  1. no check at all → INDETERMINATE (nothing was verified, so nothing can be claimed);
 *  2. some checks failed → each failed check implies a verdict (its `onFailure`, else DEFAULT_FAILURE_VERDICT by
 *     id, else by 'prefix.*', else INDETERMINATE); the highest in VERDICT_PRIORITY wins;
 *  3. nothing failed but nothing passed either (all skipped/info/warning) → INDETERMINATE;
 *  4. otherwise VALID. Warnings never change the verdict; they are shown beside it.
 */
export function decideVerdict(checks: readonly Check[]): Verdict {
  if (checks.length === 0) return 'INDETERMINATE';
  let best: Verdict | undefined;
  let bestRank = Infinity;
  let anyPassed = false;
  for (const c of checks) {
    if (c.status === 'passed') anyPassed = true;
    if (c.status !== 'failed') continue;
    const v = failureVerdictOf(c);
    const rank = VERDICT_PRIORITY.indexOf(v);
    const r = rank < 0 ? VERDICT_PRIORITY.length : rank;
    if (r < bestRank) {
      bestRank = r;
      best = v;
    }
  }
  if (best) return best;
  return anyPassed ? 'VALID' : 'INDETERMINATE';
}

/** Make a check with the standard citizen sentence for its id and status. */
export function makeCheck(id: CheckId, status: CheckStatus, detail?: string): Check {
  const texts: CheckTexts = CHECK_MESSAGES[id];
  let message: LocalizedText;
  if (status === 'failed') message = texts.failed;
  else if (status === 'warning') message = texts.warning ?? texts.failed;
  else if (status === 'skipped') message = { th: texts.title.th + SKIPPED_SUFFIX.th, en: texts.title.en + SKIPPED_SUFFIX.en };
  else message = texts.passed;
  const check: Check = { id, status, message };
  const implied = DEFAULT_FAILURE_VERDICT[id];
  if (implied) check.onFailure = implied;
  if (detail !== undefined) check.detail = detail;
  return check;
}

/** Display name of a signer for sentences: "CN (O)" or whichever part exists. */
export function signerDisplayName(signer: SignerSummary | undefined): string | undefined {
  if (!signer) return undefined;
  const cn = signer.commonName?.trim();
  const o = signer.organization?.trim();
  if (cn && o && cn !== o) return `${cn} (${o})`;
  return cn || o || signer.subject || undefined;
}

export function summarize(verdict: Verdict, context: { signer?: string; successor?: string; validUntil?: string } = {}): LocalizedText {
  return VERDICT_MESSAGES[verdict](context);
}

export interface SignatureReportInput {
  fieldName?: string;
  subFilter?: string;
  claimedSigningTime?: Date | string;
  signingTime?: SigningTime;
  level?: PadesLevel;
  timestamps?: TimestampReport[];
  checks: Check[];
  signer?: SignerSummary;
  chain?: string[];
}

export function buildSignatureReport(input: SignatureReportInput): SignatureReport {
  const report: SignatureReport = {
    chain: input.chain ?? (input.signer ? [input.signer.subject] : []),
    checks: input.checks,
    verdict: decideVerdict(input.checks),
  };
  if (input.fieldName !== undefined) report.fieldName = input.fieldName;
  if (input.subFilter !== undefined) report.subFilter = input.subFilter;
  if (input.signer) report.signer = input.signer;
  if (input.signingTime) report.signingTime = input.signingTime;
  if (input.level) report.level = input.level;
  if (input.timestamps) report.timestamps = input.timestamps;
  if (input.claimedSigningTime !== undefined) {
    const t = input.claimedSigningTime;
    report.claimedSigningTime = typeof t === 'string' ? t : Number.isNaN(t.getTime()) ? String(t) : t.toISOString();
  }
  return report;
}

export interface VerificationReportInput {
  checks?: Check[];
  signatures: SignatureReport[];
  document?: Record<string, unknown>;
  status?: Record<string, unknown>;
  log?: VerificationReport['log'];
  /** Successor reference for SUPERSEDED sentences. */
  successor?: string;
  /** Until when the document was valid, for EXPIRED sentences. */
  validUntil?: string;
  level?: PadesLevel;
  signingTime?: SigningTime;
  timestamps?: TimestampReport[];
}

/** The overall verdict considers document checks and every signature's checks together. */
export function buildVerificationReport(input: VerificationReportInput): VerificationReport {
  const checks = input.checks ?? [];
  const all = [...checks, ...input.signatures.flatMap((s) => s.checks)];
  const verdict = decideVerdict(all);
  const ctx: { signer?: string; successor?: string; validUntil?: string } = {};
  if (input.validUntil) ctx.validUntil = input.validUntil;
  const firstSigner = signerDisplayName(input.signatures.find((s) => s.signer)?.signer);
  if (firstSigner) ctx.signer = firstSigner;
  if (input.successor) ctx.successor = input.successor;
  const report: VerificationReport = { verdict, summary: summarize(verdict, ctx), checks, signatures: input.signatures };
  if (input.document) report.document = input.document;
  if (input.status) report.status = input.status;
  if (input.log) report.log = input.log;
  if (input.level) report.level = input.level;
  if (input.signingTime) report.signingTime = input.signingTime;
  if (input.timestamps) report.timestamps = input.timestamps;
  return report;
}

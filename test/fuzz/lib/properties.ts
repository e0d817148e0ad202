/**
 * The properties every verifyPdf call must keep, whatever the input: it resolves (never rejects), with a verdict from
 * VERDICTS, within a time bound, as a JSON-serialisable report, without the internal-error safety net having fired,
 * and VALID only when the signed bytes of some genuine corpus document are all still there.
 */
import { VERDICTS, verifyPdf, type VerificationReport, type VerifyPdfOptions } from '../../../src/verify/index.js';

export interface SignedDoc {
  name: string;
  bytes: Uint8Array;
  signedRanges: readonly (readonly [number, number])[];
  timestampRanges: readonly (readonly [number, number])[];
}

type Ranges = readonly (readonly [number, number])[];

export interface CaseOutcome {
  verdict: string;
  ms: number;
  /** Broken properties, empty when the case passed. */
  violations: string[];
  report?: VerificationReport;
}

/** Generous: a hang detector, not a performance test (verification takes milliseconds). */
export const DEFAULT_CASE_TIME_BOUND_MS = 2000;

/** True when `bytes` holds every byte of the given ranges of `doc` (default: its signatures') at the same offsets. */
export function keepsSignedBytes(bytes: Uint8Array, doc: SignedDoc, ranges: Ranges = doc.signedRanges): boolean {
  if (ranges.length === 0) return false;
  for (const [s, e] of ranges) {
    if (e > bytes.length) return false;
    if (Buffer.compare(Buffer.from(bytes.buffer, bytes.byteOffset + s, e - s), Buffer.from(doc.bytes.buffer, doc.bytes.byteOffset + s, e - s)) !== 0) return false;
  }
  return true;
}

const allChecks = (r: VerificationReport) => [...(r.checks ?? []), ...(r.signatures ?? []).flatMap((s) => s.checks ?? [])];

/** Checks a finished report (the synchronous part, shared by the tests and the script). */
export function reportViolations(r: unknown, input: Uint8Array, originals: readonly SignedDoc[]): string[] {
  const out: string[] = [];
  if (typeof r !== 'object' || r === null) return [`(a) verifyPdf resolved to ${String(r)}, not a report`];
  const report = r as VerificationReport;
  if (!VERDICTS.includes(report.verdict)) out.push(`(b) verdict ${JSON.stringify(report.verdict)} is not in VERDICTS`);
  try {
    const json = JSON.stringify(report);
    const back = JSON.parse(json) as VerificationReport;
    if (back.verdict !== report.verdict) out.push('(e) the verdict does not survive a JSON round trip');
  } catch (e) {
    out.push(`(e) the report is not JSON-serialisable: ${(e as Error).message}`);
  }
  if (report.verdict === 'VALID' && !originals.some((d) => keepsSignedBytes(input, d))) {
    out.push('(d) VALID although a signed byte of every genuine document was changed');
  }
  const verifiedDocumentTimestamp = (report.timestamps ?? []).some((t) => t.kind === 'document' && t.verified);
  if (verifiedDocumentTimestamp && !originals.some((d) => keepsSignedBytes(input, d, d.timestampRanges))) {
    out.push('(d) a document timestamp is reported verified although a byte it covers was changed in every genuine document');
  }
  // The engine's last-resort catch turns an unexpected exception into a report; in the fuzzer that is a bug found.
  const internal = allChecks(report).filter((c) => c.id === 'verify.internal-error');
  for (const c of internal) out.push(`(f) an exception escaped the engine's own checks: ${c.detail ?? ''}`);
  for (const c of allChecks(report)) {
    if (/Maximum call stack|out of memory|Invalid array length|Array buffer allocation failed/i.test(c.detail ?? '')) {
      out.push(`(f) resource exhaustion reported in ${c.id}: ${c.detail}`);
    }
  }
  return out;
}

/** Runs one input through verifyPdf and checks every property. */
export async function runCase(
  input: Uint8Array,
  opts: VerifyPdfOptions,
  originals: readonly SignedDoc[],
  timeBoundMs = DEFAULT_CASE_TIME_BOUND_MS,
): Promise<CaseOutcome> {
  const t0 = performance.now();
  let report: VerificationReport;
  try {
    report = await verifyPdf(input, opts);
  } catch (e) {
    const ms = performance.now() - t0;
    return { verdict: '(threw)', ms, violations: [`(a) verifyPdf rejected: ${(e as Error)?.stack ?? String(e)}`] };
  }
  const ms = performance.now() - t0;
  const violations = reportViolations(report, input, originals);
  if (ms > timeBoundMs) violations.push(`(c) took ${ms.toFixed(0)} ms, bound ${timeBoundMs} ms`);
  return { verdict: String(report?.verdict), ms, violations, report };
}

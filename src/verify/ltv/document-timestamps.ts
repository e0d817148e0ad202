// Document timestamps (DocTimeStamp fields, SubFilter ETSI.RFC3161), judged newest first: the newest is judged now,
// each older one at the time a newer verified one proves it existed — the chain that keeps a B-LTA document
// verifiable after the older authorities' certificates expire.
import { decideVerdict, makeCheck, type Check, type TimestampReport } from '../report.js';
import { checkTimestamp } from './check-timestamp.js';
import type { LtvContext } from './ltv-context.js';

export interface DocumentTimestampField {
  fieldName?: string;
  /** Index of the revision that added the field. */
  revision: number;
  /** Checks on the field itself (sub-filter, ByteRange, Contents), made by the PDF layer. */
  fieldChecks: Check[];
  /** The token and the bytes it covers, when the field checks passed. */
  token?: Uint8Array;
  data?: Uint8Array;
  /** Whether the document as stamped already had a DSS (asked lazily: only B-LTA needs it). */
  coversDss: () => boolean;
}

export interface CheckedDocumentTimestamp {
  revision: number;
  /** The attested time, only when the timestamp is usable as proof. */
  provenTime?: Date;
  coversDss: () => boolean;
  report: TimestampReport;
  /** Document-level check: passed, failed (damaged or changed) or warning (not usable as proof). */
  summary: Check;
}

export async function checkDocumentTimestamps(fields: readonly DocumentTimestampField[], ctx: LtvContext): Promise<CheckedDocumentTimestamp[]> {
  const newestFirst = [...fields].sort((a, b) => b.revision - a.revision);
  const out: CheckedDocumentTimestamp[] = [];
  for (const f of newestFirst) {
    const proofs = out.filter((o) => o.revision > f.revision && o.provenTime).map((o) => o.provenTime!.getTime());
    const provenExistingAt = proofs.length ? new Date(Math.min(...proofs)) : undefined;
    if (!f.token || !f.data) {
      const failed = f.fieldChecks.filter((c) => c.status === 'failed');
      const summary = makeCheck('ltv.document-timestamp', 'failed', `${f.fieldName ?? 'document timestamp'}: ${failed.map((c) => `${c.id}: ${c.detail ?? 'failed'}`).join('; ') || 'no token'}`);
      summary.onFailure = failed.length ? decideVerdict(failed) : 'MALFORMED';
      const report: TimestampReport = { kind: 'document', verified: false, checks: f.fieldChecks };
      if (f.fieldName) report.fieldName = f.fieldName;
      out.push({ revision: f.revision, coversDss: f.coversDss, report, summary });
      continue;
    }
    const checked = await checkTimestamp({
      kind: 'document',
      token: f.token,
      data: f.data,
      ctx,
      ...(provenExistingAt ? { provenExistingAt } : {}),
      ...(f.fieldName ? { fieldName: f.fieldName } : {}),
    });
    checked.report.checks = [...f.fieldChecks, ...checked.report.checks];
    if (f.fieldName) checked.summary.detail = `${f.fieldName}: ${checked.summary.detail ?? ''}`;
    out.push({
      revision: f.revision,
      coversDss: f.coversDss,
      report: checked.report,
      summary: checked.summary,
      ...(checked.provenTime ? { provenTime: checked.provenTime } : {}),
    });
  }
  return out.sort((a, b) => a.revision - b.revision);
}

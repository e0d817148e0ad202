import type { VerificationReport } from '../verify/report.js';

const MARK: Record<string, string> = { passed: '✔', failed: '✖', warning: '!', skipped: '-', info: 'i' };

/** A report for a person at a terminal: the verdict in Thai and English, then every check. */
export function printReport(report: VerificationReport): void {
  console.log(`${report.verdict}`);
  console.log(`  ${report.summary.th}`);
  console.log(`  ${report.summary.en}`);
  const all = [...report.checks, ...report.signatures.flatMap((s) => s.checks)];
  for (const c of all) console.log(`  ${MARK[c.status] ?? '?'} ${c.id}: ${c.message.th} / ${c.message.en}`);
}

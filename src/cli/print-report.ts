import { formatEnglishDate, formatThaiDate } from '../domain/thai-date.js';
import type { VerificationReport } from '../verify/report.js';

const MARK: Record<string, string> = { passed: '✔', failed: '✖', warning: '!', skipped: '-', info: 'i' };

const when = (iso: string) => `${formatThaiDate(iso)} ${iso.slice(11, 19)} UTC / ${formatEnglishDate(iso)}`;

/** A report for a person at a terminal: the verdict in Thai and English, level and timestamps, then every check. */
export function printReport(report: VerificationReport): void {
  console.log(`${report.verdict}`);
  console.log(`  ${report.summary.th}`);
  console.log(`  ${report.summary.en}`);
  if (report.verdict === 'SPECIMEN') {
    console.log('  ⚠ ตัวอย่าง / SPECIMEN: ลงนามด้วยกุญแจฝึกอบรม ห้ามใช้แทนเอกสารราชการ / signed with a training key; never use it as an official document');
  }
  if (report.level) console.log(`  ระดับลายมือชื่อ / signature level: PAdES ${report.level}`);
  if (report.signingTime) {
    const source = report.signingTime.source === 'timestamp' ? 'ตราประทับเวลา / timestamp' : 'ที่ผู้ลงนามระบุ / claimed by the signer';
    console.log(`  เวลาลงนาม / signing time: ${when(report.signingTime.value)} (${source})`);
  }
  for (const t of report.timestamps ?? []) {
    const kind = t.kind === 'document' ? 'ตราประทับเวลาเอกสาร / document timestamp' : 'ตราประทับเวลาลายมือชื่อ / signature timestamp';
    console.log(`  ${t.verified ? '✔' : '✖'} ${kind}: ${t.time ? when(t.time) : '?'} — ${t.authority ?? '?'}`);
  }
  const all = [...report.checks, ...report.signatures.flatMap((s) => s.checks)];
  for (const c of all) console.log(`  ${MARK[c.status] ?? '?'} ${c.id}: ${c.message.th} / ${c.message.en}`);
}

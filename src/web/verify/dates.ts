import { buddhistYear, formatEnglishDate, formatThaiDate } from '../../domain/thai-date.js';
import type { Lang } from './strings.js';

const BANGKOK_OFFSET_MS = 7 * 3600_000;

/** A calendar date in the Buddhist era: "15 มกราคม พ.ศ. 2568" / "15 January 2025 (B.E. 2568)". */
export function showDate(iso: string, lang: Lang): string {
  try {
    return lang === 'th' ? formatThaiDate(iso) : `${formatEnglishDate(iso)} (B.E. ${buddhistYear(iso)})`;
  } catch {
    return iso;
  }
}

/** An instant with Bangkok time: "15 มกราคม พ.ศ. 2568 เวลา 10:32:05 น." */
export function showDateTime(iso: string, lang: Lang): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const b = new Date(t + BANGKOK_OFFSET_MS);
  const hms = [b.getUTCHours(), b.getUTCMinutes(), b.getUTCSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  return lang === 'th' ? `${showDate(iso, lang)} เวลา ${hms} น.` : `${showDate(iso, lang)} ${hms} (Bangkok time)`;
}

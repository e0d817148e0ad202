/**
 * Dates as Thai official documents print them: day, Thai month name, "พ.ศ." and the Buddhist-era year
 * ("15 มกราคม พ.ศ. 2568"), in the Asia/Bangkok time zone. Machine-readable data keeps ISO 8601 dates; these functions
 * only make display strings.
 *
 * Pure and runtime-independent on purpose: month names are tables here rather than Intl output, because ICU builds
 * differ (small-icu Node, browsers) and `dateStyle: 'long'` silently drops "พ.ศ.". Bangkok has kept UTC+07:00 without
 * daylight saving since 1920, so a fixed offset is exact for every date a document can carry.
 */

export interface CalendarDate {
  year: number; // Gregorian (Common Era) year
  month: number; // 1–12
  day: number; // 1–31
}

export type DateInput = string | Date | CalendarDate;

export interface ThaiDateOptions {
  /** 'arabic' (default) prints 2568; 'thai' prints ๒๕๖๘. */
  digits?: 'thai' | 'arabic';
}

const THAI_MONTHS = [
  'มกราคม', 'กุมภาพันธ์', 'มีนาคม', 'เมษายน', 'พฤษภาคม', 'มิถุนายน',
  'กรกฎาคม', 'สิงหาคม', 'กันยายน', 'ตุลาคม', 'พฤศจิกายน', 'ธันวาคม',
] as const;

const ENGLISH_MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;

/** The Buddhist era counts from 543 BCE: B.E. = C.E. + 543 (since the 1941 calendar reform, years start 1 January). */
export const BUDDHIST_ERA_OFFSET = 543;

const BANGKOK_OFFSET_MS = 7 * 60 * 60 * 1000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// A full timestamp must say which zone it is in; a zone-less time would be read in the machine's local zone.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in `month` (1–12) of Gregorian `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses a calendar date written exactly as `YYYY-MM-DD` and refuses impossible ones (2025-02-30, 2025-13-01,
 * 2023-02-29). Throws a RangeError that names the input and what was expected.
 */
export function parseIsoDate(value: string): CalendarDate {
  if (typeof value !== 'string') throw new TypeError(`date: expected a string "YYYY-MM-DD", got ${typeof value}`);
  const m = ISO_DATE.exec(value);
  if (!m) throw new RangeError(`date "${value}": expected the form YYYY-MM-DD (e.g. 2025-01-15)`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1) throw new RangeError(`date "${value}": year must be 0001 or later`);
  if (month < 1 || month > 12) throw new RangeError(`date "${value}": month must be 01–12`);
  const last = daysInMonth(year, month);
  if (day < 1 || day > last) {
    throw new RangeError(`date "${value}": day must be 01–${String(last).padStart(2, '0')} in that month`);
  }
  return { year, month, day };
}

/** True when `value` is a real calendar date written as YYYY-MM-DD. */
export function isIsoDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    parseIsoDate(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The calendar date in Bangkok for any accepted input: a `YYYY-MM-DD` string is already a calendar date and is taken
 * as is; an ISO timestamp with a zone, or a Date, is an instant and is moved to UTC+07:00.
 */
export function toBangkokDate(input: DateInput): CalendarDate {
  if (typeof input === 'string') {
    if (ISO_DATE.test(input)) return parseIsoDate(input);
    if (!ISO_DATE_TIME.test(input)) {
      throw new RangeError(`date "${input}": expected YYYY-MM-DD or an ISO 8601 timestamp with a zone (Z or ±HH:MM)`);
    }
    parseIsoDate(input.slice(0, 10)); // refuse 2025-02-30T… which Date.parse would roll over
    return instantToBangkok(new Date(input), input);
  }
  if (input instanceof Date) return instantToBangkok(input, 'Date');
  if (input && typeof input === 'object') {
    const { year, month, day } = input;
    const iso = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    if (![year, month, day].every(Number.isInteger)) throw new RangeError(`date ${iso}: parts must be integers`);
    return parseIsoDate(iso);
  }
  throw new TypeError('date: expected a "YYYY-MM-DD" string, an ISO timestamp, a Date or {year, month, day}');
}

function instantToBangkok(date: Date, what: string): CalendarDate {
  const t = date.getTime();
  if (Number.isNaN(t)) throw new RangeError(`date ${what}: not a valid point in time`);
  const shifted = new Date(t + BANGKOK_OFFSET_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** The Buddhist-era year of the date (in Bangkok): 2025-01-15 → 2568. */
export function buddhistYear(input: DateInput): number {
  return toBangkokDate(input).year + BUDDHIST_ERA_OFFSET;
}

/** Replaces ASCII digits with Thai digits (๐–๙); other characters are left alone. */
export function toThaiDigits(text: string): string {
  return text.replace(/[0-9]/g, (d) => String.fromCharCode(0x0e50 + d.charCodeAt(0) - 48));
}

/** "15 มกราคม พ.ศ. 2568" (or "๑๕ มกราคม พ.ศ. ๒๕๖๘" with `digits: 'thai'`). */
export function formatThaiDate(input: DateInput, options: ThaiDateOptions = {}): string {
  const { year, month, day } = toBangkokDate(input);
  const text = `${day} ${THAI_MONTHS[month - 1]} พ.ศ. ${year + BUDDHIST_ERA_OFFSET}`;
  return options.digits === 'thai' ? toThaiDigits(text) : text;
}

/** "15 January 2025" — the English line of a bilingual document (Common Era, Bangkok date). */
export function formatEnglishDate(input: DateInput): string {
  const { year, month, day } = toBangkokDate(input);
  return `${day} ${ENGLISH_MONTHS[month - 1]} ${year}`;
}

/** The date as YYYY-MM-DD in Bangkok (useful to turn an issuance instant into the printed calendar date). */
export function toIsoDate(input: DateInput): string {
  const { year, month, day } = toBangkokDate(input);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

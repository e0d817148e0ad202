import { formatEnglishDate, formatThaiDate, isIsoDate, toThaiDigits } from '../domain/thai-date.js';

export interface DisplayOptions {
  /** Digits in the Thai display strings; English strings always use Arabic digits. */
  digits?: 'arabic' | 'thai';
}

export interface DisplayValue {
  th: string;
  en: string;
}

const GROUPED = new Intl.NumberFormat('en-US', { useGrouping: true, maximumFractionDigits: 20 });

/**
 * Turns one validated field value into the strings a template prints, so templates never compute dates or numbers:
 * ISO dates become "15 มกราคม พ.ศ. 2568" / "15 January 2025", numbers get thousands separators, and 13-digit Thai
 * IDs get the customary grouping 1-2345-67890-12-3. Other strings print as they are.
 */
export function displayValue(value: unknown, options: DisplayOptions = {}): DisplayValue {
  const thai = (s: string) => (options.digits === 'thai' ? toThaiDigits(s) : s);
  if (value === null || value === undefined) return { th: '', en: '' };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { th: '', en: '' };
    const s = GROUPED.format(value);
    return { th: thai(s), en: s };
  }
  if (typeof value === 'boolean') return value ? { th: 'ใช่', en: 'Yes' } : { th: 'ไม่ใช่', en: 'No' };
  if (typeof value === 'string') {
    if (isIsoDate(value)) return { th: formatThaiDate(value, options), en: formatEnglishDate(value) };
    if (/^[0-9]{13}$/.test(value)) {
      const s = `${value[0]}-${value.slice(1, 5)}-${value.slice(5, 10)}-${value.slice(10, 12)}-${value[12]}`;
      return { th: thai(s), en: s };
    }
    return { th: value, en: value };
  }
  const s = JSON.stringify(value);
  return { th: s, en: s };
}

export function displayFields(fields: Record<string, unknown>, options: DisplayOptions = {}): Record<string, DisplayValue> {
  const out: Record<string, DisplayValue> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = displayValue(v, options);
  return out;
}

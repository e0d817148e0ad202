import { isIsoDate } from '../../domain/thai-date.js';
import { inputError } from './input-problems.js';

/**
 * Officers filter by calendar days as they live them, in Bangkok (UTC+7, no daylight saving). Stored times are UTC
 * ISO strings, which order correctly as text, so a day range becomes a half-open range of ISO strings:
 * from 00:00 Bangkok of `from` up to (not including) 00:00 Bangkok of the day after `to`.
 */
export function bangkokDayRange(
  from: unknown,
  to: unknown,
  fields: { from: string; to: string } = { from: 'from', to: 'to' },
): { startIso: string | null; endIso: string | null } {
  const start = from === undefined || from === null || from === '' ? null : dayStart(fields.from, from);
  const end = to === undefined || to === null || to === '' ? null : nextDayStart(fields.to, to);
  if (start !== null && end !== null && start >= end) {
    throw inputError(fields.to, { th: 'วันที่สิ้นสุดต้องไม่อยู่ก่อนวันที่เริ่มต้น', en: `"${fields.to}" must not be before "${fields.from}"` }, 'range');
  }
  return { startIso: start, endIso: end };
}

function checkDay(field: string, value: unknown): string {
  if (!isIsoDate(value)) {
    throw inputError(field, { th: 'วันที่ต้องเป็นรูปแบบ ปปปป-ดด-วว (ค.ศ.) และมีอยู่จริง', en: `"${field}" must be a real date written YYYY-MM-DD` }, 'format');
  }
  return value as string;
}

function dayStart(field: string, value: unknown): string {
  return new Date(`${checkDay(field, value)}T00:00:00+07:00`).toISOString();
}

function nextDayStart(field: string, value: unknown): string {
  const d = new Date(`${checkDay(field, value)}T00:00:00+07:00`);
  return new Date(d.getTime() + 86_400_000).toISOString();
}

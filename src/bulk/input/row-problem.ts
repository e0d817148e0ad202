import type { Bilingual } from '../../domain/document-type.js';

/**
 * Why one input row cannot be issued, precise enough for an officer to find the cell: the column (null when the
 * problem is the whole row), a stable code for programs, and a Thai and an English sentence.
 */
export interface RowProblem {
  column: string | null;
  code: string;
  message: Bilingual;
}

/**
 * One record of the input. `row` is what the officer sees: the spreadsheet row (line where the record starts) for CSV,
 * the line number for JSONL. A row is either data to validate or a problem found while reading it.
 */
export type SourceRow = { row: number; values: Record<string, unknown> } | { row: number; problem: RowProblem };

export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024;

export function rowTooLarge(limit: number): RowProblem {
  return {
    column: null,
    code: 'row_too_large',
    message: {
      th: `แถวนี้ยาวเกิน ${limit.toLocaleString('en-US')} ไบต์ที่รับได้`,
      en: `This row is longer than the ${limit.toLocaleString('en-US')} bytes allowed`,
    },
  };
}

// Thai agencies' Excel often saves "CSV" in Windows-874 (TIS-620): the bytes are not UTF-8 and Thai text is lost.
export const notUtf8: RowProblem = {
  column: null,
  code: 'not_utf8',
  message: {
    th: 'แถวนี้มีอักขระที่ไม่ใช่ UTF-8 (บันทึกไฟล์ใหม่เป็น "CSV UTF-8")',
    en: 'This row contains bytes that are not UTF-8 (save the file again as "CSV UTF-8")',
  },
};

/** Sets a key on a plain object without letting "__proto__" (a column name or JSON key) change its prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

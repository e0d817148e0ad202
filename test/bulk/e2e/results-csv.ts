import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import { BAD_ROWS, GOOD_ROWS } from './bad-rows-fixture.js';

/** One line of a batch's results.csv, by column name. */
export interface ResultLine {
  row: string;
  outcome: string;
  document_id: string;
  serial: string;
  file: string;
  error_th: string;
  error_en: string;
}

const COLUMNS = ['row', 'outcome', 'document_id', 'serial', 'file', 'error_th', 'error_en'];
const THAI = /[\u0E01-\u0E5B]/;
const ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * Parses results.csv with csv-parse (an independent RFC 4180 reader) after checking the bytes themselves: a UTF-8 BOM
 * (Excel needs it for Thai), CRLF line ends, and no cell a spreadsheet would run as a formula.
 */
export function parseResultsCsv(bytes: Uint8Array): ResultLine[] {
  const buf = Buffer.from(bytes);
  expect([...buf.subarray(0, 3)], 'UTF-8 BOM').toEqual([0xef, 0xbb, 0xbf]);
  const text = buf.toString('utf8');
  expect(text.endsWith('\r\n'), 'last line ends with CRLF').toBe(true);
  // Every LF belongs to a CRLF (no cell of these files holds a line break).
  expect(text.split('\n').slice(0, -1).every((l) => l.endsWith('\r')), 'CRLF line ends').toBe(true);
  const records = parse(text, { bom: true, record_delimiter: '\r\n' }) as string[][];
  expect(records[0]).toEqual(COLUMNS);
  for (const cell of records.flat()) {
    // OWASP CSV injection: = + - @ tab CR at the start make Excel evaluate the cell.
    expect(cell, `formula-like cell: ${cell.slice(0, 40)}`).not.toMatch(/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/);
    if (/HYPERLINK/i.test(cell)) expect(cell.startsWith("'") || !cell.trimStart().startsWith('=')).toBe(true);
  }
  return records.slice(1).map((r) => {
    const line = Object.fromEntries(COLUMNS.map((c, i) => [c, r[i] ?? ''])) as unknown as ResultLine;
    return line;
  });
}

/** The file name the spec promises: 6-digit row, serial with "/" and spaces turned into "-". */
export function expectedPdfName(row: number, serial: string): string {
  return `${String(row).padStart(6, '0')}_${serial.replace(/[/\s]+/g, '-')}.pdf`;
}

/**
 * The bad-rows fixture's results: 14 lines, good rows issued with id, serial and file, bad rows failed with a Thai and
 * an English message naming the column. `outcomeOfGood` is 'issued' normally, 'existing' when matched earlier ones.
 */
export function expectFixtureResults(lines: ResultLine[], outcomeOfGood: 'issued' | 'existing' = 'issued'): void {
  expect(lines.map((l) => Number(l.row))).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  for (const l of lines) {
    const row = Number(l.row);
    if ((GOOD_ROWS as readonly number[]).includes(row)) {
      expect(l.outcome, `row ${row}`).toBe(outcomeOfGood);
      expect(l.document_id, `row ${row}`).toMatch(ID);
      expect(l.serial, `row ${row}`).not.toBe('');
      if (outcomeOfGood === 'issued') expect(l.file).toBe(expectedPdfName(row, l.serial));
      expect(l.error_th + l.error_en, `row ${row}`).toBe('');
      continue;
    }
    expect(BAD_ROWS.has(row), `row ${row} is a bad row`).toBe(true);
    expect(l.outcome, `row ${row}`).toBe('failed');
    expect(l.document_id + l.serial + l.file, `row ${row}: nothing issued`).toBe('');
    expect(l.error_th, `row ${row}: Thai message`).toMatch(THAI);
    expect(l.error_en, `row ${row}: English message`).toMatch(/[A-Za-z]{3}/);
    expect(l.error_en, `row ${row}: English, not Thai`).not.toMatch(THAI);
    const column = BAD_ROWS.get(row);
    if (column) {
      expect(l.error_th, `row ${row}`).toContain(column);
      expect(l.error_en, `row ${row}`).toContain(column);
    } else {
      expect(l.error_en).toBe('This row has 3 cells but the header has 9');
    }
  }
}

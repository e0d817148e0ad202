import { beforeAll, describe, expect, it } from 'vitest';
import { checkColumns, fieldsOf } from '../../../src/bulk/input/header-check.js';
import { readRows, type RowProblem } from '../../../src/bulk/input/read-rows.js';
import { rowProblemsFromValidation } from '../../../src/bulk/input/validation-problems.js';
import { loadTypes, type LoadedType } from '../../../src/doctypes/load-types.js';
import { fileChunks } from './chunks.js';

const FIXTURE = '/work/shared/fixtures/training-certificates-with-bad-rows.csv';

/** What an officer gets back for every row of the fixture: null for a good row, else its problems. */
async function outcomes(type: LoadedType): Promise<Map<number, RowProblem[] | null>> {
  const out = new Map<number, RowProblem[] | null>();
  for await (const r of readRows(fileChunks(FIXTURE, 1024), 'csv', { onHeader: (cols) => checkColumns(cols, type) })) {
    if ('problem' in r) {
      out.set(r.row, [r.problem]);
      continue;
    }
    const v = type.validate(fieldsOf(r.values, type));
    out.set(r.row, v.ok ? null : rowProblemsFromValidation(v.errors, type));
  }
  return out;
}

describe('the bad-rows fixture, row by row as a spreadsheet numbers them', () => {
  let result: Map<number, RowProblem[] | null>;
  beforeAll(async () => {
    const type = (await loadTypes('/work/main/types')).get('training-certificate')!;
    result = await outcomes(type);
  });

  const codes = (row: number) => result.get(row)?.map((p) => [p.column, p.code]) ?? null;

  it('has exactly rows 2..15, with these good rows', () => {
    expect([...result.keys()]).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    const good = [...result].filter(([, p]) => p === null).map(([row]) => row);
    expect(good).toEqual([2, 4, 6, 8, 10, 12, 14]);
  });

  it('row 3: a citizen ID whose check digit is wrong (1234567890123)', () => {
    expect(codes(3)).toEqual([['citizen_id', 'format']]);
  });

  it('row 5: the empty first name is "required" (empty cells are omitted), naming the column', () => {
    expect(codes(5)).toEqual([['first_name_th', 'required']]);
    const m = result.get(5)![0]!.message;
    expect(m.th).toContain('ต้องระบุชื่อ');
    expect(m.th).toContain('first_name_th');
    expect(m.en).toContain('first_name_th');
  });

  it('row 7: 2025-02-30 is not a real date', () => {
    expect(codes(7)).toEqual([['completed_on', 'format']]);
    expect(result.get(7)![0]!.message.en).toMatch(/real date/);
  });

  it('row 9: #read("/etc/passwd") is read as a value and refused by the Thai-name pattern', () => {
    expect(codes(9)).toEqual([['first_name_th', 'pattern']]);
  });

  it('row 11: =HYPERLINK(...) is read as a value and refused by the course-name pattern', () => {
    expect(codes(11)).toEqual([['course_th', 'pattern']]);
  });

  it('row 13: the 5,000-character name is read whole (15 kB < 64 KiB) and refused as too long', () => {
    expect(codes(13)).toEqual([['first_name_th', 'maxLength']]);
  });

  it('row 15: the truncated last row has too few cells', () => {
    expect(codes(15)).toEqual([[null, 'column_count']]);
    expect(result.get(15)![0]!.message.en).toBe('This row has 3 cells but the header has 9');
  });

  it('with a small maxRecordBytes the long-name row becomes row_too_large and the rest is unchanged', async () => {
    const seen: [number, string | null][] = [];
    for await (const r of readRows(fileChunks(FIXTURE, 1024), 'csv', { maxRecordBytes: 4096 })) {
      seen.push([r.row, 'problem' in r ? r.problem.code : null]);
    }
    expect(seen.filter(([, c]) => c !== null)).toEqual([
      [13, 'row_too_large'],
      [15, 'column_count'],
    ]);
  });
});

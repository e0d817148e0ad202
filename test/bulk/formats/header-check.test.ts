import { beforeAll, describe, expect, it } from 'vitest';
import { BulkInputError } from '../../../src/bulk/input/bulk-input-error.js';
import { checkColumns, fieldsOf, unknownKeys } from '../../../src/bulk/input/header-check.js';
import { rowProblemsFromValidation } from '../../../src/bulk/input/validation-problems.js';
import { loadTypes, type LoadedType } from '../../../src/doctypes/load-types.js';

let training: LoadedType;
let factory: LoadedType;
beforeAll(async () => {
  const types = await loadTypes('/work/main/types');
  training = types.get('training-certificate')!;
  factory = types.get('factory-licence')!;
});

const trainingColumns = ['citizen_id', 'title_th', 'first_name_th', 'last_name_th', 'first_name_en', 'last_name_en', 'course_th', 'completed_on', 'result'];

function headerError(f: () => void): BulkInputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BulkInputError);
    return e as BulkInputError;
  }
  throw new Error('expected BulkInputError');
}

describe('checkColumns', () => {
  it('accepts the exact columns in any order, and an idempotency column that is named', () => {
    expect(() => checkColumns([...trainingColumns].reverse(), training)).not.toThrow();
    expect(() => checkColumns([...trainingColumns, 'ref'], training, { idempotencyColumn: 'ref' })).not.toThrow();
  });

  it('names unknown and missing columns (with their labels) in Thai and English at once', () => {
    const cols = trainingColumns.filter((c) => c !== 'citizen_id' && c !== 'result').concat(['firstname', 'ref']);
    const e = headerError(() => checkColumns(cols, training));
    expect(e.code).toBe('bad_header');
    expect(e.httpStatus).toBe(400);
    expect(e.details).toEqual({ unknownColumns: ['firstname', 'ref'], missingColumns: ['citizen_id', 'result'] });
    expect(e.text.en).toContain('"firstname", "ref"');
    expect(e.text.en).toContain('citizen_id (Citizen ID), result (Result)');
    expect(e.text.th).toContain('citizen_id (เลขประจำตัวประชาชน), result (ผลการฝึกอบรม)');
    expect(e.text.th).toContain('"firstname"');
  });

  it('refuses an idempotency column that the header does not have', () => {
    const e = headerError(() => checkColumns(trainingColumns, training, { idempotencyColumn: 'ref' }));
    expect(e.details).toEqual({ unknownColumns: [], missingColumns: [], missingIdempotencyColumn: 'ref' });
    expect(e.text.en).toContain('"ref"');
    expect(e.text.th).toContain('"ref"');
  });
});

describe('unknownKeys and fieldsOf', () => {
  it('unknownKeys lists keys that are neither fields nor the idempotency column', () => {
    expect(unknownKeys({ citizen_id: '1', ref: 'a', colour: 'red' }, training, { idempotencyColumn: 'ref' })).toEqual(['colour']);
    expect(unknownKeys({ citizen_id: '1', ref: 'a' }, training)).toEqual(['ref']);
  });

  it('drops the idempotency column and coerces only clean literals of integer fields', () => {
    const v = fieldsOf({ horsepower: '1250', workers: '-3', company_th: '1250', ref: 'x-1' }, factory, { idempotencyColumn: 'ref' });
    expect(v).toEqual({ horsepower: 1250, workers: -3, company_th: '1250' });
    for (const bad of ['1,250', '12.5', '1e3', '๑๒๕๐', ' 12', '0x10', '', '99999999999999999999']) {
      expect(fieldsOf({ horsepower: bad }, factory).horsepower).toBe(bad);
    }
    // JSONL numbers are already numbers and stay so.
    expect(fieldsOf({ horsepower: 7 }, factory).horsepower).toBe(7);
  });

  it('coerces number and boolean properties and leaves string-typed ones alone', () => {
    const fake = {
      ...factory,
      schema: { type: 'object', properties: { n: { type: 'number' }, b: { type: 'boolean' }, s: { type: ['string', 'integer'] } } },
    } as LoadedType;
    expect(fieldsOf({ n: '12.5', b: 'true', s: '3' }, fake)).toEqual({ n: 12.5, b: true, s: '3' });
    expect(fieldsOf({ n: '12.', b: 'TRUE', extra: '1' }, fake)).toEqual({ n: '12.', b: 'TRUE', extra: '1' });
  });

  it('a clean integer passes validation; a formatted one gets a message naming the column', () => {
    const row = {
      juristic_id: '0906029526121', company_th: 'บริษัท ปั้นน้ำอุตสาหกรรม จำกัด', factory_name_th: 'โรงงานปั้นน้ำ 1', kind_th: 'ผลิตยางพาราแผ่นรมควัน',
      address_th: '543/22 หมู่ 4 ตำบลบางปู', province_th: 'ระยอง', horsepower: '759', workers: '768', issued_on: '2026-03-23', valid_until: '2031-03-23',
    };
    expect(factory.validate(fieldsOf(row, factory)).ok).toBe(true);
    const v = factory.validate(fieldsOf({ ...row, workers: '1,250' }, factory));
    expect(v.ok).toBe(false);
    if (v.ok) return;
    const problems = rowProblemsFromValidation(v.errors, factory);
    expect(problems).toEqual([
      { column: 'workers', code: 'type', message: { th: 'จำนวนคนงาน (คน)ต้องเป็นจำนวนเต็ม (คอลัมน์ workers)', en: 'Number of workers must be a whole number (column workers)' } },
    ]);
  });

  it('an unknown JSON key is reported by validation under its own name; a whole-object error has no column', () => {
    const v = training.validate(fieldsOf({ colour: 'red' }, training));
    expect(v.ok).toBe(false);
    if (v.ok) return;
    const p = rowProblemsFromValidation(v.errors, training).find((x) => x.code === 'additionalProperties')!;
    expect(p.column).toBe('colour');
    expect(p.message.en).toContain('colour');
    const whole = training.validate([]);
    if (whole.ok) throw new Error('arrays are not documents');
    expect(rowProblemsFromValidation(whole.errors, training)).toEqual([{ column: null, code: 'type', message: whole.errors[0]!.message }]);
  });
});

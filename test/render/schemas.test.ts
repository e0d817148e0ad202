import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { isValidThaiId } from '../../src/domain/thai-id.js';
import { csvRecords } from './helpers/csv.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const TYPES = new URL('../../types/', import.meta.url);
const FIXTURES = '/work/shared/fixtures/';

function loadJson(path: string | URL): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function makeValidator(typeId: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  // The lead's loader registers the same format; the real check-digit rule is used here too.
  ajv.addFormat('thai-id', { type: 'string', validate: isValidThaiId });
  const schema = loadJson(new URL(`${typeId}/schema.json`, TYPES));
  return { schema, validate: ajv.compile(schema) };
}

/** CSV gives strings; turn the integer columns into numbers the way an importer would (only clean digits). */
function coerce(schema: any, rec: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...rec };
  for (const [k, prop] of Object.entries<any>(schema.properties)) {
    if (prop.type === 'integer' && typeof rec[k] === 'string' && /^[0-9]+$/.test(rec[k])) out[k] = Number(rec[k]);
  }
  return out;
}

describe.each(['training-certificate', 'factory-licence'])('type %s', (typeId) => {
  const type = loadJson(new URL(`${typeId}/type.json`, TYPES));
  const { schema, validate } = makeValidator(typeId);

  it('type.json, schema.json and sample.json agree', () => {
    expect(type.id).toBe(typeId);
    expect(type.version).toBe(1);
    expect(type.template).toBe('template.typ');
    expect(Object.keys(type.fields).sort()).toEqual(Object.keys(schema.properties).sort());
    expect([...schema.required].sort()).toEqual(Object.keys(schema.properties).sort());
    expect(schema.additionalProperties).toBe(false);
    for (const [k, f] of Object.entries<any>(type.fields)) {
      expect(f.th, `${k}.th`).toMatch(/[\u0E01-\u0E2E]/);
      expect(f.en, `${k}.en`).toMatch(/^[A-Z]/);
      expect(typeof f.personal, `${k}.personal`).toBe('boolean');
      const p = schema.properties[k];
      if (p.type === 'string' && !p.enum && !p.format) expect(p.maxLength, `${k}.maxLength`).toBeGreaterThan(0);
    }
    expect(type.fields[type.subject.idField]).toBeDefined();
    for (const n of type.subject.nameFields) expect(type.fields[n]).toBeDefined();
    if (type.validity.kind === 'field') expect(schema.properties[type.validity.field].format).toBe('date');
    const ok = validate(loadJson(new URL(`${typeId}/sample.json`, TYPES)));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('marks natural-person identifiers personal and nothing of a company', () => {
    const personal = Object.entries<any>(type.fields).filter(([, f]) => f.personal).map(([k]) => k);
    if (type.subject.kind === 'citizen') {
      expect(personal).toEqual(expect.arrayContaining([type.subject.idField, ...type.subject.nameFields]));
    } else {
      expect(personal).toEqual([]);
    }
  });
});

describe('big fixtures', () => {
  it.each([
    ['training-certificate', 'training-certificates-10k.csv', 10_000],
    ['factory-licence', 'factory-licences-2k.csv', 2_000],
  ])('every row of %s passes (%s)', (typeId, file, count) => {
    const { schema, validate } = makeValidator(typeId);
    const rows = csvRecords(readFileSync(FIXTURES + file, 'utf8'));
    expect(rows).toHaveLength(count);
    const failures: unknown[] = [];
    rows.forEach((r, i) => {
      if (!validate(coerce(schema, r))) failures.push({ row: i + 2, errors: validate.errors });
    });
    expect(failures.slice(0, 3)).toEqual([]);
  });
});

describe('bad rows fixture', () => {
  const { schema, validate } = makeValidator('training-certificate');
  const rows = csvRecords(readFileSync(FIXTURES + 'training-certificates-with-bad-rows.csv', 'utf8'));
  const verdicts = rows.map((r) => ({ r, ok: validate(coerce(schema, r)) as boolean, errors: validate.errors }));

  it('accepts exactly the 7 good rows', () => {
    expect(verdicts.filter((v) => v.ok)).toHaveLength(7);
  });

  it.each([
    ['markup injection in a name', (r: any) => r.first_name_th === '#read("/etc/passwd")', 'first_name_th'],
    ['a spreadsheet formula as course', (r: any) => String(r.course_th).startsWith('=HYPERLINK'), 'course_th'],
    ['an empty name', (r: any) => r.first_name_th === '', 'first_name_th'],
    ['an over-long name', (r: any) => String(r.first_name_th).length > 100, 'first_name_th'],
    ['an impossible date', (r: any) => r.completed_on === '2025-02-30', 'completed_on'],
    ['a bad check digit', (r: any) => r.citizen_id === '1234567890123', 'citizen_id'],
  ])('refuses %s, naming the field', (_what, pick, field) => {
    const v = verdicts.find((x) => pick(x.r));
    expect(v, 'row present in fixture').toBeDefined();
    expect(v!.ok).toBe(false);
    expect(v!.errors!.map((e) => e.instancePath + ' ' + (e.params as any).missingProperty)).toEqual(
      expect.arrayContaining([expect.stringContaining(field)]),
    );
  });

  it('refuses a short row (missing required fields)', () => {
    const short = verdicts.filter((v) => Object.keys(v.r).length < 9);
    expect(short.length).toBeGreaterThan(0);
    for (const v of short) {
      expect(v.ok).toBe(false);
      expect(v.errors!.some((e) => e.keyword === 'required')).toBe(true);
    }
  });
});

describe('text patterns', () => {
  const { validate } = makeValidator('training-certificate');
  const sample = loadJson(new URL('training-certificate/sample.json', TYPES));
  it.each([
    ['first_name_th', 'สมชาย', true],
    ['first_name_th', 'ป่าน ผู้ใหญ่', true],
    ['first_name_th', ' สมชาย', false],
    ['first_name_th', 'สมชาย ', false],
    ['first_name_th', '่สมชาย', false], // starts with a tone mark
    ['first_name_th', 'Somchai', false],
    ['first_name_th', 'สม*ชาย*', false],
    ['first_name_th', 'สม<b>', false],
    ['course_th', 'หลักสูตร $x$ @ref', false],
    ['course_th', '-หลักสูตร', false],
    ['course_th', 'การใช้ AI & ML สำหรับงานภาครัฐ (รุ่นที่ ๑/2568)', true],
    ['course_th', 'Python Programming', false], // must contain Thai
    ['first_name_en', "O'Neil-Smith", true],
    ['first_name_en', 'Somchai1', false],
    ['first_name_en', 'สมชาย', false],
    ['title_th', 'คุณ', false],
    ['completed_on', '2025-1-5', false],
  ])('%s = %j → %s', (field, value, expected) => {
    expect(validate({ ...sample, [field]: value })).toBe(expected);
  });
  it('refuses unknown fields', () => {
    expect(validate({ ...sample, note: 'x' })).toBe(false);
  });
});

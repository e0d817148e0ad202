import { describe, expect, it } from 'vitest';
import { loadedTypeFromSources, parseSourceTexts, SOURCE_LIMITS } from '../../../src/doctypes/authoring/index.js';
import { loadTypes } from '../../../src/doctypes/load-types.js';
import { volunteerSources, withTemplate } from './fixtures.js';

const partsOf = (r: ReturnType<typeof loadedTypeFromSources>) => (r.ok ? [] : r.problems.map((p) => p.part));
const englishOf = (r: ReturnType<typeof loadedTypeFromSources>) => (r.ok ? '' : r.problems.map((p) => p.message.en).join('\n'));

describe('loadedTypeFromSources', () => {
  it('builds a LoadedType from in-memory sources that validates data like a bundled one', () => {
    const r = loadedTypeFromSources(volunteerSources());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.type.definition.id).toBe('volunteer-certificate');
    expect(r.type.templateSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.type.validate({ citizen_id: '1103700123458', full_name_th: 'ก', hours: 3 }).ok).toBe(true);
    const bad = r.type.validate({ citizen_id: '1103700123451', full_name_th: 'ก', hours: 0 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.field).sort()).toEqual(['citizen_id', 'hours']);
  });

  it('every bundled type passes the authoring checks, and the folder loader still loads them', async () => {
    const types = await loadTypes('types');
    expect(types.size).toBeGreaterThanOrEqual(2);
    for (const t of types.values()) {
      const r = loadedTypeFromSources({ definition: t.definition, schema: t.schema, templateSource: t.templateSource, sample: t.sample });
      expect(englishOf(r)).toBe('');
    }
  });

  it('two drafts carrying the same schema $id do not collide (each build has its own ajv)', () => {
    const schema = { ...(volunteerSources().schema as object), $id: 'urn:example:same' };
    expect(loadedTypeFromSources(volunteerSources({ schema })).ok).toBe(true);
    expect(loadedTypeFromSources(volunteerSources({ schema })).ok).toBe(true);
  });

  it('type.json: definition schema, serial pattern, subject and validity fields', () => {
    const def = volunteerSources().definition as Record<string, unknown>;
    const r = loadedTypeFromSources(
      volunteerSources({
        definition: { ...def, serial: { pattern: 'no sequence' }, subject: { kind: 'citizen', idField: 'national_id', nameFields: ['full_name_th'] }, validity: { kind: 'field', field: 'expires_on' } },
      }),
    );
    expect(r.ok).toBe(false);
    const en = englishOf(r);
    expect(en).toContain('serial.pattern: serial pattern must contain {SEQ}');
    expect(en).toContain('subject field "national_id" is not in schema.json');
    expect(en).toContain('validity field "expires_on" is not in schema.json');
    expect(englishOf(loadedTypeFromSources(volunteerSources({ definition: { ...def, colour: 'red' } })))).toContain('must NOT have additional properties');
    expect(englishOf(loadedTypeFromSources(volunteerSources({ definition: { ...def, id: 'Bad Id' } })))).toMatch(/type\.json \/id: must match pattern/);
  });

  it('schema.json: must compile under strict JSON Schema 2020-12, be an object schema, and require the subject id', () => {
    const unknownKeyword = loadedTypeFromSources(volunteerSources({ schema: { type: 'object', properties: { citizen_id: { type: 'strin' } }, required: ['citizen_id'] } }));
    expect(partsOf(unknownKeyword)).toContain('schema');
    expect(englishOf(unknownKeyword)).toMatch(/schema\.json does not compile \(JSON Schema 2020-12\): .*type/);
    const notObject = loadedTypeFromSources(volunteerSources({ schema: { type: 'array' } }));
    expect(englishOf(notObject)).toContain('schema.json must have "type": "object" and "properties"');
    const base = volunteerSources().schema as { properties: object };
    const optionalId = loadedTypeFromSources(volunteerSources({ schema: { ...base, required: ['full_name_th', 'hours'] } }));
    expect(englishOf(optionalId)).toContain('the subject id field "citizen_id" must be listed in "required"');
  });

  it('sample.json: required, and it must validate against the schema (field labels in the message)', () => {
    expect(englishOf(loadedTypeFromSources(volunteerSources({ sample: null })))).toContain('sample data (sample.json) is required');
    const r = loadedTypeFromSources(volunteerSources({ sample: { citizen_id: '1234567890123', full_name_th: 'ก', hours: 'many' } }));
    expect(partsOf(r)).toEqual(['sample', 'sample']);
    expect(englishOf(r)).toContain('sample data: Citizen ID is not a valid 13-digit Thai ID');
    expect(englishOf(r)).toContain('sample data: Hours must be a whole number');
    if (!r.ok) expect(r.problems[0]!.message.th).toContain('ข้อมูลตัวอย่าง: เลขประจำตัวประชาชนไม่ถูกต้อง');
  });

  it('template: no package imports, literal or computed, and no page foreground (the watermark layer)', () => {
    expect(englishOf(loadedTypeFromSources(withTemplate('#import "@preview/cetz:0.3.0": *\nhi')))).toContain('package imports ("@…") are not allowed');
    expect(englishOf(loadedTypeFromSources(withTemplate('#let p = "@" + "preview/cetz:0.3.0"\n#import p: *')))).toContain(
      'line 2: import must be followed by a quoted file path',
    );
    expect(englishOf(loadedTypeFromSources(withTemplate('#{ let p = "x"; include p }')))).toContain('line 1: include must be followed');
    expect(englishOf(loadedTypeFromSources(withTemplate('a\n#set page(foreground: none)')))).toContain('line 2: templates may not set the page foreground');
    expect(englishOf(loadedTypeFromSources(withTemplate('   ')))).toContain('the template (template.typ) must be non-empty text');
    // Words in running text are not code: "import" in a sentence is fine.
    expect(loadedTypeFromSources(withTemplate('#import "/_shared/official.typ": *\nใบอนุญาตนำเข้า (import licence) ของ #fields.full_name_th')).ok).toBe(true);
  });

  it('refuses oversized sources before parsing them', () => {
    const r = loadedTypeFromSources(withTemplate('x'.repeat(SOURCE_LIMITS.templateChars + 1)));
    expect(englishOf(r)).toMatch(/^template\.typ is too long \(200001 characters, at most 200000\)$/);
  });
});

describe('parseSourceTexts', () => {
  it('reports JSON syntax errors per file, and parses good text', () => {
    const s = volunteerSources();
    const bad = parseSourceTexts({ definitionJson: '{"id": ', schemaJson: JSON.stringify(s.schema), templateSource: 'x', sampleJson: '[1,]' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.map((p) => `${p.part}: ${p.message.en.split(':')[0]}`)).toEqual(['type: type.json is not valid JSON', 'sample: sample.json is not valid JSON']);
    const good = parseSourceTexts({ definitionJson: JSON.stringify(s.definition), schemaJson: JSON.stringify(s.schema), templateSource: s.templateSource as string, sampleJson: JSON.stringify(s.sample) });
    expect(good.ok && loadedTypeFromSources(good.sources).ok).toBe(true);
  });
});

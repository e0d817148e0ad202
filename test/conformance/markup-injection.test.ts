/**
 * Data must print as text, never run as Typst markup. Through the real issuance path we use what the schemas allow
 * (a course name may hold ( ) / . - &): if the value were spliced into markup, `//` would start a comment and hide
 * the rest, `--`/`---` would become dashes and `...` an ellipsis. Characters the schemas refuse (`#`, quotes) are
 * refused at issuance, so for those the renderer is exercised directly. pdftotext is the independent witness.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { AppError } from '../../src/domain/errors.js';
import { createRenderer, type Renderer, type RenderInput } from '../../src/render/index.js';
import { TYPES_DIR, artifact, bundledTypes, pdfdetachSave, pdfText } from './tools.js';

const TYPE = 'training-certificate';
const sample = bundledTypes().find((b) => b.typeId === TYPE)!.sample;

/** Compares ignoring white space: the layout may wrap a long value anywhere. */
const squash = (s: string): string => s.replace(/\s+/g, '');

/** Schema-valid for course_th, yet full of Typst markup shorthands. */
const TRICKY_COURSE = 'หลักสูตร (PDPA) read(/etc/passwd) A--B C---D x...y & 1/2 // not a comment, end.';
const TRICKY_TAIL = 'read(/etc/passwd) A--B C---D x...y & 1/2 // not a comment, end.';

describe('markup injection through issuance (sqlite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('a course name with // -- --- ... ( ) / & prints literally (pdftotext) and is stored and embedded verbatim', async () => {
    const { document, pdf } = await t.app.issueAsAgency('demo', TYPE, { ...sample, course_th: TRICKY_COURSE });
    const file = artifact('injection-issued.pdf', pdf);
    const text = squash(pdfText(file));
    expect(text).toContain(squash(TRICKY_TAIL));
    // What markup would have made of it:
    expect(text).not.toMatch(/[–—…]/);
    expect(text).not.toMatch(/root:.*:0:0:/);
    expect((document.data as Record<string, unknown>).course_th).toBe(TRICKY_COURSE);
    expect(JSON.parse(pdfdetachSave(file, 1).toString('utf8')).fields.course_th).toBe(TRICKY_COURSE);
    expect((await t.app.verify(pdf)).verdict).toBe('VALID');
  });

  it.each([
    ['first_name_th', '#read("/etc/passwd")'],
    ['course_th', '#include "/etc/hostname"'],
    ['last_name_en', '#eval("1+1")'],
  ])('%s = %s is refused at the boundary (validation_failed naming the field), nothing issued', async (field, value) => {
    const error = await t.app.issueAsAgency('demo', TYPE, { ...sample, [field]: value }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation_failed');
    expect((error as AppError).httpStatus).toBe(422);
    expect(JSON.stringify((error as AppError).details)).toContain(field);
  });
});

describe('markup injection, renderer directly (values the schemas would refuse)', () => {
  let renderer: Renderer;
  beforeAll(() => {
    renderer = createRenderer();
  });
  afterAll(() => renderer?.close());

  /** A RenderInput for the bundled type, built here from types/ (no helper shared with other suites). */
  function input(fields: Record<string, unknown>): RenderInput {
    const type = JSON.parse(readFileSync(join(TYPES_DIR, TYPE, 'type.json'), 'utf8'));
    const labels: Record<string, { th: string; en: string }> = {};
    for (const [k, f] of Object.entries<{ th: string; en: string }>(type.fields)) labels[k] = { th: f.th, en: f.en };
    return {
      templateSource: readFileSync(join(TYPES_DIR, TYPE, type.template), 'utf8'),
      templateKey: `${type.id}@${type.version}`,
      fields,
      labels,
      meta: {
        documentId: 'ConformanceInjection01',
        serial: 'ฝอ. 2568/000001',
        typeNameTh: type.name.th,
        typeNameEn: type.name.en,
        issuer: { nameTh: 'หน่วยงานทดสอบ', nameEn: 'Test Agency' },
        issuedAt: '2025-01-15T03:00:00Z',
        validUntil: null,
        verifyUrl: 'http://127.0.0.1:3000/v/ConformanceInjection01',
      },
      attachment: { name: 'data.json', bytes: new TextEncoder().encode(JSON.stringify(fields)) },
      pdfMetadata: { title: 'injection test' },
    };
  }

  it('control: the probe is sensitive — a template that evaluates the value as markup does not print it literally', () => {
    const fields = { ...sample, course_th: TRICKY_COURSE };
    const evaluating = '#set text(font: "Sarabun", fallback: false)\n#eval(json("/__input__/data.json").fields.course_th, mode: "markup")\n';
    const file = artifact('injection-control.pdf', renderer.render({ ...input(fields), templateKey: 'control-eval@1', templateSource: evaluating }));
    const text = squash(pdfText(file));
    expect(text).toContain('read(/etc/passwd)');
    expect(text).not.toContain(squash(TRICKY_TAIL));
    expect(text).toMatch(/A–B/); // `--` became an en dash, and `//` swallowed the rest of the line
    expect(text).not.toContain('notacomment');
  });

  it('#read("/etc/passwd"), #include, #eval, *bold*, $x$ and // print literally; no file content leaks', () => {
    const evil = {
      ...sample,
      first_name_th: '#read("/etc/passwd")',
      last_name_th: '*bold* $x$ @ref <lab>',
      course_th: '#include "/etc/hostname" ]} #{ panic("x") } // not a comment',
      result: '#eval("1+1")',
    };
    const file = artifact('injection-renderer.pdf', renderer.render(input(evil)));
    const text = squash(pdfText(file));
    for (const value of [evil.first_name_th, evil.last_name_th, evil.course_th, evil.result]) expect(text).toContain(squash(value));
    expect(text).not.toMatch(/root:.*:0:0:/);
    expect(text).not.toContain('/bin/');
  });
});

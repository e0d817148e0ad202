import { readFile, readdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import type { Bilingual, TypeDefinition } from '../domain/document-type.js';
import { validateSerialPattern } from '../domain/serial.js';
import { toFieldErrors, type FieldError } from './field-errors.js';
import { typeDefinitionSchema } from './type-definition-schema.js';
import { createAjv } from './validator.js';

/** A document type ready to issue: definition, compiled schema, template source. */
export interface LoadedType {
  definition: TypeDefinition;
  schema: Record<string, unknown>;
  templateSource: string;
  templateSha256: string;
  sample: Record<string, unknown> | null;
  /** Validates one document's data; never throws. */
  validate(data: unknown): { ok: true; value: Record<string, unknown> } | { ok: false; errors: FieldError[] };
}

export class TypeLoadError extends Error {}

/** Which of a type's four sources a problem is in (type.json, schema.json, template.typ, sample.json). */
export type TypePart = 'type' | 'schema' | 'template' | 'sample';

/** One reason a type cannot be used, in words for the person who wrote it. */
export interface TypeProblem {
  part: TypePart;
  message: Bilingual;
}

/** A type's sources as values (parsed JSON, template text): from a folder, a database row or an upload. */
export interface TypeSources {
  definition: unknown;
  schema: unknown;
  templateSource: unknown;
  /** Example data; null when the type has none (only bundled folders may omit it). */
  sample: unknown;
}

export interface BuildTypeOptions {
  /** Compiles the schemas. Give a fresh one for sources from users: ajv keeps every schema it compiled (and its $id). */
  ajv?: Ajv2020;
  /** Refuse a missing sample and check that the sample validates (authoring); folders may ship without one. */
  requireSample?: boolean;
}

export type BuildTypeResult = { ok: true; type: LoadedType } | { ok: false; problems: TypeProblem[] };

// Typst fetches `@preview/…` packages from the network at compile time: templates must be self-contained. The
// keyword must be followed by a literal path: a computed one (`#import p`) could name a package, so it is refused too.
const IMPORT_KEYWORD = /(?:#|[{;]\s*)(import|include)\b\s*(.?)/g;
const LITERAL_PACKAGE = /#(?:import|include)\s+"@/;

/** Problems with a template's text that can be seen without compiling it. */
export function templateTextProblems(templateSource: string): TypeProblem[] {
  const problems: TypeProblem[] = [];
  const lineOf = (index: number) => templateSource.slice(0, index).split('\n').length;
  if (LITERAL_PACKAGE.test(templateSource)) {
    problems.push({
      part: 'template',
      message: {
        th: 'แม่แบบนำเข้าแพ็กเกจ ("@…") ไม่ได้ แม่แบบต้องสมบูรณ์ในตัวเอง',
        en: 'package imports ("@…") are not allowed; templates must be self-contained',
      },
    });
  }
  for (const m of templateSource.matchAll(IMPORT_KEYWORD)) {
    if (m[2] !== '"') {
      problems.push({
        part: 'template',
        message: {
          th: `บรรทัด ${lineOf(m.index)}: ${m[1]} ต้องตามด้วยชื่อไฟล์ในเครื่องหมายคำพูด เช่น "/_shared/official.typ"`,
          en: `line ${lineOf(m.index)}: ${m[1]} must be followed by a quoted file path such as "/_shared/official.typ"`,
        },
      });
    }
  }
  // The renderer draws the DRAFT/SPECIMEN watermark as the page foreground; a template setting its own would hide it.
  const foreground = /\bforeground\s*:/.exec(templateSource);
  if (foreground) {
    problems.push({
      part: 'template',
      message: {
        th: `บรรทัด ${lineOf(foreground.index)}: แม่แบบกำหนด foreground ของหน้าไม่ได้ (ระบบใช้แสดงลายน้ำ)`,
        en: `line ${lineOf(foreground.index)}: templates may not set the page foreground (the system draws watermarks there)`,
      },
    });
  }
  return problems;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a type's sources and, when they are sound, builds the LoadedType issuance uses: type.json valid against the
 * definition schema, serial pattern valid, JSON Schema compiles (ajv 2020, strict), subject and validity fields are
 * schema properties, the template imports no packages, and (with requireSample) the sample validates. Every problem
 * found is returned, not only the first, so an author can fix them all at once.
 */
export function buildLoadedType(sources: TypeSources, options: BuildTypeOptions = {}): BuildTypeResult {
  const ajv = options.ajv ?? createAjv();
  const problems: TypeProblem[] = [];
  const problem = (part: TypePart, th: string, en: string) => problems.push({ part, message: { th, en } });

  const checkDef = ajv.getSchema('urn:ekasarn:type-definition') ?? ajv.compile({ $id: 'urn:ekasarn:type-definition', ...typeDefinitionSchema });
  let definition: TypeDefinition | null = null;
  if (!checkDef(sources.definition)) {
    for (const e of checkDef.errors ?? []) {
      const where = e.instancePath || '/';
      problem('type', `type.json ไม่ถูกต้องที่ ${where}: ${e.message ?? e.keyword}`, `type.json ${where}: ${e.message ?? e.keyword}`);
    }
  } else {
    definition = sources.definition as TypeDefinition;
    const serialProblem = validateSerialPattern(definition.serial.pattern);
    if (serialProblem) problem('type', `รูปแบบเลขที่เอกสาร (serial.pattern) ไม่ถูกต้อง: ${serialProblem}`, `serial.pattern: ${serialProblem}`);
  }

  let schema: Record<string, unknown> | null = null;
  let validateFn: ValidateFunction | null = null;
  if (!isPlainObject(sources.schema)) {
    problem('schema', 'schema.json ต้องเป็นออบเจกต์ JSON Schema', 'schema.json must be a JSON Schema object');
  } else {
    schema = sources.schema;
    try {
      validateFn = ajv.compile(schema);
    } catch (e) {
      const msg = (e as Error).message;
      problem('schema', `schema.json ใช้ไม่ได้ (JSON Schema 2020-12): ${msg}`, `schema.json does not compile (JSON Schema 2020-12): ${msg}`);
    }
    if (schema.type !== 'object' || !isPlainObject(schema.properties)) {
      problem('schema', 'schema.json ต้องมี "type": "object" และ "properties"', 'schema.json must have "type": "object" and "properties"');
    }
  }

  if (definition && schema) {
    const props = isPlainObject(schema.properties) ? schema.properties : {};
    for (const f of [definition.subject.idField, ...definition.subject.nameFields]) {
      if (!(f in props)) problem('type', `ช่องผู้รับเอกสาร "${f}" (subject) ไม่มีใน schema.json`, `subject field "${f}" is not in schema.json`);
    }
    const required = Array.isArray(schema.required) ? schema.required : [];
    if (definition.subject.idField in props && !required.includes(definition.subject.idField)) {
      problem('schema', `ช่อง "${definition.subject.idField}" (เลขผู้รับเอกสาร) ต้องอยู่ใน required`, `the subject id field "${definition.subject.idField}" must be listed in "required"`);
    }
    if (definition.validity.kind === 'field') {
      const f = definition.validity.field;
      if (f === undefined || !(f in props)) {
        problem('type', `ช่องวันหมดอายุ "${f ?? ''}" (validity.field) ไม่มีใน schema.json`, `validity field "${f ?? '(missing)'}" is not in schema.json`);
      }
    }
  }

  let templateSource: string | null = null;
  if (typeof sources.templateSource !== 'string' || sources.templateSource.trim() === '') {
    problem('template', 'ต้องมีแม่แบบ (template.typ) ที่ไม่ว่าง', 'the template (template.typ) must be non-empty text');
  } else {
    templateSource = sources.templateSource;
    problems.push(...templateTextProblems(templateSource));
  }

  let sample: Record<string, unknown> | null = null;
  if (sources.sample === null || sources.sample === undefined) {
    if (options.requireSample) problem('sample', 'ต้องมีข้อมูลตัวอย่าง (sample.json)', 'sample data (sample.json) is required');
  } else if (!isPlainObject(sources.sample)) {
    problem('sample', 'ข้อมูลตัวอย่างต้องเป็นออบเจกต์ JSON', 'the sample data must be a JSON object');
  } else {
    sample = sources.sample;
    if (options.requireSample && validateFn && !validateFn(sample)) {
      for (const fe of toFieldErrors(validateFn.errors, definition?.fields ?? {})) {
        problem('sample', `ข้อมูลตัวอย่าง: ${fe.message.th}`, `sample data: ${fe.message.en}`);
      }
    }
  }

  if (problems.length > 0 || !definition || !schema || !validateFn || templateSource === null) {
    return { ok: false, problems };
  }
  const check = validateFn;
  const def = definition;
  return {
    ok: true,
    type: {
      definition: def,
      schema,
      templateSource,
      templateSha256: createHash('sha256').update(templateSource).digest('hex'),
      sample,
      validate(data) {
        if (!isPlainObject(data)) {
          return { ok: false, errors: [{ field: '', problem: 'type', message: { th: 'ข้อมูลต้องเป็นออบเจกต์ JSON', en: 'The data must be a JSON object' } }] };
        }
        if (check(data)) return { ok: true, value: data };
        return { ok: false, errors: toFieldErrors(check.errors, def.fields) };
      },
    },
  };
}

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TypeLoadError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

const FILE_OF_PART: Record<TypePart, string> = { type: 'type.json', schema: 'schema.json', template: 'template.typ', sample: 'sample.json' };

export async function loadTypeFolder(dir: string, ajv: Ajv2020 = createAjv()): Promise<LoadedType> {
  const definition = await readJson(join(dir, 'type.json'));
  const schema = await readJson(join(dir, 'schema.json'));
  const templateName = isPlainObject(definition) && typeof definition.template === 'string' && /^[A-Za-z0-9_.-]+\.typ$/.test(definition.template) ? definition.template : 'template.typ';
  const templateSource = await readFile(join(dir, templateName), 'utf8');
  let sample: unknown = null;
  try {
    sample = await readJson(join(dir, 'sample.json'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const built = buildLoadedType({ definition, schema, templateSource, sample }, { ajv });
  if (!built.ok) {
    throw new TypeLoadError(built.problems.map((p) => `${join(dir, FILE_OF_PART[p.part])}: ${p.message.en}`).join('\n'));
  }
  return built.type;
}

/** Loads every type folder under `typesDir` (folders starting with `_` hold shared template parts). */
export async function loadTypes(typesDir: string): Promise<Map<string, LoadedType>> {
  const ajv = createAjv();
  const out = new Map<string, LoadedType>();
  const entries = await readdir(typesDir, { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!e.isDirectory() || e.name.startsWith('_') || e.name.startsWith('.')) continue;
    const t = await loadTypeFolder(join(typesDir, e.name), ajv);
    if (t.definition.id !== e.name) throw new TypeLoadError(`${e.name}/type.json: id "${t.definition.id}" must equal the folder name`);
    out.set(t.definition.id, t);
  }
  return out;
}

import { readFile, readdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import type { TypeDefinition } from '../domain/document-type.js';
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

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TypeLoadError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

export async function loadTypeFolder(dir: string, ajv: Ajv2020 = createAjv()): Promise<LoadedType> {
  const raw = await readJson(join(dir, 'type.json'));
  const checkDef = ajv.compile(typeDefinitionSchema);
  if (!checkDef(raw)) {
    const what = (checkDef.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new TypeLoadError(`${join(dir, 'type.json')}: ${what}`);
  }
  const definition = raw as unknown as TypeDefinition;
  const serialProblem = validateSerialPattern(definition.serial.pattern);
  if (serialProblem) throw new TypeLoadError(`${join(dir, 'type.json')}: ${serialProblem}`);

  const schema = (await readJson(join(dir, 'schema.json'))) as Record<string, unknown>;
  let validateFn: ValidateFunction;
  try {
    validateFn = ajv.compile(schema);
  } catch (e) {
    throw new TypeLoadError(`${join(dir, 'schema.json')}: ${(e as Error).message}`);
  }
  const props = (schema.properties ?? {}) as Record<string, unknown>;
  for (const f of [definition.subject.idField, ...definition.subject.nameFields]) {
    if (!(f in props)) throw new TypeLoadError(`${dir}: subject field "${f}" is not in schema.json`);
  }
  if (definition.validity.kind === 'field' && !(definition.validity.field! in props)) {
    throw new TypeLoadError(`${dir}: validity field "${definition.validity.field}" is not in schema.json`);
  }

  const templateSource = await readFile(join(dir, definition.template), 'utf8');
  // Typst fetches `@preview/…` packages from the network at compile time: templates must be self-contained.
  if (/#import\s+"@/.test(templateSource) || /#include\s+"@/.test(templateSource)) {
    throw new TypeLoadError(`${join(dir, definition.template)}: package imports ("@…") are not allowed; templates must be self-contained`);
  }
  let sample: Record<string, unknown> | null = null;
  try {
    sample = (await readJson(join(dir, 'sample.json'))) as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }

  return {
    definition,
    schema,
    templateSource,
    templateSha256: createHash('sha256').update(templateSource).digest('hex'),
    sample,
    validate(data) {
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        return { ok: false, errors: [{ field: '', problem: 'type', message: { th: 'ข้อมูลต้องเป็นออบเจกต์ JSON', en: 'The data must be a JSON object' } }] };
      }
      if (validateFn(data)) return { ok: true, value: data as Record<string, unknown> };
      return { ok: false, errors: toFieldErrors(validateFn.errors, definition.fields) };
    },
  };
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

import { buildLoadedType, type BuildTypeResult, type TypeProblem, type TypeSources } from '../load-types.js';
import { createAjv } from '../validator.js';

export type { TypePart, TypeProblem, TypeSources } from '../load-types.js';

/** Sources an agency administrator wrote: the four parts of a type folder, as values. */
export interface AuthoredSources {
  definition: unknown;
  schema: unknown;
  templateSource: unknown;
  sample: unknown;
}

/**
 * Generous for one certificate's template and schema, small enough that a pasted file cannot make the server hold or
 * compile megabytes (ajv turns a schema into code; Typst parses the whole template).
 */
export const SOURCE_LIMITS = { definitionChars: 64_000, schemaChars: 256_000, templateChars: 200_000, sampleChars: 64_000 } as const;

function sizeProblems(s: AuthoredSources): TypeProblem[] {
  const out: TypeProblem[] = [];
  const over = (part: TypeProblem['part'], file: string, chars: number, max: number) => {
    if (chars > max) {
      out.push({ part, message: { th: `${file} ยาวเกินไป (${chars} ตัวอักษร สูงสุด ${max})`, en: `${file} is too long (${chars} characters, at most ${max})` } });
    }
  };
  const jsonLength = (v: unknown) => {
    try {
      return JSON.stringify(v)?.length ?? 0;
    } catch {
      return Infinity;
    }
  };
  over('type', 'type.json', jsonLength(s.definition), SOURCE_LIMITS.definitionChars);
  over('schema', 'schema.json', jsonLength(s.schema), SOURCE_LIMITS.schemaChars);
  over('template', 'template.typ', typeof s.templateSource === 'string' ? s.templateSource.length : 0, SOURCE_LIMITS.templateChars);
  over('sample', 'sample.json', jsonLength(s.sample), SOURCE_LIMITS.sampleChars);
  return out;
}

/**
 * Builds a LoadedType from sources held in memory (an upload, a draft row) or lists every problem with them: the same
 * checks as a bundled type folder, plus size limits, and the sample is required and must validate. Each call compiles
 * with its own ajv instance, so drafts never collide on a schema `$id` nor accumulate in a shared cache.
 */
export function loadedTypeFromSources(sources: AuthoredSources): BuildTypeResult {
  const tooBig = sizeProblems(sources);
  if (tooBig.length > 0) return { ok: false, problems: tooBig };
  return buildLoadedType(sources as TypeSources, { ajv: createAjv(), requireSample: true });
}

/** The three JSON files as uploaded text, plus the template: parse errors are reported per file, like other problems. */
export function parseSourceTexts(texts: { definitionJson: string; schemaJson: string; templateSource: string; sampleJson: string }):
  | { ok: true; sources: AuthoredSources }
  | { ok: false; problems: TypeProblem[] } {
  const problems: TypeProblem[] = [];
  const parse = (part: TypeProblem['part'], file: string, text: unknown): unknown => {
    if (typeof text !== 'string') {
      problems.push({ part, message: { th: `ต้องส่ง ${file} เป็นข้อความ`, en: `${file} must be sent as text` } });
      return undefined;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      const why = (e as Error).message;
      problems.push({ part, message: { th: `${file} ไม่ใช่ JSON ที่ถูกต้อง: ${why}`, en: `${file} is not valid JSON: ${why}` } });
      return undefined;
    }
  };
  const definition = parse('type', 'type.json', texts?.definitionJson);
  const schema = parse('schema', 'schema.json', texts?.schemaJson);
  const sample = parse('sample', 'sample.json', texts?.sampleJson);
  if (typeof texts?.templateSource !== 'string') {
    problems.push({ part: 'template', message: { th: 'ต้องส่ง template.typ เป็นข้อความ', en: 'template.typ must be sent as text' } });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, sources: { definition, schema, templateSource: texts.templateSource, sample } };
}

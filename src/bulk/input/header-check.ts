import type { LoadedType } from '../../doctypes/load-types.js';
import { BulkInputError } from './bulk-input-error.js';
import { setOwn } from './row-problem.js';

export interface ColumnOptions {
  /** A column holding the caller's key for each row (re-running a batch must not issue twice); not a document field. */
  idempotencyColumn?: string;
}

type PropertySchema = { type?: string | string[] };

function properties(type: LoadedType): Record<string, PropertySchema> {
  return (type.schema.properties ?? {}) as Record<string, PropertySchema>;
}

function requiredOf(type: LoadedType): string[] {
  const r = type.schema.required;
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : [];
}

function withLabel(type: LoadedType, name: string, lang: 'th' | 'en'): string {
  const label = type.definition.fields[name]?.[lang];
  return label ? `${name} (${label})` : name;
}

/**
 * Checks a CSV header against the document type before any row is issued, so a misspelt or missing column fails the
 * whole file once instead of every row. Throws BulkInputError (bad_header) listing every problem at once.
 */
export function checkColumns(columns: string[], type: LoadedType, opts: ColumnOptions = {}): void {
  const props = properties(type);
  const idem = opts.idempotencyColumn;
  const present = new Set(columns);
  const unknown = columns.filter((c) => !Object.hasOwn(props, c) && c !== idem);
  const missing = requiredOf(type).filter((r) => !present.has(r));
  const idemMissing = idem !== undefined && !present.has(idem);
  if (unknown.length === 0 && missing.length === 0 && !idemMissing) return;

  const th: string[] = [];
  const en: string[] = [];
  if (unknown.length > 0) {
    const list = unknown.map((u) => `"${u}"`).join(', ');
    th.push(`คอลัมน์ที่ไม่ใช่ช่องของ${type.definition.name.th}: ${list}`);
    en.push(`columns that are not fields of ${type.definition.name.en}: ${list}`);
  }
  if (missing.length > 0) {
    th.push(`ขาดคอลัมน์ที่ต้องมี: ${missing.map((m) => withLabel(type, m, 'th')).join(', ')}`);
    en.push(`missing required columns: ${missing.map((m) => withLabel(type, m, 'en')).join(', ')}`);
  }
  if (idemMissing) {
    th.push(`ไม่มีคอลัมน์รหัสกันออกซ้ำ "${idem}" ที่ระบุไว้`);
    en.push(`the idempotency column "${idem}" named for this batch is not in the header`);
  }
  throw new BulkInputError(
    { th: `หัวตารางไม่ตรงกับเอกสารประเภทนี้: ${th.join('; ')}`, en: `The header does not match this document type: ${en.join('; ')}` },
    { unknownColumns: unknown, missingColumns: missing, ...(idemMissing ? { missingIdempotencyColumn: idem } : {}) },
  );
}

/** JSONL has no header: the keys of one row that are neither fields of the type nor the idempotency column. */
export function unknownKeys(values: Record<string, unknown>, type: LoadedType, opts: ColumnOptions = {}): string[] {
  const props = properties(type);
  return Object.keys(values).filter((k) => !Object.hasOwn(props, k) && k !== opts.idempotencyColumn);
}

const integerLiteral = /^-?\d+$/;
const numberLiteral = /^-?\d+(?:\.\d+)?$/;

function declaredTypes(p: PropertySchema | undefined): string[] {
  if (!p || p.type === undefined) return [];
  return Array.isArray(p.type) ? p.type : [p.type];
}

/** A CSV cell is always text; turn it into the number/boolean the schema wants only when it is written plainly. */
function coerce(value: unknown, p: PropertySchema | undefined): unknown {
  if (typeof value !== 'string') return value;
  const types = declaredTypes(p);
  if (types.length === 0 || types.includes('string')) return value;
  if (types.includes('integer') && integerLiteral.test(value)) {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  if (types.includes('number') && numberLiteral.test(value)) {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  // Anything else ("1,250", "๑๒", "yes") stays text so the validator names the field and what it expected.
  return value;
}

/**
 * The document data of one row: the idempotency column removed (unless the type has a field of that name) and
 * plainly written numbers/booleans converted. Unknown keys are kept so validation reports them.
 */
export function fieldsOf(values: Record<string, unknown>, type: LoadedType, opts: ColumnOptions = {}): Record<string, unknown> {
  const props = properties(type);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (k === opts.idempotencyColumn && !Object.hasOwn(props, k)) continue;
    setOwn(out, k, coerce(v, Object.hasOwn(props, k) ? props[k] : undefined));
  }
  return out;
}

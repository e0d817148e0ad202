/**
 * Boundary checks for values entering the registry. The database also enforces keys and NOT NULL, but its messages
 * name constraints, not fields; these say which field was wrong and what was expected.
 */
export class StoreInputError extends Error {
  constructor(
    readonly field: string,
    readonly expected: string,
  ) {
    super(`${field}: expected ${expected}`);
    this.name = 'StoreInputError';
  }
}

/** Ids that end up in URLs, file names (blob keys) and QR codes: URL-safe, no path characters. */
export const OPAQUE_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
/** Agency and document-type slugs: short, lower-case, stable (they appear in addresses `agency:type:id`). */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;

export function text(field: string, value: unknown, opts: { max?: number; pattern?: RegExp; allowEmpty?: boolean } = {}): string {
  const max = opts.max ?? 1000;
  if (typeof value !== 'string') throw new StoreInputError(field, 'a string');
  if (!opts.allowEmpty && value.trim() === '') throw new StoreInputError(field, 'a non-empty string');
  if (value.length > max) throw new StoreInputError(field, `at most ${max} characters`);
  if (opts.pattern && !opts.pattern.test(value)) throw new StoreInputError(field, `a value matching ${opts.pattern}`);
  return value;
}

export function optionalText(field: string, value: unknown, opts: { max?: number; pattern?: RegExp } = {}): string | null {
  return value === undefined || value === null ? null : text(field, value, opts);
}

export function slug(field: string, value: unknown): string {
  if (typeof value !== 'string' || !SLUG_PATTERN.test(value)) {
    throw new StoreInputError(field, 'a slug of 1–63 characters: a-z, 0-9 and "-", starting with a letter or digit');
  }
  return value;
}

export function sha256Hex(field: string, value: unknown): string {
  if (typeof value !== 'string' || !SHA256_HEX_PATTERN.test(value)) {
    throw new StoreInputError(field, 'a SHA-256 digest as 64 lower-case hex characters');
  }
  return value;
}

export function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new StoreInputError(field, `an integer from ${min} to ${max}`);
  }
  return value;
}

export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new StoreInputError(field, `one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/**
 * A moment in time, stored as `toISOString()` text so that text order is time order on both engines.
 * Accepts a Date or any string `Date` parses unambiguously with a zone (…Z or ±hh:mm), and normalises it to UTC.
 */
export function timestamp(field: string, value: unknown): string {
  let date: Date | null = null;
  if (value instanceof Date) date = value;
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    date = new Date(value);
  }
  if (!date || Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1970 || date.getUTCFullYear() > 9999) {
    throw new StoreInputError(field, 'a Date or an ISO-8601 timestamp with a time zone, e.g. 2025-01-15T03:00:00.000Z');
  }
  return date.toISOString();
}

export function optionalTimestamp(field: string, value: unknown): string | null {
  return value === undefined || value === null ? null : timestamp(field, value);
}

/** Serialises a JSON value; rejects what JSON cannot represent faithfully (undefined, functions, cycles, BigInt). */
export function json(field: string, value: unknown): string {
  let out: string | undefined;
  try {
    out = JSON.stringify(value);
  } catch (err) {
    throw new StoreInputError(field, `a JSON-serialisable value (${(err as Error).message})`);
  }
  if (out === undefined) throw new StoreInputError(field, 'a JSON-serialisable value');
  return out;
}

export function nowIso(): string {
  return new Date().toISOString();
}

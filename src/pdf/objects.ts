/**
 * PDF object model shared by the reader and the writer.
 *
 * null, booleans and numbers are plain JS values; arrays are plain JS arrays. Everything else is a small class so
 * that `instanceof` discriminates without ambiguity (a name and a string are both "text" but mean different things).
 */

export type PdfObject =
  | null
  | boolean
  | number
  | PdfString
  | PdfName
  | PdfObject[]
  | PdfDict
  | PdfStream
  | PdfRef;

export type PdfArray = PdfObject[];

/** A string object: raw bytes exactly as decoded from the file (escapes undone), and how it was written. */
export class PdfString {
  /**
   * `start`/`end` are the byte offsets in the file of the string token (`(`/`<` to just after `)`/`>`), set only for
   * strings read directly from the file (not from object streams). The verifier needs them for /Contents.
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly hex: boolean = false,
    readonly start?: number,
    readonly end?: number,
  ) {}
}

/**
 * A name object. `value` holds the decoded bytes as a "binary string" (one char per byte, #xx escapes undone), so it
 * round-trips exactly and compares with plain ASCII literals like 'Type'.
 */
export class PdfName {
  private static readonly interned = new Map<string, PdfName>();

  private constructor(readonly value: string) {}

  /** Names are interned: `PdfName.of('Sig') === PdfName.of('Sig')`. The table only grows with distinct short names. */
  static of(value: string): PdfName {
    let n = PdfName.interned.get(value);
    if (n === undefined) {
      n = new PdfName(value);
      // Hostile files could contain millions of distinct names; only intern short ones to bound the table.
      if (value.length <= 32 && PdfName.interned.size < 10_000) PdfName.interned.set(value, n);
    }
    return n;
  }
}

/** An indirect reference `num gen R`. */
export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}

  toString(): string {
    return `${this.num} ${this.gen} R`;
  }

  equals(other: { num: number; gen: number }): boolean {
    return this.num === other.num && this.gen === other.gen;
  }
}

/** A dictionary. Keys are decoded name values (binary strings); insertion order is kept for deterministic output. */
export class PdfDict {
  readonly map: Map<string, PdfObject>;

  constructor(entries?: Iterable<readonly [string, PdfObject]>) {
    this.map = new Map(entries);
  }

  get(key: string): PdfObject | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  set(key: string, value: PdfObject): this {
    this.map.set(key, value);
    return this;
  }

  delete(key: string): boolean {
    return this.map.delete(key);
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  get size(): number {
    return this.map.size;
  }

  /** Shallow copy: the writer edits copies so the reader's cached objects never change under it. */
  clone(): PdfDict {
    return new PdfDict(this.map);
  }

  /** The value of `key` if it is a name, else undefined (no resolving: names are always direct in practice). */
  getName(key: string): string | undefined {
    const v = this.map.get(key);
    return v instanceof PdfName ? v.value : undefined;
  }
}

/**
 * A stream: its dictionary and its raw (still encoded) bytes. `dataStart`/`dataEnd` are the byte offsets of the
 * data in the file for streams read from the file, or -1 for streams built in memory.
 */
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    readonly raw: Uint8Array,
    readonly dataStart: number = -1,
    readonly dataEnd: number = -1,
  ) {}
}

// ---- type guards -------------------------------------------------------------------------------------------------

export const isDict = (o: unknown): o is PdfDict => o instanceof PdfDict;
export const isStream = (o: unknown): o is PdfStream => o instanceof PdfStream;
export const isRef = (o: unknown): o is PdfRef => o instanceof PdfRef;
export const isString = (o: unknown): o is PdfString => o instanceof PdfString;
export const isArray = (o: unknown): o is PdfObject[] => Array.isArray(o);
export const isNumber = (o: unknown): o is number => typeof o === 'number';
export const isInt = (o: unknown): o is number => typeof o === 'number' && Number.isSafeInteger(o);

/** True when `o` is a name, and (if `value` is given) that name. */
export function isName(o: unknown, value?: string): o is PdfName {
  return o instanceof PdfName && (value === undefined || o.value === value);
}

/** Shorthand constructors, handy for building objects in the writer and in tests. */
export const name = (value: string): PdfName => PdfName.of(value);
export const ref = (num: number, gen = 0): PdfRef => new PdfRef(num, gen);
export const dict = (entries: Record<string, PdfObject>): PdfDict => new PdfDict(Object.entries(entries));

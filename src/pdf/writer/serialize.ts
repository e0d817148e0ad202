/**
 * Deterministic serializer for PDF objects: the same object always gives the same bytes (dictionary keys in
 * insertion order, numbers in a fixed format), so output can be compared and hashed in tests.
 */
import { PdfWriteError } from '../errors.js';
import { PdfDict, PdfName, PdfObject, PdfRef, PdfStream, PdfString } from '../objects.js';
import { ByteBuilder } from './byte-builder.js';

/**
 * Writer-only object: bytes written verbatim and recorded under `markName`, so the caller can patch them in place
 * afterwards (the /ByteRange and /Contents placeholders of a signature).
 */
export class PdfPlaceholder {
  constructor(
    readonly markName: string,
    readonly content: Uint8Array,
  ) {}
}

export type WritableObject = PdfObject | PdfPlaceholder | WritableObject[] | WritableDict;
/** A dictionary whose values may include placeholders. PdfDict is accepted too. */
export type WritableDict = PdfDict | { kind: 'writable-dict'; map: Map<string, WritableObject> };

const NAME_PLAIN = new Uint8Array(256);
for (let c = 0x21; c <= 0x7e; c++) NAME_PLAIN[c] = 1;
for (const c of '()<>[]{}/%#') NAME_PLAIN[c.charCodeAt(0)] = 0;

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new PdfWriteError(`cannot write non-finite number ${n}`);
  if (Number.isInteger(n)) {
    if (!Number.isSafeInteger(n)) throw new PdfWriteError(`integer ${n} is too large for PDF`);
    return Object.is(n, -0) ? '0' : String(n);
  }
  // Reals: fixed notation (PDF has no exponent syntax), at most 6 decimals, no trailing zeros.
  let s = n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
  if (s === '-0') s = '0';
  return s;
}

function writeName(out: ByteBuilder, value: string): void {
  out.byte(0x2f);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff) throw new PdfWriteError('name contains a character above U+00FF; encode it as UTF-8 bytes first');
    if (NAME_PLAIN[c] === 1) out.byte(c);
    else out.ascii('#' + c.toString(16).toUpperCase().padStart(2, '0'));
  }
}

const HEX = '0123456789ABCDEF';

function writeString(out: ByteBuilder, s: PdfString): void {
  const b = s.bytes;
  if (s.hex) {
    out.byte(0x3c);
    for (const c of b) out.byte(HEX.charCodeAt(c >> 4)).byte(HEX.charCodeAt(c & 15));
    out.byte(0x3e);
    return;
  }
  out.byte(0x28);
  for (const c of b) {
    switch (c) {
      case 0x28: out.ascii('\\('); break;
      case 0x29: out.ascii('\\)'); break;
      case 0x5c: out.ascii('\\\\'); break;
      case 0x0a: out.ascii('\\n'); break;
      case 0x0d: out.ascii('\\r'); break; // an unescaped CR would be read back as LF
      default:
        out.byte(c);
    }
  }
  out.byte(0x29);
}

const MAX_DEPTH = 256;

export function writeObject(out: ByteBuilder, obj: WritableObject, depth = 0): void {
  if (depth > MAX_DEPTH) throw new PdfWriteError(`object nesting deeper than ${MAX_DEPTH} (cyclic structure?)`);
  if (obj === null) out.ascii('null');
  else if (typeof obj === 'boolean') out.ascii(obj ? 'true' : 'false');
  else if (typeof obj === 'number') out.ascii(formatNumber(obj));
  else if (obj instanceof PdfName) writeName(out, obj.value);
  else if (obj instanceof PdfString) writeString(out, obj);
  else if (obj instanceof PdfRef) out.ascii(`${obj.num} ${obj.gen} R`);
  else if (obj instanceof PdfPlaceholder) {
    const start = out.length;
    out.bytes(obj.content);
    out.mark(obj.markName, start, out.length);
  } else if (Array.isArray(obj)) {
    out.byte(0x5b);
    obj.forEach((item, i) => {
      if (i > 0) out.byte(0x20);
      writeObject(out, item, depth + 1);
    });
    out.byte(0x5d);
  } else if (obj instanceof PdfStream) {
    throw new PdfWriteError('a stream can only be written as an indirect object');
  } else {
    out.ascii('<<');
    for (const [k, v] of obj.map as Map<string, WritableObject>) {
      writeName(out, k);
      // A space keeps `/Key /Value` and `/Key 1` readable; names and delimiters would not need it.
      out.byte(0x20);
      writeObject(out, v, depth + 1);
    }
    out.ascii('>>');
  }
}

/** Writes `num gen obj … endobj` followed by a newline. Stream /Length is set from the data. */
export function writeIndirectObject(out: ByteBuilder, num: number, gen: number, obj: WritableObject | PdfStream): void {
  out.ascii(`${num} ${gen} obj\n`);
  if (obj instanceof PdfStream) {
    const d = obj.dict.clone();
    d.set('Length', obj.raw.length);
    writeObject(out, d);
    out.ascii('\nstream\n');
    out.bytes(obj.raw);
    out.ascii('\nendstream');
  } else {
    writeObject(out, obj);
  }
  out.ascii('\nendobj\n');
}

/** One object to bytes (for tests and small uses). */
export function serializeObject(obj: WritableObject): Uint8Array {
  const out = new ByteBuilder(256);
  writeObject(out, obj);
  return out.toBytes();
}

/** A dictionary that may hold placeholders. */
export function writableDict(entries: Iterable<readonly [string, WritableObject]>): WritableDict {
  return { kind: 'writable-dict', map: new Map(entries) };
}

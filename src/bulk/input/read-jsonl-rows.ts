import { DEFAULT_MAX_RECORD_BYTES, notUtf8, rowTooLarge, type SourceRow } from './row-problem.js';
import type { ReadRowsOptions } from './read-csv-rows.js';

const NL = 0x0a;
const encoder = new TextEncoder();
// fatal: a line in another encoding becomes a row problem instead of silently turning into U+FFFD.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function parseLine(line: string, row: number): SourceRow {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    const detail = (e as Error).message;
    return {
      row,
      problem: { column: null, code: 'invalid_json', message: { th: `บรรทัดนี้ไม่ใช่ JSON ที่ถูกต้อง (${detail})`, en: `This line is not valid JSON (${detail})` } },
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    return {
      row,
      problem: { column: null, code: 'not_an_object', message: { th: `บรรทัดนี้ต้องเป็นออบเจกต์ JSON {…} แต่เป็น ${kind}`, en: `This line must be a JSON object {…}, not ${kind}` } },
    };
  }
  return { row, values: value as Record<string, unknown> };
}

/**
 * One JSON object per line, `row` = line number. Lines are cut from the byte stream as they arrive; a line longer
 * than maxRecordBytes is dropped while it streams past (never held whole) and reported as `row_too_large`.
 */
export async function* readJsonlRows(source: AsyncIterable<Uint8Array | string>, opts: ReadRowsOptions = {}): AsyncGenerator<SourceRow> {
  const limit = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  let parts: Uint8Array[] = [];
  let length = 0;
  let tooLarge = false;
  let line = 0;

  const finish = (): SourceRow | null => {
    line++;
    if (tooLarge) {
      tooLarge = false;
      return { row: line, problem: rowTooLarge(limit) };
    }
    let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
    parts = [];
    length = 0;
    if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      return { row: line, problem: notUtf8 };
    }
    text = text.trim();
    if (text === '') return null;
    return parseLine(text, line);
  };

  const take = (piece: Uint8Array): void => {
    if (tooLarge || piece.length === 0) return;
    // The limit counts the line's bytes without its LF.
    if (length + piece.length > limit) {
      tooLarge = true;
      parts = [];
      length = 0;
      return;
    }
    parts.push(piece);
    length += piece.length;
  };

  for await (const chunk of source) {
    let bytes: Uint8Array;
    if (typeof chunk === 'string') bytes = encoder.encode(chunk);
    else if (chunk instanceof Uint8Array) bytes = chunk;
    else throw new TypeError('readRows: source chunks must be strings or Uint8Array');
    let from = 0;
    for (let nl = bytes.indexOf(NL, from); nl !== -1; nl = bytes.indexOf(NL, from)) {
      // Copy: the caller may reuse its chunk buffer after we move on.
      take(bytes.slice(from, nl));
      from = nl + 1;
      const r = finish();
      if (r) yield r;
    }
    take(bytes.slice(from));
  }
  if (length > 0 || tooLarge) {
    const r = finish();
    if (r) yield r;
  }
}

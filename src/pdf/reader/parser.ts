/**
 * Lexer + parser for PDF object syntax (ISO 32000-1 §7.3), working directly on bytes.
 *
 * Hostile-input rules: nesting depth is capped (no stack overflow), every loop consumes at least one byte (no hang),
 * and allocations are bounded by the input size.
 */
import { PdfParseError } from '../errors.js';
import { PdfDict, PdfName, PdfObject, PdfRef, PdfStream, PdfString } from '../objects.js';
import { DELIMITER, WHITESPACE, bytesToBinaryString, hexValue, indexOfAscii, isRegular } from './chars.js';

/** Deeper nesting than this is refused; real documents stay far below it. */
export const MAX_NESTING = 256;

/** Resolves an indirect /Length while a stream is being parsed; returns undefined when it cannot. */
export type LengthResolver = (length: PdfRef) => number | undefined;

export interface IndirectObject {
  num: number;
  gen: number;
  obj: PdfObject;
  /** Offset just after `endobj` (or where it should have been). */
  end: number;
}

export class Parser {
  pos: number;

  /**
   * @param bytes the buffer to parse
   * @param inFile true when `bytes` is the PDF file itself, so string/stream offsets are file offsets worth recording
   */
  constructor(
    readonly bytes: Uint8Array,
    pos = 0,
    readonly inFile = true,
  ) {
    this.pos = pos;
  }

  fail(message: string, at = this.pos): never {
    throw new PdfParseError(message, this.inFile ? at : undefined);
  }

  /** Skips whitespace and comments. */
  skipWs(): void {
    const b = this.bytes;
    let p = this.pos;
    for (;;) {
      while (p < b.length && WHITESPACE[b[p]!] === 1) p++;
      if (p < b.length && b[p] === 0x25 /* % */) {
        while (p < b.length && b[p] !== 0x0a && b[p] !== 0x0d) p++;
        continue;
      }
      break;
    }
    this.pos = p;
  }

  /** Reads a run of regular characters (a keyword or number token) without interpreting it. */
  readToken(): string {
    const b = this.bytes;
    const start = this.pos;
    while (this.pos < b.length && isRegular(b[this.pos]!)) this.pos++;
    return bytesToBinaryString(b.subarray(start, this.pos));
  }

  /** True (and consumes it) when the next token is exactly `kw` followed by a non-regular char or the end. */
  tryKeyword(kw: string): boolean {
    this.skipWs();
    const b = this.bytes;
    const p = this.pos;
    for (let i = 0; i < kw.length; i++) if (b[p + i] !== kw.charCodeAt(i)) return false;
    const after = b[p + kw.length];
    if (after !== undefined && isRegular(after)) return false;
    this.pos = p + kw.length;
    return true;
  }

  expectKeyword(kw: string): void {
    if (!this.tryKeyword(kw)) this.fail(`expected '${kw}'`);
  }

  /** Reads an unsigned integer token (digits only), or returns undefined and leaves pos unchanged. */
  tryUnsignedInt(): number | undefined {
    this.skipWs();
    const b = this.bytes;
    let p = this.pos;
    let v = 0;
    const start = p;
    while (p < b.length && b[p]! >= 0x30 && b[p]! <= 0x39) {
      v = v * 10 + (b[p]! - 0x30);
      p++;
    }
    if (p === start || p - start > 15) return undefined;
    if (p < b.length && isRegular(b[p]!)) return undefined;
    this.pos = p;
    return v;
  }

  /** Parses one direct object at the current position. */
  parseObject(depth = 0): PdfObject {
    if (depth > MAX_NESTING) this.fail(`objects nested deeper than ${MAX_NESTING} levels`);
    this.skipWs();
    const b = this.bytes;
    if (this.pos >= b.length) this.fail('unexpected end of data while reading an object');
    const c = b[this.pos]!;
    switch (c) {
      case 0x2f /* / */:
        return this.parseName();
      case 0x28 /* ( */:
        return this.parseLiteralString();
      case 0x3c /* < */:
        return b[this.pos + 1] === 0x3c ? this.parseDict(depth) : this.parseHexString();
      case 0x5b /* [ */:
        return this.parseArray(depth);
      default:
        break;
    }
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) return this.parseNumberOrRef();
    if (DELIMITER[c] === 1) this.fail(`unexpected '${String.fromCharCode(c)}'`);
    const start = this.pos;
    const tok = this.readToken();
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (tok === 'null') return null;
    return this.fail(`unexpected keyword '${tok.slice(0, 32)}'`, start);
  }

  private parseNumberOrRef(): PdfObject {
    const start = this.pos;
    const tok = this.readToken();
    if (tok.length > 64) this.fail('number token too long', start);
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(tok)) this.fail(`invalid number '${tok.slice(0, 32)}'`, start);
    const value = Number(tok);
    if (!Number.isFinite(value)) this.fail(`number out of range '${tok}'`, start);
    // `num gen R`: only plain unsigned integers can start a reference.
    if (/^\d+$/.test(tok) && Number.isSafeInteger(value)) {
      const save = this.pos;
      const gen = this.tryUnsignedInt();
      if (gen !== undefined && this.tryKeyword('R')) return new PdfRef(value, gen);
      this.pos = save;
    }
    return value;
  }

  private parseName(): PdfName {
    const b = this.bytes;
    this.pos++; // '/'
    let s = '';
    let runStart = this.pos;
    while (this.pos < b.length && isRegular(b[this.pos]!)) {
      if (b[this.pos] === 0x23 /* # */) {
        const hi = hexValue(b[this.pos + 1] ?? -1);
        const lo = hexValue(b[this.pos + 2] ?? -1);
        if (hi >= 0 && lo >= 0) {
          s += bytesToBinaryString(b.subarray(runStart, this.pos)) + String.fromCharCode(hi * 16 + lo);
          this.pos += 3;
          runStart = this.pos;
          continue;
        }
      }
      this.pos++;
    }
    s += bytesToBinaryString(b.subarray(runStart, this.pos));
    return PdfName.of(s);
  }

  private parseLiteralString(): PdfString {
    const b = this.bytes;
    const start = this.pos;
    // First find the closing paren (skipping escaped chars), so the output buffer is sized by this string's own
    // span: decoded bytes are never more than source bytes.
    let scan = start + 1;
    for (let d = 1; ; scan++) {
      if (scan >= b.length) this.fail('unterminated literal string', start);
      const c = b[scan]!;
      if (c === 0x5c) scan++;
      else if (c === 0x28) d++;
      else if (c === 0x29 && --d === 0) break;
    }
    const out = new Uint8Array(scan - start);
    let p = start + 1;
    let n = 0;
    let depth = 1;
    for (;;) {
      if (p >= b.length) this.fail('unterminated literal string', start);
      const c = b[p++]!;
      if (c === 0x5c /* \ */) {
        if (p >= b.length) this.fail('unterminated literal string', start);
        const e = b[p++]!;
        switch (e) {
          case 0x6e: out[n++] = 0x0a; break; // \n
          case 0x72: out[n++] = 0x0d; break; // \r
          case 0x74: out[n++] = 0x09; break; // \t
          case 0x62: out[n++] = 0x08; break; // \b
          case 0x66: out[n++] = 0x0c; break; // \f
          case 0x0d: // line continuation: backslash + EOL produces nothing
            if (b[p] === 0x0a) p++;
            break;
          case 0x0a:
            break;
          default:
            if (e >= 0x30 && e <= 0x37) {
              let v = e - 0x30;
              for (let k = 0; k < 2 && p < b.length && b[p]! >= 0x30 && b[p]! <= 0x37; k++) v = v * 8 + (b[p++]! - 0x30);
              out[n++] = v & 0xff; // high-order overflow is ignored (§7.3.4.2)
            } else {
              out[n++] = e; // \( \) \\ and unknown escapes: the char itself
            }
        }
        continue;
      }
      if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) break;
      if (c === 0x0d) {
        // An unescaped EOL of any kind reads as a single LF (§7.3.4.2).
        if (b[p] === 0x0a) p++;
        out[n++] = 0x0a;
        continue;
      }
      out[n++] = c;
    }
    this.pos = p;
    return this.inFile
      ? new PdfString(out.slice(0, n), false, start, p)
      : new PdfString(out.slice(0, n), false);
  }

  private parseHexString(): PdfString {
    const b = this.bytes;
    const start = this.pos;
    const close = b.indexOf(0x3e /* > */, start + 1);
    if (close < 0) this.fail('unterminated hex string', start);
    const out = new Uint8Array((close - start) >> 1);
    let n = 0;
    let hi = -1;
    for (let p = start + 1; p < close; p++) {
      const c = b[p]!;
      const v = hexValue(c);
      if (v < 0) {
        if (WHITESPACE[c] === 1) continue;
        this.fail('invalid character in hex string', p);
      }
      if (hi < 0) hi = v;
      else {
        out[n++] = (hi << 4) | v;
        hi = -1;
      }
    }
    if (hi >= 0) out[n++] = hi << 4; // odd digit count: last digit is followed by an implied 0
    this.pos = close + 1;
    const bytes = n === out.length ? out : out.slice(0, n);
    return this.inFile ? new PdfString(bytes, true, start, close + 1) : new PdfString(bytes, true);
  }

  private parseArray(depth: number): PdfObject[] {
    const start = this.pos;
    this.pos++; // '['
    const arr: PdfObject[] = [];
    for (;;) {
      this.skipWs();
      if (this.pos >= this.bytes.length) this.fail('unterminated array', start);
      if (this.bytes[this.pos] === 0x5d /* ] */) {
        this.pos++;
        return arr;
      }
      arr.push(this.parseObject(depth + 1));
    }
  }

  private parseDict(depth: number): PdfDict {
    const start = this.pos;
    const b = this.bytes;
    this.pos += 2; // '<<'
    const d = new PdfDict();
    for (;;) {
      this.skipWs();
      if (this.pos >= b.length) this.fail('unterminated dictionary', start);
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return d;
      }
      if (b[this.pos] !== 0x2f) this.fail('dictionary key is not a name');
      const key = this.parseName().value;
      this.skipWs();
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) this.fail(`dictionary key /${key} has no value`);
      // Later duplicates win, as in most readers; the value is kept as written.
      d.set(key, this.parseObject(depth + 1));
    }
  }

  /**
   * Parses `num gen obj … endobj` at the current position (a stream if the object is a dictionary followed by
   * `stream`). A wrong or missing /Length falls back to searching for `endstream`.
   */
  parseIndirectObject(resolveLength?: LengthResolver): IndirectObject {
    const start = this.pos;
    const num = this.tryUnsignedInt();
    const gen = num === undefined ? undefined : this.tryUnsignedInt();
    if (num === undefined || gen === undefined || !this.tryKeyword('obj')) {
      this.fail('expected an object header "N G obj"', start);
    }
    let obj = this.parseObject();
    if (obj instanceof PdfDict && this.tryKeyword('stream')) obj = this.readStreamData(obj, resolveLength);
    // Tolerate a missing `endobj` (common in damaged files) but never read past it when it is there.
    this.skipWs();
    this.tryKeyword('endobj');
    return { num, gen, obj, end: this.pos };
  }

  private readStreamData(d: PdfDict, resolveLength?: LengthResolver): PdfStream {
    const b = this.bytes;
    // `stream` must be followed by CRLF or LF; tolerate a lone CR.
    if (b[this.pos] === 0x0d) this.pos++;
    if (b[this.pos] === 0x0a) this.pos++;
    const dataStart = this.pos;
    const lenObj = d.get('Length');
    let length: number | undefined;
    if (typeof lenObj === 'number') length = lenObj;
    else if (lenObj instanceof PdfRef && resolveLength) length = resolveLength(lenObj);
    let dataEnd = -1;
    if (length !== undefined && Number.isSafeInteger(length) && length >= 0 && dataStart + length <= b.length) {
      const p = new Parser(b, dataStart + length, this.inFile);
      p.skipWs();
      if (p.tryKeyword('endstream')) {
        dataEnd = dataStart + length;
        this.pos = p.pos;
      }
    }
    if (dataEnd < 0) {
      const kw = indexOfAscii(b, 'endstream', dataStart);
      if (kw < 0) this.fail('stream without endstream', dataStart);
      dataEnd = kw;
      // The EOL before `endstream` is not part of the data.
      if (dataEnd > dataStart && b[dataEnd - 1] === 0x0a) dataEnd--;
      if (dataEnd > dataStart && b[dataEnd - 1] === 0x0d) dataEnd--;
      this.pos = kw + 'endstream'.length;
    }
    return new PdfStream(d, b.subarray(dataStart, dataEnd), this.inFile ? dataStart : -1, this.inFile ? dataEnd : -1);
  }
}

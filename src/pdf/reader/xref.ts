/**
 * Cross-reference loading: classic tables + trailers, cross-reference streams, hybrid /XRefStm, and /Prev chains
 * (with loop detection and a length cap). Produces one section per xref in chain order (newest first).
 */
import { PdfParseError } from '../errors.js';
import { PdfDict, PdfObject, PdfStream, isName } from '../objects.js';
import { indexOfAscii, lastIndexOfAscii } from './chars.js';
import { decodeStreamData } from './filters.js';
import { Parser } from './parser.js';

export type XrefEntry =
  | { type: 0; gen: number } // free
  | { type: 1; offset: number; gen: number } // in use, at a byte offset
  | { type: 2; stream: number; index: number }; // in use, inside an object stream (generation is always 0)

export interface XrefSection {
  /** Byte offset of the section (`xref` keyword or the xref stream object). */
  offset: number;
  kind: 'table' | 'stream';
  trailer: PdfDict;
  entries: Map<number, XrefEntry>;
  /** Offset of the hybrid /XRefStm stream merged into this section, if any. */
  xrefStm: number | undefined;
  /** Offset just after the section (after the trailer dictionary or the xref stream's `endobj`). */
  end: number;
}

export interface XrefLimits {
  maxObjects: number;
  maxSections: number;
  maxDecodedSize: number;
  /** Decoded bytes left for the document (shared with its streams); xref streams draw from it too. */
  budget?: { remaining: number };
}

/** Finds the offset given by the last `startxref` in the file. */
export function findStartXref(bytes: Uint8Array): number {
  // Writers may leave some garbage after %%EOF; look in the last 4 KB only (bounded work).
  const at = lastIndexOfAscii(bytes, 'startxref', bytes.length, Math.max(0, bytes.length - 4096));
  if (at < 0) throw new PdfParseError('no "startxref" near the end of the file: truncated or not a PDF');
  const p = new Parser(bytes, at + 'startxref'.length);
  const off = p.tryUnsignedInt();
  if (off === undefined) throw new PdfParseError('"startxref" is not followed by an offset', at);
  if (off >= bytes.length) throw new PdfParseError(`startxref offset ${off} is beyond the end of the file (truncated?)`);
  return off;
}

function parseTable(bytes: Uint8Array, offset: number, limits: XrefLimits, count: { n: number }): XrefSection {
  const p: Parser = new Parser(bytes, offset);
  p.expectKeyword('xref');
  const entries = new Map<number, XrefEntry>();
  for (;;) {
    if (p.tryKeyword('trailer')) break;
    const first = p.tryUnsignedInt();
    const n = first === undefined ? undefined : p.tryUnsignedInt();
    if (first === undefined || n === undefined) p.fail('malformed xref subsection header (expected "first count" or "trailer")');
    // Each entry takes ≥ 4 bytes, so a count the remaining bytes cannot hold is a lie: refuse before looping.
    if (n > (bytes.length - p.pos) / 4) p.fail(`xref subsection claims ${n} entries, more than the file can hold`);
    for (let i = 0; i < n; i++) {
      const off = p.tryUnsignedInt();
      const gen = off === undefined ? undefined : p.tryUnsignedInt();
      p.skipWs();
      const kind = p.readToken();
      if (off === undefined || gen === undefined || (kind !== 'n' && kind !== 'f')) p.fail(`malformed xref entry ${i} of subsection ${first}`);
      const num = first + i;
      if (++count.n > limits.maxObjects) p.fail(`more than ${limits.maxObjects} cross-reference entries`);
      if (!entries.has(num)) entries.set(num, kind === 'n' ? { type: 1, offset: off, gen } : { type: 0, gen });
    }
  }
  const trailer = p.parseObject();
  if (!(trailer instanceof PdfDict)) p.fail('trailer is not a dictionary');
  return { offset, kind: 'table', trailer, entries, xrefStm: undefined, end: p.pos };
}

function wField(w: PdfObject | undefined): number[] {
  if (!Array.isArray(w) || w.length !== 3 || !w.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 8)) {
    throw new PdfParseError('xref stream /W must be an array of three integers 0..8');
  }
  return w as number[];
}

function parseStream(bytes: Uint8Array, offset: number, limits: XrefLimits, count: { n: number }): XrefSection {
  const p: Parser = new Parser(bytes, offset);
  const io = p.parseIndirectObject();
  const s = io.obj;
  if (!(s instanceof PdfStream) || !isName(s.dict.get('Type'), 'XRef')) {
    throw new PdfParseError('startxref/Prev/XRefStm does not point to an xref table or an xref stream', offset);
  }
  const d = s.dict;
  const [w0, w1, w2] = wField(d.get('W')) as [number, number, number];
  const rowLen = w0 + w1 + w2;
  if (rowLen === 0) throw new PdfParseError('xref stream /W is all zeros', offset);
  const size = d.get('Size');
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new PdfParseError('xref stream /Size is not a non-negative integer', offset);
  const index = d.get('Index') ?? [0, size];
  if (!Array.isArray(index) || index.length % 2 !== 0 || !index.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) {
    throw new PdfParseError('xref stream /Index must be pairs of non-negative integers', offset);
  }
  // Refuse before decoding if the declared entries exceed the budget, and decode no more than they need (plus PNG
  // predictor bytes and slack), so a long chain of huge xref streams cannot make us inflate gigabytes.
  let declared = 0;
  for (let i = 1; i < index.length; i += 2) declared += index[i] as number;
  if (count.n + declared > limits.maxObjects) throw new PdfParseError(`more than ${limits.maxObjects} cross-reference entries`, offset);
  const needed = declared * (rowLen + 1) + 4096;
  // /Filter and /DecodeParms of an xref stream must be direct (§7.5.8.2): no resolver needed.
  // Xref streams count against the document's decode budget too: re-opening a file's prefixes (one per revision)
  // must not inflate a huge xref stream again and again for free.
  const budget = limits.budget;
  if (budget && budget.remaining <= 0) throw new PdfParseError('total decoded stream data exceeds the document limit', offset);
  const meter = { produced: 0 };
  let data: Uint8Array;
  try {
    data = decodeStreamData(s, (o) => o, Math.min(limits.maxDecodedSize, needed, budget ? budget.remaining : Infinity), meter);
  } finally {
    if (budget) budget.remaining -= meter.produced;
  }
  const entries = new Map<number, XrefEntry>();
  let pos = 0;
  const readField = (width: number): number => {
    let v = 0;
    for (let k = 0; k < width; k++) v = v * 256 + data[pos++]!;
    return v;
  };
  for (let i = 0; i < index.length; i += 2) {
    const first = index[i] as number;
    const n = index[i + 1] as number;
    if (n * rowLen > data.length - pos) throw new PdfParseError(`xref stream data too short for /Index subsection ${first} ${n}`, offset);
    for (let k = 0; k < n; k++) {
      if (++count.n > limits.maxObjects) throw new PdfParseError(`more than ${limits.maxObjects} cross-reference entries`);
      const type = w0 === 0 ? 1 : readField(w0);
      const f2 = readField(w1);
      const f3 = readField(w2);
      const num = first + k;
      if (entries.has(num)) continue;
      if (type === 0) entries.set(num, { type: 0, gen: f3 });
      else if (type === 1) entries.set(num, { type: 1, offset: f2, gen: f3 });
      else if (type === 2) entries.set(num, { type: 2, stream: f2, index: f3 });
      // Other types are reserved and must be ignored (treated as the null object) — leave them out.
    }
  }
  return { offset, kind: 'stream', trailer: d, entries, xrefStm: undefined, end: io.end };
}

function parseSection(bytes: Uint8Array, offset: number, limits: XrefLimits, count: { n: number }): XrefSection {
  const p: Parser = new Parser(bytes, offset);
  if (p.tryKeyword('xref')) {
    const section = parseTable(bytes, offset, limits, count);
    const stm = section.trailer.get('XRefStm');
    if (typeof stm === 'number' && Number.isSafeInteger(stm) && stm >= 0 && stm < bytes.length) {
      // Hybrid file: the table lists compressed objects as free for old readers; the stream has the truth.
      const extra = parseStream(bytes, stm, limits, count);
      for (const [num, e] of extra.entries) {
        const mine = section.entries.get(num);
        if (mine === undefined || mine.type === 0) section.entries.set(num, e);
      }
      section.xrefStm = stm;
    }
    return section;
  }
  return parseStream(bytes, offset, limits, count);
}

/** Loads the whole /Prev chain starting at `startXref`; newest section first. */
export function loadXrefChain(bytes: Uint8Array, startXref: number, limits: XrefLimits): XrefSection[] {
  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  const count = { n: 0 };
  let offset: number | undefined = startXref;
  while (offset !== undefined) {
    if (seen.has(offset)) throw new PdfParseError(`/Prev chain loops back to offset ${offset}`);
    if (sections.length >= limits.maxSections) throw new PdfParseError(`more than ${limits.maxSections} cross-reference sections`);
    if (offset < 0 || offset >= bytes.length) throw new PdfParseError(`cross-reference offset ${offset} is outside the file (truncated?)`);
    seen.add(offset);
    const section = parseSection(bytes, offset, limits, count);
    sections.push(section);
    const prev = section.trailer.get('Prev');
    if (prev === undefined || prev === null) offset = undefined;
    else if (typeof prev === 'number' && Number.isSafeInteger(prev)) offset = prev;
    else throw new PdfParseError('trailer /Prev is not an integer offset', section.offset);
  }
  return sections;
}

/** Offset just after the `%%EOF` (and one optional EOL) that closes the revision whose xref ends at `from`. */
export function revisionEnd(bytes: Uint8Array, from: number): number {
  const at = indexOfAscii(bytes, '%%EOF', from);
  if (at < 0) return bytes.length;
  let end = at + 5;
  if (bytes[end] === 0x0d) end++;
  if (bytes[end] === 0x0a) end++;
  return end;
}

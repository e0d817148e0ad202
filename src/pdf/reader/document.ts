/**
 * `openPdf`: a lazily-resolving view of a PDF file. Only the xref chain is read up front; objects are parsed on
 * first use and cached, so signing a document touches only the handful of objects it needs.
 */
import { PdfParseError } from '../errors.js';
import { PdfDict, PdfObject, PdfRef, PdfStream, isName } from '../objects.js';
import { indexOfAscii } from './chars.js';
import { DEFAULT_MAX_DECODED_SIZE, decodeStreamData } from './filters.js';
import { Parser } from './parser.js';
import { XrefEntry, XrefSection, findStartXref, loadXrefChain, revisionEnd } from './xref.js';

export interface OpenPdfOptions {
  /** Cap on any single decoded stream (bytes). Default 64 MiB. */
  maxDecodedSize?: number;
  /** Cap on all bytes decoded (xref streams, `decodeStream`) over the document's life. Default 64 MiB. */
  maxTotalDecodedSize?: number;
  /**
   * Draw decoded bytes from this budget instead of a fresh one (maxTotalDecodedSize is then ignored). Give the
   * budget of the whole file when opening a prefix of it again (a revision), so re-opening cannot multiply the work.
   */
  decodeBudget?: DecodeBudget;
  /** Cap on the number of cross-reference entries over all sections. Default 1,000,000. */
  maxObjects?: number;
  /** Cap on the length of the /Prev chain. Default 1,000. */
  maxRevisions?: number;
}

export interface PdfRevision {
  /** 0 = original file, increasing in file order. */
  index: number;
  /** Offset just after this revision's `%%EOF` and one optional EOL: the bytes [0, end) are this revision. */
  end: number;
  /** Offset of the cross-reference section (table or stream) of this revision. */
  xrefOffset: number;
  xrefKind: 'table' | 'stream';
  /** Offset of a hybrid /XRefStm stream, if the revision has one. */
  xrefStmOffset: number | undefined;
  trailer: PdfDict;
  /** Object numbers this revision defines or redefines (in-use entries). */
  objects: Set<number>;
  /** Object numbers this revision marks free (deleted), excluding object 0. */
  freed: Set<number>;
}

export interface PdfPage {
  ref: PdfRef;
  dict: PdfDict;
}

type ResolvedEntry = XrefEntry & { revision: number };

/** Bytes that may still be decoded; shared by every document opened with it. */
export interface DecodeBudget {
  remaining: number;
}

/**
 * Why 64 MiB: inflating runs at ~60 MB/s on a small shared core, so this bounds a decompression bomb to about a
 * second and its retained memory (cached object streams) to 64 MiB. Issued documents decode well under 1 MiB; a
 * 20 MB file whose object streams compress 3:1 still fits. It used to be 512 MiB: a 1 MB file of object-stream
 * bombs then took ~10 s and ~500 MB of RSS to verify (found by the hostile-graph tests).
 */
export const DEFAULT_MAX_TOTAL_DECODED_SIZE = 64 * 1024 * 1024;

interface ObjStm {
  data: Uint8Array;
  /** Object number and offset (relative to the whole decoded data) of each object. */
  nums: number[];
  offsets: number[];
}

const MAX_REF_HOPS = 32;

export class PdfDocument {
  readonly bytes: Uint8Array;
  /** Offset of the newest cross-reference section (from the last `startxref`). */
  readonly startXref: number;
  /** The newest trailer (for an xref stream, its dictionary). */
  readonly trailer: PdfDict;
  /** Revisions in file order; the last one is the newest. */
  readonly revisions: PdfRevision[];
  readonly maxDecodedSize: number;
  /** Remaining budget of decoded bytes (see OpenPdfOptions.maxTotalDecodedSize and decodeBudget). */
  readonly decodeBudget: DecodeBudget;
  /** Kind of the section `startxref` points to: the style an incremental update must follow. */
  private readonly startXrefKind: 'table' | 'stream';

  private readonly entries = new Map<number, ResolvedEntry>();
  private readonly cache = new Map<number, PdfObject>();
  private readonly objStms = new Map<number, ObjStm>();
  private readonly loading = new Set<number>();
  private catalogCache: PdfDict | undefined;

  constructor(bytes: Uint8Array, options: OpenPdfOptions = {}) {
    if (!(bytes instanceof Uint8Array)) throw new PdfParseError('input is not a Uint8Array');
    this.bytes = bytes;
    this.maxDecodedSize = options.maxDecodedSize ?? DEFAULT_MAX_DECODED_SIZE;
    this.decodeBudget = options.decodeBudget ?? { remaining: options.maxTotalDecodedSize ?? DEFAULT_MAX_TOTAL_DECODED_SIZE };
    if (indexOfAscii(bytes, '%PDF-', 0, 1024) < 0) throw new PdfParseError('not a PDF: no "%PDF-" header in the first 1024 bytes');
    this.startXref = findStartXref(bytes);
    const sections = loadXrefChain(bytes, this.startXref, {
      maxObjects: options.maxObjects ?? 1_000_000,
      maxSections: options.maxRevisions ?? 1000,
      maxDecodedSize: this.maxDecodedSize,
      budget: this.decodeBudget,
    });
    this.trailer = sections[0]!.trailer;
    const { revisions, sectionRevision } = buildRevisions(bytes, sections);
    this.revisions = revisions;
    this.startXrefKind = sections[0]!.kind;
    // Newest definition wins: walk the chain newest-first and keep the first entry seen for each number.
    for (const [i, s] of sections.entries()) {
      const revision = sectionRevision[i]!;
      for (const [num, e] of s.entries) if (!this.entries.has(num)) this.entries.set(num, { ...e, revision });
    }
    if (this.trailer.has('Encrypt')) {
      // Strings and streams would be ciphertext: refuse clearly instead of returning garbage.
      throw new PdfParseError('encrypted PDFs are not supported');
    }
  }

  /** The newest /Size (one more than the highest object number in use, by the writer's promise). */
  get size(): number {
    const s = this.trailer.get('Size');
    return typeof s === 'number' && Number.isSafeInteger(s) && s >= 0 ? s : 0;
  }

  get xrefKind(): 'table' | 'stream' {
    return this.startXrefKind;
  }

  /** The cross-reference entry currently in force for an object number, with the revision that defined it. */
  entry(num: number): ResolvedEntry | undefined {
    return this.entries.get(num);
  }

  /** Object numbers with an in-use entry, ascending. */
  objectNumbers(): number[] {
    const out: number[] = [];
    for (const [num, e] of this.entries) if (e.type !== 0 && num > 0) out.push(num);
    return out.sort((a, b) => a - b);
  }

  /** The object `ref` points to; null for missing or free objects or a generation mismatch (§7.3.10). */
  getObject(ref: PdfRef | { num: number; gen: number }): PdfObject {
    const e = this.entries.get(ref.num);
    if (e === undefined || e.type === 0) return null;
    if ((e.type === 1 ? e.gen : 0) !== ref.gen) return null;
    const cached = this.cache.get(ref.num);
    if (cached !== undefined) return cached;
    if (this.loading.has(ref.num)) throw new PdfParseError(`circular reference while loading object ${ref.num}`);
    this.loading.add(ref.num);
    try {
      const obj = e.type === 1 ? this.loadAt(ref.num, e.offset, e.gen) : this.loadCompressed(ref.num, e.stream, e.index);
      this.cache.set(ref.num, obj);
      return obj;
    } finally {
      this.loading.delete(ref.num);
    }
  }

  /** Follows references until a direct object (null for dangling references). */
  resolve(obj: PdfObject | undefined): PdfObject {
    let o: PdfObject | undefined = obj;
    for (let hops = 0; o instanceof PdfRef; hops++) {
      if (hops >= MAX_REF_HOPS) throw new PdfParseError('reference chain too long');
      o = this.getObject(o);
    }
    return o === undefined ? null : o;
  }

  /** Resolved value of `d[key]` if it is a dictionary (a stream's dictionary is not returned), else undefined. */
  getDict(d: PdfDict, key: string): PdfDict | undefined {
    const v = this.resolve(d.get(key));
    return v instanceof PdfDict ? v : undefined;
  }

  getArray(d: PdfDict, key: string): PdfObject[] | undefined {
    const v = this.resolve(d.get(key));
    return Array.isArray(v) ? v : undefined;
  }

  getNumber(d: PdfDict, key: string): number | undefined {
    const v = this.resolve(d.get(key));
    return typeof v === 'number' ? v : undefined;
  }

  getStream(d: PdfDict, key: string): PdfStream | undefined {
    const v = this.resolve(d.get(key));
    return v instanceof PdfStream ? v : undefined;
  }

  /** The document catalog (trailer /Root). */
  get catalog(): PdfDict {
    if (this.catalogCache) return this.catalogCache;
    const root = this.trailer.get('Root');
    if (!(root instanceof PdfRef)) throw new PdfParseError('trailer /Root is missing or not an indirect reference');
    const cat = this.getObject(root);
    if (!(cat instanceof PdfDict)) throw new PdfParseError('trailer /Root does not point to a dictionary');
    this.catalogCache = cat;
    return cat;
  }

  get catalogRef(): PdfRef {
    this.catalog; // validates
    return this.trailer.get('Root') as PdfRef;
  }

  /** Decodes a stream's data (filters, predictors) with the document's size cap. */
  decodeStream(stream: PdfStream, maxSize = this.maxDecodedSize): Uint8Array {
    if (this.decodeBudget.remaining <= 0) throw new PdfParseError('total decoded stream data exceeds the document limit');
    // Charge what was inflated even when the decode fails: a bomb stopped at its cap did that work. Found by the
    // hostile-graph tests: a /DSS listing one bomb 3,000 times inflated 4 MB per entry, free, for two minutes.
    const meter = { produced: 0 };
    let charged = 0;
    try {
      const data = decodeStreamData(stream, (o) => (o === undefined ? undefined : this.resolve(o)), Math.min(maxSize, this.decodeBudget.remaining), meter);
      charged = Math.max(meter.produced, data.length);
      return data;
    } catch (e) {
      charged = meter.produced;
      throw e;
    } finally {
      this.decodeBudget.remaining -= charged;
    }
  }

  /** Walks the page tree depth-first in page order, refusing loops. Lazy: stop early to read only what you need. */
  *iteratePages(): Generator<PdfPage> {
    const rootRef = this.catalog.get('Pages');
    if (!(rootRef instanceof PdfRef)) throw new PdfParseError('catalog /Pages is missing or not an indirect reference');
    const visited = new Set<number>();
    const stack: PdfRef[] = [rootRef];
    while (stack.length) {
      const r = stack.pop()!;
      if (visited.has(r.num)) throw new PdfParseError(`page tree loops back to object ${r.num}`);
      visited.add(r.num);
      const node = this.getObject(r);
      if (!(node instanceof PdfDict)) throw new PdfParseError(`page tree node ${r} is not a dictionary`);
      const kids = node.get('Kids');
      if (isName(node.get('Type'), 'Pages') || (node.get('Type') === undefined && kids !== undefined)) {
        const arr = this.resolve(kids);
        if (!Array.isArray(arr)) throw new PdfParseError(`page tree node ${r} has no /Kids array`);
        for (let i = arr.length - 1; i >= 0; i--) {
          const k = arr[i];
          if (!(k instanceof PdfRef)) throw new PdfParseError(`page tree node ${r} has a /Kids entry that is not a reference`);
          stack.push(k);
        }
      } else {
        yield { ref: r, dict: node };
      }
    }
  }

  pages(): PdfPage[] {
    return [...this.iteratePages()];
  }

  firstPage(): PdfPage {
    const first = this.iteratePages().next();
    if (first.done) throw new PdfParseError('the document has no pages');
    return first.value;
  }

  private loadAt(num: number, offset: number, gen: number): PdfObject {
    if (offset >= this.bytes.length) throw new PdfParseError(`object ${num} offset ${offset} is beyond the end of the file`);
    const p = new Parser(this.bytes, offset);
    const io = p.parseIndirectObject((lenRef) => {
      // A /Length that cannot be resolved (missing, circular, broken) is not fatal: the parser then searches for
      // `endstream`, as for a wrong direct /Length.
      try {
        const v = this.getObject(lenRef);
        return typeof v === 'number' ? v : undefined;
      } catch (e) {
        if (e instanceof PdfParseError) return undefined;
        throw e;
      }
    });
    if (io.num !== num || io.gen !== gen) {
      throw new PdfParseError(`xref entry for object ${num} ${gen} points to object ${io.num} ${io.gen}`, offset);
    }
    return io.obj;
  }

  private loadCompressed(num: number, streamNum: number, index: number): PdfObject {
    const stm = this.objectStream(streamNum);
    if (index >= stm.nums.length) throw new PdfParseError(`object ${num}: index ${index} is outside object stream ${streamNum}`);
    if (stm.nums[index] !== num) throw new PdfParseError(`object stream ${streamNum} holds object ${stm.nums[index]} at index ${index}, not ${num}`);
    const p = new Parser(stm.data, stm.offsets[index]!, false);
    return p.parseObject();
  }

  private objectStream(streamNum: number): ObjStm {
    const cached = this.objStms.get(streamNum);
    if (cached) return cached;
    const e = this.entries.get(streamNum);
    if (e === undefined || e.type !== 1) throw new PdfParseError(`object stream ${streamNum} is missing or itself compressed`);
    const s = this.getObject({ num: streamNum, gen: e.gen });
    if (!(s instanceof PdfStream) || !isName(s.dict.get('Type'), 'ObjStm')) throw new PdfParseError(`object ${streamNum} is not an object stream`);
    const n = this.resolve(s.dict.get('N'));
    const first = this.resolve(s.dict.get('First'));
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new PdfParseError(`object stream ${streamNum}: /N is not a non-negative integer`);
    if (typeof first !== 'number' || !Number.isSafeInteger(first) || first < 0) throw new PdfParseError(`object stream ${streamNum}: /First is not a non-negative integer`);
    const data = this.decodeStream(s);
    if (first > data.length || n * 4 > first) throw new PdfParseError(`object stream ${streamNum}: /N ${n} and /First ${first} do not fit its data`);
    const header = new Parser(data.subarray(0, first), 0, false);
    const nums: number[] = [];
    const offsets: number[] = [];
    for (let i = 0; i < n; i++) {
      const objNum = header.tryUnsignedInt();
      const off = objNum === undefined ? undefined : header.tryUnsignedInt();
      if (objNum === undefined || off === undefined) throw new PdfParseError(`object stream ${streamNum}: malformed header entry ${i}`);
      if (first + off >= data.length) throw new PdfParseError(`object stream ${streamNum}: offset of object ${objNum} is outside the stream`);
      nums.push(objNum);
      offsets.push(first + off);
    }
    const stm = { data, nums, offsets };
    this.objStms.set(streamNum, stm);
    return stm;
  }
}

/**
 * Groups xref sections into revisions in file order. Sections closed by the same `%%EOF` are one revision (a
 * linearized file's first-page and main xref, for instance). Returns the revision index of each section too.
 */
function buildRevisions(bytes: Uint8Array, sections: XrefSection[]): { revisions: PdfRevision[]; sectionRevision: number[] } {
  const byEnd = new Map<number, PdfRevision>();
  const ends = sections.map((s) => revisionEnd(bytes, s.end));
  // Chain order is newest first, so the first section met for an end is the one its trailer speaks for.
  sections.forEach((s, i) => {
    const end = ends[i]!;
    let rev = byEnd.get(end);
    if (!rev) {
      rev = { index: 0, end, xrefOffset: s.offset, xrefKind: s.kind, xrefStmOffset: s.xrefStm, trailer: s.trailer, objects: new Set(), freed: new Set() };
      byEnd.set(end, rev);
    }
    for (const [num, e] of s.entries) {
      if (e.type === 0) {
        if (num !== 0 && !rev.objects.has(num)) rev.freed.add(num);
      } else {
        rev.objects.add(num);
        rev.freed.delete(num);
      }
    }
  });
  // File order, not chain order: the verifier compares signed byte ranges against revision ends.
  const revisions = [...byEnd.values()].sort((a, b) => a.end - b.end);
  revisions.forEach((r, i) => (r.index = i));
  return { revisions, sectionRevision: ends.map((e) => byEnd.get(e)!.index) };
}

/** Opens a PDF. Throws PdfParseError for anything it cannot read. */
export function openPdf(bytes: Uint8Array, options?: OpenPdfOptions): PdfDocument {
  return new PdfDocument(bytes, options);
}

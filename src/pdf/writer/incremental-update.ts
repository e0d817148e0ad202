/**
 * Incremental updates (ISO 32000-1 §7.5.6): the original bytes stay untouched and new or replaced objects, a
 * cross-reference section in the same style as the file's newest one, and a trailer are appended. Earlier
 * signatures stay valid because their byte ranges still hash to the same value.
 */
import { PdfWriteError } from '../errors.js';
import { PdfDict, PdfName, PdfObject, PdfRef, PdfStream, PdfString } from '../objects.js';
import { PdfDocument, openPdf } from '../reader/document.js';
import { ByteBuilder } from './byte-builder.js';
import { WritableObject, writeIndirectObject, writeObject } from './serialize.js';

export interface ObjectChange {
  /** Object to replace (or a number allocated with `IncrementalUpdate.allocate`); omitted = a new object. */
  ref?: { num: number; gen: number };
  obj: WritableObject | PdfStream;
}

export interface UpdateResult {
  pdf: Uint8Array;
  /** Where each written object landed: reference → offset in `pdf`. */
  offsets: Map<number, number>;
  /** Placeholder marks (absolute offsets in `pdf`). */
  marks: Map<string, { start: number; end: number }>;
  /** Offset of the new cross-reference section. */
  xrefOffset: number;
}

const MAX_GEN = 65535;

export class IncrementalUpdate {
  private nextNum: number;
  private readonly objects = new Map<number, { gen: number; obj: WritableObject | PdfStream }>();

  constructor(readonly doc: PdfDocument) {
    if (doc.trailer.has('Encrypt')) throw new PdfWriteError('cannot update an encrypted PDF');
    // New numbers start at /Size; guard against a /Size smaller than the numbers actually in use.
    const nums = doc.objectNumbers();
    this.nextNum = Math.max(doc.size, (nums[nums.length - 1] ?? 0) + 1);
  }

  /** Reserves a new object number (generation 0) to be defined later with `set`. */
  allocate(): PdfRef {
    return new PdfRef(this.nextNum++, 0);
  }

  /** Adds a new object and returns its reference. */
  add(obj: WritableObject | PdfStream): PdfRef {
    const r = this.allocate();
    this.objects.set(r.num, { gen: 0, obj });
    return r;
  }

  /** Defines or replaces the object `ref`. Replacing keeps the generation in force for that number. */
  set(ref: { num: number; gen: number }, obj: WritableObject | PdfStream): void {
    if (!Number.isSafeInteger(ref.num) || ref.num <= 0) throw new PdfWriteError(`invalid object number ${ref.num}`);
    if (!Number.isSafeInteger(ref.gen) || ref.gen < 0 || ref.gen > MAX_GEN) throw new PdfWriteError(`invalid generation ${ref.gen} for object ${ref.num}`);
    const e = this.doc.entry(ref.num);
    if (e && e.type !== 0) {
      const gen = e.type === 1 ? e.gen : 0;
      if (gen !== ref.gen) throw new PdfWriteError(`object ${ref.num} is in use with generation ${gen}, not ${ref.gen}`);
    } else if (ref.num >= this.nextNum) {
      this.nextNum = ref.num + 1;
    }
    this.objects.set(ref.num, { gen: ref.gen, obj });
  }

  has(num: number): boolean {
    return this.objects.has(num);
  }

  /** Serializes the update: original bytes + objects + xref + trailer. */
  build(options: { id?: [Uint8Array, Uint8Array] } = {}): UpdateResult {
    const doc = this.doc;
    const stream = doc.xrefKind === 'stream';
    const xrefNum = stream ? this.allocate().num : -1;
    const out = new ByteBuilder(doc.bytes.length + 8192);
    out.bytes(doc.bytes);
    const last = doc.bytes[doc.bytes.length - 1];
    if (last !== 0x0a && last !== 0x0d) out.byte(0x0a); // the update must start on a fresh line

    const offsets = new Map<number, number>();
    const gens = new Map<number, number>();
    for (const num of [...this.objects.keys()].sort((a, b) => a - b)) {
      const { gen, obj } = this.objects.get(num)!;
      offsets.set(num, out.length);
      gens.set(num, gen);
      writeIndirectObject(out, num, gen, obj);
    }

    const size = this.nextNum;
    const trailer = new PdfDict();
    trailer.set('Size', size);
    const root = doc.trailer.get('Root');
    if (!(root instanceof PdfRef)) throw new PdfWriteError('the document trailer has no /Root reference');
    trailer.set('Root', root);
    const info = doc.trailer.get('Info');
    if (info instanceof PdfRef) trailer.set('Info', info);
    trailer.set('ID', trailerId(doc, options.id));
    trailer.set('Prev', doc.startXref);

    const xrefOffset = out.length;
    if (stream) {
      offsets.set(xrefNum, xrefOffset);
      gens.set(xrefNum, 0);
      writeXrefStream(out, xrefNum, trailer, offsets, gens);
    } else {
      writeXrefTable(out, offsets, gens);
      out.ascii('trailer\n');
      writeObject(out, trailer);
      out.ascii('\n');
    }
    out.ascii(`startxref\n${xrefOffset}\n%%EOF\n`);
    return { pdf: out.toBytes(), offsets, marks: out.marks, xrefOffset };
  }
}

/** The previous /ID kept as is (PDF/A requires an ID; keeping both halves keeps the document's identity). */
function trailerId(doc: PdfDocument, explicit?: [Uint8Array, Uint8Array]): PdfObject {
  if (explicit) return [new PdfString(explicit[0], true), new PdfString(explicit[1], true)];
  const prev = doc.resolve(doc.trailer.get('ID'));
  if (Array.isArray(prev) && prev.length === 2 && prev.every((x) => x instanceof PdfString)) return prev;
  const id = new Uint8Array(16);
  globalThis.crypto.getRandomValues(id);
  return [new PdfString(id, true), new PdfString(id, true)];
}

/** Runs of consecutive object numbers, for xref subsections. */
function runs(nums: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of nums) {
    const lastRun = out[out.length - 1];
    if (lastRun && lastRun[0] + lastRun[1] === n) lastRun[1]++;
    else out.push([n, 1]);
  }
  return out;
}

function writeXrefTable(out: ByteBuilder, offsets: Map<number, number>, gens: Map<number, number>): void {
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  out.ascii('xref\n');
  // Object 0 heads the free list; listing it keeps strict readers happy about every section.
  out.ascii('0 1\n0000000000 65535 f\r\n');
  for (const [first, count] of runs(nums)) {
    out.ascii(`${first} ${count}\n`);
    for (let n = first; n < first + count; n++) {
      // Exactly 20 bytes per entry (§7.5.4).
      out.ascii(`${String(offsets.get(n)!).padStart(10, '0')} ${String(gens.get(n)!).padStart(5, '0')} n\r\n`);
    }
  }
}

function bytesFor(v: number): number {
  let w = 1;
  while (v >= 2 ** (8 * w)) w++;
  return w;
}

function writeXrefStream(
  out: ByteBuilder,
  xrefNum: number,
  trailer: PdfDict,
  offsets: Map<number, number>,
  gens: Map<number, number>,
): void {
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  const wOff = bytesFor(Math.max(...offsets.values()));
  const wGen = bytesFor(Math.max(0, ...gens.values()));
  const rowLen = 1 + wOff + wGen;
  const data = new Uint8Array(nums.length * rowLen);
  nums.forEach((n, i) => {
    let p = i * rowLen;
    data[p++] = 1;
    const put = (v: number, w: number): void => {
      for (let k = w - 1; k >= 0; k--) data[p++] = Math.floor(v / 2 ** (8 * k)) & 0xff;
    };
    put(offsets.get(n)!, wOff);
    put(gens.get(n)!, wGen);
  });
  const d = new PdfDict();
  d.set('Type', PdfName.of('XRef'));
  for (const [k, v] of trailer.map) d.set(k, v);
  d.set('Index', runs(nums).flat());
  d.set('W', [1, wOff, wGen]);
  // Uncompressed: a few dozen bytes, and deterministic without depending on a deflate implementation.
  writeIndirectObject(out, xrefNum, 0, new PdfStream(d, data));
}

/**
 * Appends one incremental update with `changes` (new objects get numbers from the previous /Size upwards, in the
 * order given). Returns the new file and the references assigned.
 */
export function appendIncrementalUpdate(
  pdf: Uint8Array | PdfDocument,
  changes: ObjectChange[],
  options: { id?: [Uint8Array, Uint8Array] } = {},
): UpdateResult & { refs: PdfRef[] } {
  const doc = pdf instanceof PdfDocument ? pdf : openPdf(pdf);
  const upd = new IncrementalUpdate(doc);
  const refs = changes.map((c, i) => {
    if (c === null || typeof c !== 'object' || !('obj' in c)) throw new PdfWriteError(`changes[${i}] must be { ref?, obj }`);
    if (c.ref) {
      upd.set(c.ref, c.obj);
      return new PdfRef(c.ref.num, c.ref.gen);
    }
    return upd.add(c.obj);
  });
  return { ...upd.build(options), refs };
}

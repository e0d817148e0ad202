/**
 * Writes small hostile PDFs by hand for the hostile-graph tests: whole files from a list of object bodies, and
 * incremental updates appended to a genuine signed document (so the hostile objects are met by every stage of
 * verification: signature fields, DSS, later-revision analysis, embedded files). Offsets are computed, never guessed.
 */
import { PdfDict, openPdf, serializeObject } from '../../../src/pdf/index.js';

export type Body = string | Uint8Array;

const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** `<< dict >> stream … endstream` with the true /Length (extra dictionary entries in `dict`). */
export function stream(dict: string, data: Uint8Array, length: number | string = data.length): Uint8Array {
  return concat([enc(`<< /Length ${length} ${dict} >>\nstream\n`), data, enc('\nendstream')]);
}

/** Objects and an xref table with one subsection per run of consecutive numbers. */
function writeObjects(parts: Uint8Array[], start: number, objects: { num: number; body: Body }[]): { offsets: Map<number, number>; end: number } {
  let pos = start;
  const offsets = new Map<number, number>();
  for (const { num, body } of objects) {
    const chunk = concat([enc(`${num} 0 obj\n`), typeof body === 'string' ? enc(body) : body, enc('\nendobj\n')]);
    offsets.set(num, pos);
    parts.push(chunk);
    pos += chunk.length;
  }
  return { offsets, end: pos };
}

function xrefTable(offsets: Map<number, number>, withZero: boolean): string {
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  const lines: string[] = ['xref\n'];
  if (withZero) lines.push('0 1\n0000000000 65535 f \n');
  for (let i = 0; i < nums.length; ) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    lines.push(`${nums[i]} ${j - i + 1}\n`);
    for (let k = i; k <= j; k++) lines.push(`${String(offsets.get(nums[k]!)).padStart(10, '0')} 00000 n \n`);
    i = j + 1;
  }
  return lines.join('');
}

/** A complete PDF whose objects are numbered 1… in order; object 1 is the catalog unless `trailer` says otherwise. */
export function buildPdf(bodies: Body[], trailer = '/Root 1 0 R'): Uint8Array {
  const parts: Uint8Array[] = [enc('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')];
  const { offsets, end } = writeObjects(parts, parts[0]!.length, bodies.map((body, i) => ({ num: i + 1, body })));
  parts.push(enc(`${xrefTable(offsets, true)}trailer\n<< /Size ${bodies.length + 1} ${trailer} >>\nstartxref\n${end}\n%%EOF\n`));
  return concat(parts);
}

/**
 * Appends an incremental update (classic xref table, /Prev to the previous section) defining or redefining the
 * given objects. `root` replaces the trailer /Root (default: keep it). New object numbers start at the old /Size.
 */
export function appendRevision(base: Uint8Array, objects: { num: number; body: Body }[], opts: { root?: string; extraTrailer?: string } = {}): Uint8Array {
  const doc = openPdf(base);
  const parts: Uint8Array[] = [base];
  const sep = base[base.length - 1] === 0x0a ? new Uint8Array(0) : enc('\n');
  parts.push(sep);
  const { offsets, end } = writeObjects(parts, base.length + sep.length, objects);
  const size = Math.max(doc.size, ...objects.map((o) => o.num + 1));
  const root = opts.root ?? `${doc.catalogRef.num} ${doc.catalogRef.gen} R`;
  parts.push(enc(`${xrefTable(offsets, false)}trailer\n<< /Size ${size} /Root ${root} /Prev ${doc.startXref} ${opts.extraTrailer ?? ''} >>\nstartxref\n${end}\n%%EOF\n`));
  return concat(parts);
}

/**
 * The catalog of `pdf` rewritten with some entries replaced (raw PDF syntax per key; null removes the key), as an
 * object for appendRevision: how an attacker's incremental update would hook new objects into the document.
 */
export function changedCatalog(pdf: Uint8Array, entries: Record<string, string | null>): { num: number; body: Uint8Array } {
  const doc = openPdf(pdf);
  const kept = new PdfDict([...doc.catalog.map].filter(([k]) => !(k in entries)));
  const text = new TextDecoder('latin1').decode(serializeObject(kept));
  const extra = Object.entries(entries)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `/${k} ${v}`)
    .join(' ');
  return { num: doc.catalogRef.num, body: enc(`${text.slice(0, -2)} ${extra} >>`) };
}

/**
 * A complete PDF with a cross-reference stream (no filter, /W [1 4 2]). `compressed` places objects inside object
 * streams: number → [object stream number, index]. The xref stream itself gets the next free number.
 */
export function buildPdfWithXrefStream(bodies: Map<number, Body>, compressed: Map<number, [number, number]>, trailer = '/Root 1 0 R'): Uint8Array {
  const parts: Uint8Array[] = [enc('%PDF-1.7\n')];
  const { offsets, end } = writeObjects(parts, parts[0]!.length, [...bodies].map(([num, body]) => ({ num, body })));
  const xrefNum = Math.max(0, ...bodies.keys(), ...compressed.keys()) + 1;
  const size = xrefNum + 1;
  const rows = new Uint8Array(size * 7);
  const row = (num: number, type: number, f2: number, f3: number) => {
    const o = num * 7;
    rows[o] = type;
    rows[o + 1] = (f2 >>> 24) & 0xff;
    rows[o + 2] = (f2 >>> 16) & 0xff;
    rows[o + 3] = (f2 >>> 8) & 0xff;
    rows[o + 4] = f2 & 0xff;
    rows[o + 5] = (f3 >>> 8) & 0xff;
    rows[o + 6] = f3 & 0xff;
  };
  row(0, 0, 0, 65535);
  for (const [num, off] of offsets) row(num, 1, off, 0);
  for (const [num, [stm, idx]] of compressed) row(num, 2, stm, idx);
  row(xrefNum, 1, end, 0);
  parts.push(enc(`${xrefNum} 0 obj\n`), stream(`/Type /XRef /W [1 4 2] /Size ${size} ${trailer}`, rows), enc(`\nendobj\nstartxref\n${end}\n%%EOF\n`));
  return concat(parts);
}

/** Same width as the longest ByteRange written here, so filling it moves nothing. */
export const BYTERANGE_PLACEHOLDER = '[BYTERANGE                                      ]';

/**
 * Writes the true /ByteRange of the (single) signature whose dictionary holds `/ByteRange [BYTERANGE]` and whose
 * /Contents hex string follows it, so the verifier goes past the ByteRange check into the CMS parser.
 */
export function fillByteRange(pdf: Uint8Array): Uint8Array {
  const text = new TextDecoder('latin1').decode(pdf);
  const placeholder = BYTERANGE_PLACEHOLDER;
  const at = text.indexOf(placeholder);
  if (at < 0) throw new Error('fillByteRange: no /ByteRange placeholder');
  const open = text.indexOf('/Contents <', at) + '/Contents '.length;
  const close = text.indexOf('>', open) + 1;
  const value = `[0 ${open} ${close} ${pdf.length - close}]`.padEnd(placeholder.length, ' ');
  const out = pdf.slice();
  out.set(enc(value), at);
  return out;
}

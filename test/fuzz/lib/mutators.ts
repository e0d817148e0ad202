/**
 * Input generators for the verifier fuzzer: byte-level mutations of genuine signed documents, splices between two
 * documents, structure-aware edits of the numbers a PDF reader trusts (/ByteRange, /Length, xref offsets, startxref…)
 * and random files behind a `%PDF-` header. Pure functions of (Rng, corpus): the same seed gives the same input.
 */
import { deflateSync } from 'fflate';
import type { Rng } from './prng.js';

export interface FuzzInput {
  /** Mutation kind (generator name), for statistics and replay messages. */
  kind: string;
  /** Name of the corpus document it started from ('' for inputs made from nothing). */
  base: string;
  bytes: Uint8Array;
  /** What was done, briefly (offsets, lengths), to read a failure without rerunning it. */
  note: string;
}

export interface MutableDoc {
  name: string;
  bytes: Uint8Array;
  signedRanges: readonly (readonly [number, number])[];
  /** Ranges of document timestamps (two per timestamp), if any. */
  timestampRanges?: readonly (readonly [number, number])[];
}

/** Signature and document-timestamp ranges together, two per field: [start, '<') and ('>' + 1, end). */
const allRanges = (d: MutableDoc) => [...d.signedRanges, ...(d.timestampRanges ?? [])];

/** Offsets and values of the numbers a reader relies on, found once per document. */
interface NumberSite {
  start: number;
  end: number;
  value: number;
  what: string;
}

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

const siteCache = new WeakMap<Uint8Array, NumberSite[]>();

/** Every number in /ByteRange, /Length, /Prev, /Size, /N, /First, /XRefStm, xref entries and after startxref. */
export function numberSites(bytes: Uint8Array): NumberSite[] {
  const hit = siteCache.get(bytes);
  if (hit) return hit;
  const text = latin1(bytes);
  const sites: NumberSite[] = [];
  const add = (start: number, digits: string, what: string) => sites.push({ start, end: start + digits.length, value: Number(digits), what });
  for (const m of text.matchAll(/\/ByteRange\s*\[([^\]]{0,200})\]/g)) {
    const inner = m.index! + m[0].indexOf('[') + 1;
    for (const n of m[1]!.matchAll(/-?\d+/g)) add(inner + n.index!, n[0], 'ByteRange');
  }
  for (const m of text.matchAll(/\/(Length|Prev|Size|N|First|XRefStm)\s+(\d+)/g)) add(m.index! + m[0].length - m[2]!.length, m[2]!, m[1]!);
  for (const m of text.matchAll(/startxref\s+(\d+)/g)) add(m.index! + m[0].length - m[1]!.length, m[1]!, 'startxref');
  for (const m of text.matchAll(/(\d{10}) (\d{5}) [nf]/g)) {
    add(m.index!, m[1]!, 'xref offset');
    add(m.index! + 11, m[2]!, 'xref generation');
  }
  for (const m of text.matchAll(/\n(\d+) (\d+)\r?\n\d{10} /g)) add(m.index! + 1 + m[1]!.length + 1, m[2]!, 'xref count');
  siteCache.set(bytes, sites);
  return sites;
}

function replaceRange(src: Uint8Array, start: number, end: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(src.length - (end - start) + insert.length);
  out.set(src.subarray(0, start), 0);
  out.set(insert, start);
  out.set(src.subarray(end), start + insert.length);
  return out;
}

/** Tokens that make a reader change state: delimiters, keywords, references and absurd numbers. */
const TOKENS = [
  '<<', '>>', '[', ']', '(', ')', '<', '>', '{', '}', '/', '%', '\\', '\n', '\r', ' ', '\0',
  'obj', 'endobj', 'stream', 'endstream', 'xref', 'trailer', 'startxref', '%%EOF', 'R', ' 0 R', '1 0 R', '99999 0 R',
  'null', 'true', '/Type', '/Sig', '/Kids', '/Parent', '/Length', '/Filter /FlateDecode', '/ByteRange', '/Contents',
  '/Prev', '/Root', '/AcroForm', '/Fields', '/V', '/FT /Sig', '/Names', '/EmbeddedFiles', '/DSS', '/Encrypt',
  '0', '-1', '-0', '1.5', '4294967296', '9007199254740993', '99999999999999999999', '1e9', '.', '+', '--1',
];

const INTERESTING_NUMBERS = [0, 1, -1, 2, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, 999_999_999, 1e15];

function interestingNumber(rng: Rng, original: number, fileLength: number): string {
  switch (rng.below(6)) {
    case 0:
      return String(rng.pick(INTERESTING_NUMBERS));
    case 1:
      return String(original + rng.pick([-1, 1, -2, 2, -16, 16]));
    case 2:
      return String(original + rng.int(-4096, 4096));
    case 3:
      return String(rng.pick([fileLength, fileLength - 1, fileLength + 1, fileLength * 2]));
    case 4:
      return String(rng.below(Math.max(1, fileLength)));
    default:
      // Same width (keeps every later offset right): a different value written in the original's digits.
      return String(rng.below(10 ** Math.min(15, Math.max(1, String(original).length)))).padStart(String(original).length, '0');
  }
}

/** An offset biased towards the places that matter: the signed ranges' edges and the file's tail. */
function offsetIn(rng: Rng, doc: MutableDoc): number {
  const n = doc.bytes.length;
  const r = rng.below(10);
  const ranges = allRanges(doc);
  if (r < 2 && ranges.length > 0) {
    const [s, e] = rng.pick(ranges);
    const edge = rng.chance(0.5) ? s : e;
    return Math.max(0, Math.min(n - 1, edge + rng.int(-16, 16)));
  }
  if (r < 4) return Math.max(0, n - 1 - rng.below(Math.min(n, 2048)));
  return rng.below(n);
}

type Generator = (rng: Rng, docs: readonly MutableDoc[]) => FuzzInput;

const pickDoc = (rng: Rng, docs: readonly MutableDoc[]): MutableDoc => docs[rng.below(docs.length)]!;

export const GENERATORS: Record<string, Generator> = {
  'bit-flip': (rng, docs) => {
    const d = pickDoc(rng, docs);
    const out = d.bytes.slice();
    const flips = rng.smallLength(8);
    const at: number[] = [];
    for (let i = 0; i < flips; i++) {
      const o = offsetIn(rng, d);
      out[o]! ^= 1 << rng.below(8);
      at.push(o);
    }
    return { kind: 'bit-flip', base: d.name, bytes: out, note: `flipped bits at ${at.join(',')}` };
  },
  overwrite: (rng, docs) => {
    const d = pickDoc(rng, docs);
    const o = offsetIn(rng, d);
    const len = Math.min(rng.smallLength(64), d.bytes.length - o);
    const out = d.bytes.slice();
    out.set(rng.bytes(len), o);
    return { kind: 'overwrite', base: d.name, bytes: out, note: `${len} random bytes at ${o}` };
  },
  'token-overwrite': (rng, docs) => {
    const d = pickDoc(rng, docs);
    const o = offsetIn(rng, d);
    const tok = ascii(rng.pick(TOKENS)).subarray(0, d.bytes.length - o);
    const out = d.bytes.slice();
    out.set(tok, o);
    return { kind: 'token-overwrite', base: d.name, bytes: out, note: `token ${JSON.stringify(latin1(tok))} over ${o}` };
  },
  'token-insert': (rng, docs) => {
    const d = pickDoc(rng, docs);
    const o = offsetIn(rng, d);
    const tok = rng.pick(TOKENS).repeat(rng.chance(0.2) ? rng.smallLength(4096) : 1);
    return { kind: 'token-insert', base: d.name, bytes: replaceRange(d.bytes, o, o, ascii(tok)), note: `inserted ${tok.length} bytes of ${JSON.stringify(tok.slice(0, 20))} at ${o}` };
  },
  truncate: (rng, docs) => {
    const d = pickDoc(rng, docs);
    const at = rng.chance(0.5) ? rng.below(d.bytes.length) : offsetIn(rng, d);
    return { kind: 'truncate', base: d.name, bytes: d.bytes.slice(0, at), note: `cut at ${at}` };
  },
  insert: (rng, docs) => {
    const d = pickDoc(rng, docs);
    const o = offsetIn(rng, d);
    const len = rng.smallLength(256);
    return { kind: 'insert', base: d.name, bytes: replaceRange(d.bytes, o, o, rng.bytes(len)), note: `inserted ${len} random bytes at ${o}` };
  },
  delete: (rng, docs) => {
    const d = pickDoc(rng, docs);
    const o = offsetIn(rng, d);
    const len = Math.min(rng.smallLength(rng.chance(0.1) ? 16384 : 256), d.bytes.length - o);
    return { kind: 'delete', base: d.name, bytes: replaceRange(d.bytes, o, o + len, new Uint8Array(0)), note: `deleted ${len} bytes at ${o}` };
  },
  duplicate: (rng, docs) => {
    const d = pickDoc(rng, docs);
    const from = rng.below(d.bytes.length);
    const len = Math.min(rng.smallLength(8192), d.bytes.length - from);
    const to = offsetIn(rng, d);
    return { kind: 'duplicate', base: d.name, bytes: replaceRange(d.bytes, to, to, d.bytes.slice(from, from + len)), note: `copied ${from}+${len} to ${to}` };
  },
  splice: (rng, docs) => {
    // A chunk of another document over (or into) this one: objects, xref sections and signatures that belong elsewhere.
    const a = pickDoc(rng, docs);
    const b = pickDoc(rng, docs);
    const from = rng.below(b.bytes.length);
    const len = Math.min(rng.smallLength(16384), b.bytes.length - from);
    const to = offsetIn(rng, a);
    const replace = rng.chance(0.5) ? Math.min(len, a.bytes.length - to) : 0;
    return {
      kind: 'splice',
      base: a.name,
      bytes: replaceRange(a.bytes, to, to + replace, b.bytes.subarray(from, from + len)),
      note: `${b.name}[${from}+${len}] ${replace ? 'over' : 'into'} ${a.name} at ${to}`,
    };
  },
  crossover: (rng, docs) => {
    const a = pickDoc(rng, docs);
    const b = pickDoc(rng, docs);
    const cutA = offsetIn(rng, a);
    const cutB = rng.chance(0.5) ? Math.min(cutA, b.bytes.length) : rng.below(b.bytes.length);
    const out = new Uint8Array(cutA + b.bytes.length - cutB);
    out.set(a.bytes.subarray(0, cutA), 0);
    out.set(b.bytes.subarray(cutB), cutA);
    return { kind: 'crossover', base: a.name, bytes: out, note: `${a.name}[0..${cutA}) + ${b.name}[${cutB}..)` };
  },
  'number-edit': (rng, docs) => {
    const d = pickDoc(rng, docs);
    const sites = numberSites(d.bytes);
    if (sites.length === 0) return GENERATORS['bit-flip']!(rng, docs);
    // Structural numbers first: the few /ByteRange and startxref numbers would drown among hundreds of xref entries.
    const wanted = rng.pick(['ByteRange', 'startxref', 'Length', 'xref offset', 'Prev', 'Size', 'any']);
    const pool = wanted === 'any' ? sites : sites.filter((s) => s.what === wanted);
    const site = rng.pick(pool.length ? pool : sites);
    const text = interestingNumber(rng, site.value, d.bytes.length);
    return {
      kind: 'number-edit',
      base: d.name,
      bytes: replaceRange(d.bytes, site.start, site.end, ascii(text)),
      note: `${site.what} ${site.value} at ${site.start} → ${text}`,
    };
  },
  'random-pdf': (rng) => {
    // Random bytes behind a header, sometimes with a plausible tail so the reader goes past the first checks.
    const len = rng.smallLength(8192);
    const body = rng.bytes(len);
    if (rng.chance(0.5)) for (let i = 0; i < len; i += rng.int(1, 64)) body[i] = rng.pick([0x0a, 0x20, 0x2f, 0x3c, 0x3e, 0x5b, 0x5d, 0x28, 0x29]);
    const tail = rng.chance(0.6) ? `\nstartxref\n${rng.chance(0.5) ? rng.below(len + 16) : rng.pick(INTERESTING_NUMBERS)}\n%%EOF\n` : '';
    const head = ascii(`%PDF-1.${rng.below(8)}\n`);
    const t = ascii(tail);
    const out = new Uint8Array(head.length + len + t.length);
    out.set(head, 0);
    out.set(body, head.length);
    out.set(t, head.length + len);
    return { kind: 'random-pdf', base: '', bytes: out, note: `${len} random bytes, tail ${tail ? 'yes' : 'no'}` };
  },
  'token-soup': (rng) => {
    // Syntactically PDF-ish noise: objects, dictionaries and an xref table with arbitrary numbers.
    const parts: string[] = ['%PDF-1.7\n'];
    const n = rng.smallLength(64);
    for (let i = 0; i < n; i++) {
      parts.push(`${rng.below(20)} ${rng.below(3)} obj\n`);
      const k = rng.smallLength(24);
      for (let j = 0; j < k; j++) parts.push(rng.pick(TOKENS), rng.chance(0.5) ? ' ' : '');
      parts.push('\nendobj\n');
    }
    const xrefAt = parts.join('').length;
    parts.push(`xref\n0 ${rng.below(24)}\n`);
    for (let i = rng.below(24); i > 0; i--) parts.push(`${String(rng.below(xrefAt + 10)).padStart(10, '0')} ${String(rng.below(3)).padStart(5, '0')} ${rng.pick(['n', 'f'])} \n`);
    parts.push(`trailer\n<< /Size ${rng.below(30)} /Root ${rng.below(20)} 0 R ${rng.chance(0.2) ? `/Prev ${rng.below(xrefAt)}` : ''} >>\nstartxref\n${rng.chance(0.8) ? xrefAt : rng.below(xrefAt)}\n%%EOF\n`);
    return { kind: 'token-soup', base: '', bytes: ascii(parts.join('')), note: `${n} objects` };
  },
  'stacked': (rng, docs) => {
    // Several mutations on top of each other: far from the original, still mostly PDF.
    const first = GENERATORS[rng.pick(STACKABLE)]!(rng, docs);
    const d: MutableDoc = { name: first.base, bytes: first.bytes, signedRanges: [] };
    const second = GENERATORS[rng.pick(STACKABLE)]!(rng, [d]);
    return { kind: 'stacked', base: first.base, bytes: second.bytes, note: `${first.kind}: ${first.note}; then ${second.kind}: ${second.note}` };
  },
};

/** Hex digits of a byte array (lowercase, as the signer writes /Contents). */
const toHexAscii = (b: Uint8Array): Uint8Array => ascii(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex'));

/** Length of the outer DER element at the start of `b` (definite lengths only), or b.length. */
function derLength(b: Uint8Array): number {
  if (b.length < 2) return b.length;
  const l = b[1]!;
  if (l < 0x80) return Math.min(b.length, 2 + l);
  const n = l & 0x7f;
  if (n === 0 || n > 4) return b.length;
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + (b[2 + i] ?? 0);
  return Math.min(b.length, 2 + n + v);
}

/**
 * Edits the CMS inside a signature's /Contents (decoded, mutated, hex-encoded back into the same gap), so the CMS,
 * certificate and timestamp parsers see structured-but-wrong DER instead of a hex string broken by a stray byte.
 */
const cmsEdit: Generator = (rng, docs) => {
  const signed = docs.filter((d) => d.signedRanges.length >= 2);
  if (signed.length === 0) return GENERATORS['bit-flip']!(rng, docs);
  const d = rng.pick(signed);
  const ranges = allRanges(d);
  const sig = rng.below(ranges.length >> 1);
  const open = ranges[2 * sig]![1]; // '<'
  const close = ranges[2 * sig + 1]![0] - 1; // '>'
  const hex = latin1(d.bytes.subarray(open + 1, close));
  const der = new Uint8Array(Buffer.from(hex, 'hex'));
  const used = derLength(der);
  let note: string;
  let edited: Uint8Array = der.slice();
  const at = rng.below(Math.max(1, used));
  switch (rng.below(6)) {
    case 0: {
      for (let i = rng.smallLength(4); i > 0; i--) edited[rng.below(used)]! ^= 1 << rng.below(8);
      note = 'bit flips in the DER';
      break;
    }
    case 1:
      edited[at] = rng.pick([0x00, 0x01, 0x7f, 0x80, 0x81, 0x84, 0x88, 0xff, 0x30, 0x31, 0xa0, 0x02, 0x04, 0x06]);
      note = `byte ${at} of the DER set`;
      break;
    case 2:
      edited.fill(0, at);
      note = `DER truncated at ${at} (zero padding after)`;
      break;
    case 3: {
      // An element's length octets replaced: long form, indefinite (BER) or huge.
      const len = rng.pick([[0x80], [0x84, 0xff, 0xff, 0xff, 0xff], [0x83, 0x10, 0x00, 0x00], [0x81, 0x00], [0x7f]]);
      edited.set(len.slice(0, edited.length - Math.min(edited.length, at + 1)), Math.min(edited.length - 1, at + 1));
      note = `length octets after ${at} replaced by ${len.map((x) => x.toString(16)).join(' ')}`;
      break;
    }
    case 4: {
      // Deeply nested constructed elements (BER indefinite or definite) at the front: recursion depth for ASN.1 parsers.
      const depth = rng.smallLength(Math.floor(der.length / 2));
      const unit = rng.chance(0.5) ? [0x30, 0x80] : [rng.pick([0x30, 0x31, 0xa0, 0x24]), 0x80];
      edited = new Uint8Array(der.length);
      for (let i = 0; i < depth && 2 * i + 1 < edited.length; i++) edited.set(unit, 2 * i);
      note = `${depth} nested indefinite-length elements`;
      break;
    }
    default: {
      // A chunk of the DER moved elsewhere inside it (a certificate or attribute where another was).
      const from = rng.below(used);
      const len = Math.min(rng.smallLength(512), used - from);
      edited.set(der.subarray(from, from + len), Math.min(at, edited.length - len));
      note = `DER chunk ${from}+${len} copied to ${at}`;
      break;
    }
  }
  const out = d.bytes.slice();
  out.set(toHexAscii(edited).subarray(0, close - open - 1), open + 1);
  return { kind: 'cms-edit', base: d.name, bytes: out, note: `signature ${sig}: ${note}` };
};

const NAMES = ['Type', 'Catalog', 'Pages', 'Page', 'Kids', 'Parent', 'Count', 'AcroForm', 'Fields', 'FT', 'Sig', 'V', 'T', 'Names', 'EmbeddedFiles', 'EF', 'F', 'UF', 'AF', 'AFRelationship', 'DSS', 'Certs', 'CRLs', 'OCSPs', 'ByteRange', 'Contents', 'SubFilter', 'Filter', 'FlateDecode', 'Length', 'DecodeParms', 'Predictor', 'Columns', 'ObjStm', 'N', 'First', 'Annots', 'Rect', 'M', 'Prev', 'DocTimeStamp', 'ETSI.CAdES.detached', 'ETSI.RFC3161'];

/** A random direct object over `n` object numbers (references may dangle or loop). */
function randomValue(rng: Rng, n: number, depth: number): string {
  const r = rng.below(depth > 3 ? 5 : 9);
  switch (r) {
    case 0: return `${rng.int(1, n + 2)} 0 R`;
    case 1: return String(rng.chance(0.8) ? rng.int(0, 1000) : rng.pick(INTERESTING_NUMBERS));
    case 2: return `/${rng.pick(NAMES)}`;
    case 3: return rng.chance(0.5) ? `(data.json)` : `<${Buffer.from(rng.bytes(rng.below(16))).toString('hex')}>`;
    case 4: return rng.pick(['null', 'true', `${rng.int(1, n)} 0 R`]);
    case 5:
    case 6: {
      const k = rng.below(6);
      const items: string[] = [];
      for (let i = 0; i < k; i++) items.push(`/${rng.pick(NAMES)} ${randomValue(rng, n, depth + 1)}`);
      return `<< ${items.join(' ')} >>`;
    }
    default: {
      const k = rng.below(6);
      const items: string[] = [];
      for (let i = 0; i < k; i++) items.push(randomValue(rng, n, depth + 1));
      return `[${items.join(' ')}]`;
    }
  }
}

/**
 * A well-formed PDF (correct xref table) whose object graph is random: catalogs, form fields, name trees, DSS and
 * signature dictionaries pointing at each other in loops, dangling references and streams with lying /Length or
 * compressed junk. It gets past the parser, so the graph walkers above it are what is exercised.
 */
const randomGraph: Generator = (rng) => {
  const n = rng.int(2, 40);
  const bodies: (string | Uint8Array)[] = [];
  const ref = () => `${rng.int(1, n + 1)} 0 R`;
  const refs = (k: number) => Array.from({ length: k }, ref).join(' ');
  bodies.push(`<< /Type /Catalog /Pages ${ref()} /AcroForm << /Fields [${refs(rng.below(4))}] >> /Names << /EmbeddedFiles ${ref()} >> /AF [${refs(rng.below(3))}] ${rng.chance(0.3) ? `/DSS ${ref()}` : ''} >>`);
  for (let i = 2; i <= n; i++) {
    const r = rng.below(8);
    if (r === 0) {
      const br = [0, rng.below(4000), rng.below(4000), rng.below(4000)];
      const hex = Buffer.from(rng.bytes(rng.smallLength(512))).toString('hex');
      bodies.push(`<< /Type /${rng.chance(0.8) ? 'Sig' : 'DocTimeStamp'} /SubFilter /${rng.pick(['ETSI.CAdES.detached', 'ETSI.RFC3161', 'adbe.pkcs7.detached'])} /ByteRange [${br.join(' ')}] /Contents <${hex}> /M (D:20250101000000Z) >>`);
    } else if (r === 1) {
      bodies.push(`<< /FT /Sig /T (f${i}) /V ${ref()} /Kids [${refs(rng.below(3))}] /Parent ${ref()} >>`);
    } else if (r === 2) {
      bodies.push(`<< /Names [(data.json) ${ref()}] /Kids [${refs(rng.below(3))}] >>`);
    } else if (r === 3) {
      bodies.push(`<< /Type /Filespec /F (data.json) /UF (data.json) /AFRelationship /Source /EF << /F ${ref()} >> >>`);
    } else if (r === 4) {
      const raw = rng.chance(0.5) ? deflateSync(ascii(rng.chance(0.5) ? '{"a":1}' : '0'.repeat(rng.smallLength(100000)))) : rng.bytes(rng.below(200));
      const len = rng.chance(0.7) ? String(raw.length) : rng.chance(0.5) ? ref() : String(rng.pick(INTERESTING_NUMBERS));
      bodies.push(new Uint8Array([...ascii(`<< /Length ${len} ${rng.chance(0.6) ? '/Filter /FlateDecode' : ''} >>\nstream\n`), ...raw, ...ascii('\nendstream')]));
    } else {
      bodies.push(randomValue(rng, n, 0));
    }
  }
  const chunks: Uint8Array[] = [ascii('%PDF-1.7\n')];
  let pos = chunks[0]!.length;
  const offsets: number[] = [];
  bodies.forEach((b, i) => {
    const bytes = typeof b === 'string' ? ascii(b) : b;
    const head = ascii(`${i + 1} 0 obj\n`);
    const tail = ascii('\nendobj\n');
    offsets.push(pos);
    chunks.push(head, bytes, tail);
    pos += head.length + bytes.length + tail.length;
  });
  const xref = [`xref\n0 ${n + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  chunks.push(ascii(`${xref}trailer\n<< /Size ${n + 1} /Root 1 0 R >>\nstartxref\n${pos}\n%%EOF\n`));
  return { kind: 'random-graph', base: '', bytes: Buffer.concat(chunks), note: `${n} objects` };
};

GENERATORS['cms-edit'] = cmsEdit;
GENERATORS['random-graph'] = randomGraph;

const STACKABLE = ['bit-flip', 'overwrite', 'token-overwrite', 'insert', 'delete', 'number-edit', 'truncate'];

/** How often each generator runs (relative). Mutations of real documents dominate: they reach the deep code. */
export const GENERATOR_WEIGHTS: Record<string, number> = {
  'bit-flip': 14,
  overwrite: 10,
  'token-overwrite': 8,
  'token-insert': 6,
  truncate: 8,
  insert: 6,
  delete: 6,
  duplicate: 5,
  splice: 6,
  crossover: 4,
  'number-edit': 14,
  'random-pdf': 5,
  'token-soup': 4,
  stacked: 4,
  'cms-edit': 10,
  'random-graph': 8,
};

export type GeneratorKind = keyof typeof GENERATORS;

/** Only these generators (same relative weights), e.g. to split the suite over files; throws on an unknown name. */
export function weightsFor(kinds: readonly string[] | undefined): Record<string, number> {
  if (!kinds || kinds.length === 0) return GENERATOR_WEIGHTS;
  const out: Record<string, number> = {};
  for (const k of kinds) {
    if (!(k in GENERATORS)) throw new Error(`unknown generator "${k}"; known: ${Object.keys(GENERATORS).join(', ')}`);
    out[k] = GENERATOR_WEIGHTS[k] ?? 1;
  }
  return out;
}

/** The input for one case. */
export function generateInput(rng: Rng, docs: readonly MutableDoc[], weights: Record<string, number> = GENERATOR_WEIGHTS): FuzzInput {
  const kind = rng.weighted(weights);
  return GENERATORS[kind]!(rng, docs);
}

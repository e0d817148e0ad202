import { zlibSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { PdfParseError, PdfStream, embedSignature, findSignatureFields, openPdf, prepareSignature } from '../../src/pdf/index.js';
import type { PdfDocument } from '../../src/pdf/index.js';
import { ascii, handmadePdf, makeTypstPdf, minimalObjects, qpdfConvert } from './helpers.js';

let classic: Uint8Array;
let xrefStream: Uint8Array;

beforeAll(() => {
  classic = makeTypstPdf();
  xrefStream = qpdfConvert(classic, ['--object-streams=generate'], 'objstm');
});

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Everything a verifier would do with a file: open, load every object, walk pages, find signatures, decode. */
function readEverything(bytes: Uint8Array, maxDecodedSize = 4 << 20): PdfDocument {
  const doc = openPdf(bytes, { maxDecodedSize });
  for (const n of doc.objectNumbers()) {
    const e = doc.entry(n)!;
    const o = doc.getObject({ num: n, gen: e.type === 1 ? e.gen : 0 });
    if (o instanceof PdfStream) doc.decodeStream(o);
  }
  doc.pages();
  findSignatureFields(doc);
  return doc;
}

/** Runs `fn`; it must either succeed or throw PdfParseError, and finish within `ms`. */
function expectParseErrorOrOk(fn: () => unknown, ms = 2000): 'ok' | 'error' {
  const t0 = performance.now();
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (!(e instanceof PdfParseError)) throw new Error(`expected PdfParseError, got ${(e as Error)?.stack ?? e}`);
    return 'error';
  } finally {
    expect(performance.now() - t0).toBeLessThan(ms);
  }
}

function expectParseError(fn: () => unknown, message?: RegExp): void {
  const t0 = performance.now();
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(performance.now() - t0).toBeLessThan(1000);
  expect(err).toBeInstanceOf(PdfParseError);
  if (message) expect((err as Error).message).toMatch(message);
}

describe('hostile input', () => {
  it('rejects random bytes and empty input', () => {
    const r = rng(1);
    expectParseError(() => openPdf(new Uint8Array(0)), /not a PDF/);
    for (let i = 0; i < 200; i++) {
      const b = Uint8Array.from({ length: Math.floor(r() * 4000) }, () => Math.floor(r() * 256));
      expectParseError(() => openPdf(b));
      // …and random bytes dressed up with a header and a startxref pointing into them.
      const dressed = ascii(`%PDF-1.7\n${String.fromCharCode(...b.subarray(0, 300))}\nstartxref\n${Math.floor(r() * 300)}\n%%EOF`);
      expectParseError(() => readEverything(dressed));
    }
  });

  it('rejects truncated files, and truncation at a revision boundary gives that earlier revision', () => {
    for (const src of [classic, xrefStream]) {
      for (let len = 0; len < src.length - 1; len += 211) expectParseError(() => openPdf(src.subarray(0, len)));
    }
    const signed = embedSignature(prepareSignature(classic, { kind: 'signature', contentsBytes: 1024 }), new Uint8Array(10));
    const doc = openPdf(signed);
    const older = openPdf(signed.subarray(0, doc.revisions[0]!.end));
    expect(older.revisions).toHaveLength(1);
    expect(findSignatureFields(older)).toHaveLength(0);
  });

  it('detects a /Prev loop', () => {
    const base = new TextDecoder('latin1').decode(handmadePdf(minimalObjects()));
    // A second section whose /Prev points to itself.
    const off = base.length;
    const looped = base + `xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 4 /Root 1 0 R /Prev ${off} >>\nstartxref\n${off}\n%%EOF\n`;
    expectParseError(() => openPdf(ascii(looped)), /loops/);
    // Two sections pointing at each other.
    const first = base.indexOf('xref\n0 4');
    const insert = ' /Prev 0000000000'; // fixed width, so the offset of the section after it is known in advance
    const off2 = base.length + insert.length;
    const twoWay = base.replace('/Root 1 0 R', `/Root 1 0 R /Prev ${String(off2).padStart(10, '0')}`) +
      `xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 4 /Root 1 0 R /Prev ${first} >>\nstartxref\n${off2}\n%%EOF\n`;
    expectParseError(() => openPdf(ascii(twoWay)), /loops/);
  });

  it('refuses 100,000 nested arrays without overflowing the stack, in an object or in the trailer', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const doc = openPdf(handmadePdf([...minimalObjects(), deep]));
    expectParseError(() => doc.getObject({ num: 4, gen: 0 }), /nested deeper/);
    expectParseError(() => openPdf(handmadePdf(minimalObjects(), `/Deep ${'['.repeat(100_000)}`)), /nested deeper/);
    expectParseError(() => openPdf(handmadePdf(minimalObjects(), `/Deep ${'<< /A '.repeat(100_000)}`)), /nested deeper/);
  });

  it('caps decoded stream size (deflate bomb) and object streams with lying headers', () => {
    const bomb = zlibSync(new Uint8Array(8 << 20)); // 8 MiB of zeros in ~8 KB
    const head = `%PDF-1.7\n4 0 obj\n<< /Length ${bomb.length} /Filter /FlateDecode >>\nstream\n`;
    const bytes = new Uint8Array([...ascii(head), ...bomb, ...ascii('\nendstream\nendobj\n')]);
    const xref = bytes.length;
    const tail = ascii(`xref\n0 1\n0000000000 65535 f\r\n4 1\n0000000009 00000 n\r\ntrailer\n<< /Size 5 /Root 4 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
    const file = new Uint8Array([...bytes, ...tail]);
    const doc = openPdf(file, { maxDecodedSize: 1 << 20 });
    const t0 = performance.now();
    expectParseError(() => doc.decodeStream(doc.getObject({ num: 4, gen: 0 }) as PdfStream), /exceeds the limit/);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('rejects lying counts, circular references and page tree loops with clear errors', () => {
    const o = minimalObjects();
    expectParseError(() => openPdf(ascii('%PDF-1.7\nxref\n0 99999999\n0000000000 65535 f\r\ntrailer\n<<>>\nstartxref\n9\n%%EOF')), /more than the file can hold/);
    expectParseError(() => openPdf(ascii('%PDF-1.7\nstartxref\n999999\n%%EOF')), /beyond the end/);
    // Page tree whose kid is its own parent.
    const loop = openPdf(handmadePdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [2 0 R] /Count 1 >>']));
    expectParseError(() => loop.pages(), /loops/);
    // Object whose stream /Length refers to itself: falls back to endstream instead of recursing.
    const selfLen = openPdf(handmadePdf([...o, '<< /Length 4 0 R >>\nstream\nabc\nendstream']));
    expect(new TextDecoder().decode((selfLen.getObject({ num: 4, gen: 0 }) as PdfStream).raw)).toBe('abc');
    // Reference chains that go round in circles resolve to an error, not a hang.
    const refLoop = openPdf(handmadePdf([...o, '5 0 R', '4 0 R']));
    expectParseError(() => refLoop.resolve(refLoop.getObject({ num: 4, gen: 0 })), /reference chain/);
    // An xref entry pointing at the wrong object.
    const wrong = new TextDecoder('latin1').decode(handmadePdf(o)).replace('2 0 obj', '9 0 obj');
    expectParseError(() => openPdf(ascii(wrong)).pages(), /points to object 9/);
  });

  it('survives 400 random mutations of real files: success or PdfParseError, never another error or a hang', () => {
    const r = rng(42);
    const tally = { ok: 0, error: 0 };
    const signed = embedSignature(prepareSignature(xrefStream, { kind: 'signature', contentsBytes: 512, reason: 'ทดสอบ' }), new Uint8Array(64));
    const sources = [classic, xrefStream, signed];
    for (let i = 0; i < 400; i++) {
      const src = sources[i % 3]!;
      const b = src.slice();
      const edits = 1 + Math.floor(r() * 8);
      for (let k = 0; k < edits; k++) {
        // Bias edits towards the structural tail (xref, trailer) where they do the most damage.
        const pos = r() < 0.5 ? b.length - 1 - Math.floor(r() * Math.min(b.length, 600)) : Math.floor(r() * b.length);
        b[pos] = r() < 0.5 ? Math.floor(r() * 256) : '0123456789 <>[]()/R\n'.charCodeAt(Math.floor(r() * 20));
      }
      tally[expectParseErrorOrOk(() => readEverything(b))]++;
    }
    expect(tally.ok + tally.error).toBe(400);
  });
});

/**
 * Hostile object graphs and resource bombs: each must end in a report (never an exception, a stack overflow or an
 * out-of-memory) within a time bound, with bounded memory growth, and never VALID. Built by hand with computed
 * offsets (lib/pdf-builder.ts); where a stage is only reached for signed documents (DSS, later revisions, embedded
 * data), the hostile objects are appended as an incremental update to a genuine signed document.
 */
import { deflateSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PDF_BYTES, VERDICTS, verifyPdf, type VerificationReport, type VerifyPdfOptions } from '../../src/verify/index.js';
import { issueCorpus, type Corpus } from './lib/corpus.js';
import { BYTERANGE_PLACEHOLDER, appendRevision, buildPdf, buildPdfWithXrefStream, changedCatalog, fillByteRange, stream } from './lib/pdf-builder.js';
import { reportViolations } from './lib/properties.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const MiB = 1024 * 1024;

let corpus: Corpus;
let signed: Uint8Array; // genuine B-B document
let opts: VerifyPdfOptions;

beforeAll(async () => {
  corpus = await issueCorpus();
  signed = corpus.docs.find((d) => d.name === 'b-b-training')!.bytes;
  opts = { trustRoots: corpus.trustRoots, validationTime: corpus.validationTime };
}, 120_000);

const allChecks = (r: VerificationReport) => [...r.checks, ...r.signatures.flatMap((s) => s.checks)];
const failed = (r: VerificationReport) => allChecks(r).filter((c) => c.status === 'failed');
const failedText = (r: VerificationReport) => failed(r).map((c) => `${c.id}: ${c.detail ?? ''}`).join('\n');

interface Outcome {
  report: VerificationReport;
  ms: number;
  rssGrowthMiB: number;
}

/**
 * Verifies `pdf` and checks what every hostile input must give: a report with a known verdict, not VALID, no escaped
 * exception (internal error), JSON-safe, within `boundMs`. RSS growth is measured around the call (after a GC when
 * the process allows it), so a bomb test can bound it.
 */
async function verifyHostile(pdf: Uint8Array, boundMs = 2000, o: Partial<VerifyPdfOptions> = {}): Promise<Outcome> {
  (globalThis as { gc?: () => void }).gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  let report: VerificationReport;
  try {
    report = await verifyPdf(pdf, { ...opts, ...o });
  } finally {
    clearInterval(sampler);
  }
  const ms = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage().rss);
  expect(VERDICTS).toContain(report.verdict);
  expect(report.verdict, failedText(report)).not.toBe('VALID');
  // The fuzz properties: JSON round trip, no internal error, no resource-exhaustion message anywhere.
  expect(reportViolations(report, pdf, [])).toEqual([]);
  expect(ms, `took ${ms.toFixed(0)} ms`).toBeLessThan(boundMs);
  const rssGrowthMiB = (peak - rss0) / MiB;
  console.log(`[hostile] ${expect.getState().currentTestName}: ${report.verdict} in ${ms.toFixed(0)} ms, RSS +${rssGrowthMiB.toFixed(0)} MiB`);
  return { report, ms, rssGrowthMiB };
}

const failedCheck = (r: VerificationReport, id: string) => failed(r).find((c) => c.id === id);

/** First free object number of the genuine document (its trailer /Size), for objects an update adds. */
const nextNum = (): number => Number(/\/Size (\d+)/.exec(new TextDecoder('latin1').decode(signed.subarray(signed.length - 600)))![1]);

/** A one-signature form whose signature dictionary is `sigDict` (with the ByteRange placeholder, filled later). */
const signatureForm = (contentsHex: string): string[] => [
  '<< /Type /Catalog /AcroForm << /Fields [2 0 R] /SigFlags 3 >> >>',
  '<< /FT /Sig /T (Signature1) /V 3 0 R >>',
  `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange ${BYTERANGE_PLACEHOLDER} /Contents <${contentsHex}> >>`,
];

describe('deep nesting', () => {
  it('100,000 nested arrays → MALFORMED (nesting cap), no stack overflow', async () => {
    const { report } = await verifyHostile(buildPdf(['<< /Type /Catalog /AcroForm << /Fields 2 0 R >> >>', '['.repeat(100_000)]));
    expect(report.verdict).toBe('MALFORMED');
    expect(failedCheck(report, 'pdf.structure')?.detail).toMatch(/nested deeper than/);
  });

  it('100,000 nested dictionaries, balanced, inside the catalog → MALFORMED', async () => {
    const deep = '<< /A '.repeat(100_000) + '1' + ' >>'.repeat(100_000);
    const { report } = await verifyHostile(buildPdf([`<< /Type /Catalog /X ${deep} >>`]));
    expect(report.verdict).toBe('MALFORMED');
    expect(failedCheck(report, 'pdf.structure')?.detail).toMatch(/nested deeper than/);
  });

  it('a CMS of 200,000 nested indefinite-length SEQUENCEs behind a correct ByteRange → MALFORMED cms.parse', async () => {
    const { report } = await verifyHostile(fillByteRange(buildPdf(signatureForm('3080'.repeat(200_000)))));
    expect(report.verdict).toBe('MALFORMED');
    expect(failedCheck(report, 'cms.parse')?.detail).toMatch(/nesting depth|does not decode|not BER/);
  });
});

describe('reference cycles and chains', () => {
  it('an object that is a reference to itself, used as the AcroForm → a report', async () => {
    const { report } = await verifyHostile(buildPdf(['<< /Type /Catalog /AcroForm 2 0 R >>', '2 0 R']));
    expect(['MALFORMED', 'NOT_SIGNED']).toContain(report.verdict);
  });

  it('a chain of 50,000 indirect references → MALFORMED (reference chain cap)', async () => {
    const n = 50_000;
    const bodies = ['<< /Type /Catalog /AcroForm 2 0 R >>'];
    for (let i = 2; i <= n; i++) bodies.push(`${i + 1} 0 R`);
    bodies.push('<< /Fields [] >>');
    const { report } = await verifyHostile(buildPdf(bodies));
    expect(report.verdict).toBe('MALFORMED');
    expect(failedCheck(report, 'pdf.structure')?.detail).toMatch(/reference chain too long/);
  });

  it('AcroForm /Fields whose /Kids and /Parent point back at each other → MALFORMED (field tree loop)', async () => {
    const { report } = await verifyHostile(
      buildPdf(['<< /Type /Catalog /AcroForm << /Fields [2 0 R] >> >>', '<< /T (a) /Kids [3 0 R] >>', '<< /T (b) /Parent 2 0 R /Kids [2 0 R] >>']),
    );
    expect(report.verdict).toBe('MALFORMED');
    expect(failedCheck(report, 'pdf.structure')?.detail).toMatch(/loops back/);
  });

  it('a page tree whose /Kids and /Parent are itself → a report', async () => {
    await verifyHostile(buildPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [2 0 R] /Parent 2 0 R /Count 1 >>']));
  });

  it('appended to a signed document: /Fields cycle, /EmbeddedFiles name tree loops, /AF pointing at itself → not VALID, in time', async () => {
    const n = nextNum();
    const [tree, leaf, loopField, af] = [n, n + 1, n + 2, n + 3];
    const catalog = changedCatalog(signed, {
      Names: `<< /EmbeddedFiles ${tree} 0 R >>`,
      AF: `${af} 0 R`,
      AcroForm: `<< /Fields [${loopField} 0 R ${loopField} 0 R] >>`,
    });
    const pdf = appendRevision(signed, [
      catalog,
      { num: tree, body: `<< /Kids [${leaf} 0 R ${tree} 0 R] >>` },
      { num: leaf, body: `<< /Names [(data.json) ${leaf} 0 R (x) ${tree} 0 R] /Kids [${tree} 0 R ${leaf} 0 R] >>` },
      { num: loopField, body: `<< /FT /Sig /T (loop) /Kids [${loopField} 0 R] /Parent ${loopField} 0 R >>` },
      { num: af, body: `[${af} 0 R ${tree} 0 R]` },
    ]);
    const { report } = await verifyHostile(pdf);
    expect(['MALFORMED', 'TAMPERED']).toContain(report.verdict);
  });

  it('the same name-tree and /AF loops without the field loop → the signature still checks, the later revision is TAMPERED', async () => {
    const n = nextNum();
    const [tree, leaf] = [n, n + 1];
    const pdf = appendRevision(signed, [
      changedCatalog(signed, { Names: `<< /EmbeddedFiles ${tree} 0 R >>` }),
      { num: tree, body: `<< /Kids [${leaf} 0 R ${tree} 0 R] >>` },
      { num: leaf, body: `<< /Names [(data.json) ${leaf} 0 R] /Kids [${tree} 0 R ${leaf} 0 R] >>` },
    ]);
    const { report } = await verifyHostile(pdf);
    expect(report.verdict, failedText(report)).toBe('TAMPERED');
    expect(failedCheck(report, 'pdf.coverage')?.detail).toMatch(/catalog changed/);
    expect(report.signatures[0]!.checks.find((c) => c.id === 'cms.message-digest')?.status).toBe('passed');
  });
});

describe('cross-reference chains', () => {
  it('a /Prev pointing at its own section → MALFORMED (loop)', async () => {
    const plain = buildPdf(['<< /Type /Catalog >>']);
    const xref = Number(/startxref\n(\d+)/.exec(new TextDecoder('latin1').decode(plain))![1]);
    const { report } = await verifyHostile(buildPdf(['<< /Type /Catalog >>'], `/Root 1 0 R /Prev ${xref}`));
    expect(report.verdict).toBe('MALFORMED');
    expect(failedCheck(report, 'pdf.structure')?.detail).toMatch(/loops back/);
  });

  it('two sections whose /Prev point at each other → MALFORMED (loop)', async () => {
    // The first trailer gets a same-width placeholder, patched once the second section's offset is known.
    const first = new TextDecoder('latin1').decode(buildPdf(['<< /Type /Catalog >>'], '/Root 1 0 R /Prev 9999999999'));
    const firstXref = Number(/startxref\n(\d+)/.exec(first)![1]);
    const obj = '2 0 obj\n<< >>\nendobj\n';
    const secondXref = first.length + obj.length;
    const second = `${obj}xref\n2 1\n${String(first.length).padStart(10, '0')} 00000 n \ntrailer\n<< /Size 3 /Root 1 0 R /Prev ${firstXref} >>\nstartxref\n${secondXref}\n%%EOF\n`;
    const text = first.replace('/Prev 9999999999', `/Prev ${String(secondXref).padStart(10, '0')}`) + second;
    const { report } = await verifyHostile(Uint8Array.from(text, (c) => c.charCodeAt(0)));
    expect(report.verdict).toBe('MALFORMED');
    expect(failedCheck(report, 'pdf.structure')?.detail).toMatch(/loops back/);
  });

  it('an xref stream claiming /Size 10^15, a huge /Index, or /W [8 8 8] → MALFORMED before anything is allocated', async () => {
    const plain = new TextDecoder('latin1').decode(buildPdfWithXrefStream(new Map([[1, '<< /Type /Catalog >>']]), new Map()));
    const variants = [
      plain.replace(/\/Size \d+/, '/Size 1000000000000000'),
      plain.replace('/W [1 4 2]', '/W [1 4 2] /Index [0 999999999]'),
      plain.replace('/W [1 4 2]', '/W [8 8 8]'),
    ];
    for (const v of variants) {
      expect(v).not.toBe(plain);
      const { report } = await verifyHostile(Uint8Array.from(v, (c) => c.charCodeAt(0)));
      expect(report.verdict).toBe('MALFORMED');
    }
  });

  it('an object said to live in an object stream that is itself → MALFORMED', async () => {
    const pdf = buildPdfWithXrefStream(new Map([[1, '<< /Type /Catalog /AcroForm 2 0 R >>']]), new Map([[2, [2, 0]]]));
    const { report } = await verifyHostile(pdf);
    expect(report.verdict).toBe('MALFORMED');
    expect(failedCheck(report, 'pdf.structure')?.detail).toMatch(/object stream 2/);
  });

  it('an object stream whose /N is an object inside that same stream → MALFORMED (circular)', async () => {
    const objstm = stream('/Type /ObjStm /N 3 0 R /First 4', enc('3 0 << /Fields [] >>'));
    const pdf = buildPdfWithXrefStream(new Map<number, string | Uint8Array>([[1, '<< /Type /Catalog /AcroForm 3 0 R >>'], [2, objstm]]), new Map([[3, [2, 0]]]));
    const { report } = await verifyHostile(pdf);
    expect(report.verdict).toBe('MALFORMED');
    expect(failedCheck(report, 'pdf.structure')?.detail).toMatch(/circular|object stream/);
  });

  it('1,200 revisions → MALFORMED (section cap); 900 revisions after a signature → TAMPERED (too many to analyse)', async () => {
    const appendMany = (count: number): Uint8Array => {
      // Written in one pass (appendRevision would re-open the growing file each time).
      const text = new TextDecoder('latin1').decode(signed);
      let prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1]);
      const size = Number(/\/Size (\d+)/.exec(text.slice(-600))![1]);
      const root = /\/Root (\d+ \d+ R)/.exec(text.slice(-600))![1];
      const parts: string[] = [text.endsWith('\n') ? '' : '\n'];
      let pos = signed.length + parts[0]!.length;
      for (let i = 0; i < count; i++) {
        const obj = `${size + i} 0 obj\n<< /N ${i} >>\nendobj\n`;
        const xrefAt = pos + obj.length;
        const section = `xref\n${size + i} 1\n${String(pos).padStart(10, '0')} 00000 n \ntrailer\n<< /Size ${size + i + 1} /Root ${root} /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
        parts.push(obj, section);
        pos = xrefAt + section.length;
        prev = xrefAt;
      }
      const tail = enc(parts.join(''));
      const out = new Uint8Array(signed.length + tail.length);
      out.set(signed);
      out.set(tail, signed.length);
      return out;
    };
    const tooMany = await verifyHostile(appendMany(1200));
    expect(tooMany.report.verdict).toBe('MALFORMED');
    expect(failedCheck(tooMany.report, 'pdf.structure')?.detail).toMatch(/more than 1000 cross-reference sections/);
    const many = await verifyHostile(appendMany(900));
    expect(many.report.verdict, failedText(many.report)).toBe('TAMPERED');
    expect(failedCheck(many.report, 'pdf.coverage')?.detail).toMatch(/900 revisions after the signature/);
  });
});

describe('streams and decompression bombs', () => {
  /** Zlib data inflating to `size` bytes of `fill` (with `head` first), made without holding `size` bytes twice. */
  const bomb = (size: number, head = '', fill = 0x20): Uint8Array => {
    const plain = new Uint8Array(size).fill(fill);
    plain.set(enc(head), 0);
    return deflateSync(plain, { level: 9 });
  };

  let dataJsonBomb: Uint8Array;
  let objStmBomb: Uint8Array;
  beforeAll(() => {
    dataJsonBomb = bomb(400 * MiB, '', 0x00);
    objStmBomb = bomb(60 * MiB, '20 0 << /Type /Catalog /AcroForm 21 0 R >>');
  }, 60_000);

  /** A signed document with data.json's embedded stream replaced (new file spec in /AF and /EmbeddedFiles). */
  const withDataJsonStream = (streamObject: Uint8Array): Uint8Array => {
    const n = nextNum();
    return appendRevision(signed, [
      changedCatalog(signed, { AF: `[${n} 0 R]`, Names: `<< /EmbeddedFiles << /Names [(data.json) ${n} 0 R] >> >>` }),
      { num: n, body: `<< /Type /Filespec /F (data.json) /UF (data.json) /AFRelationship /Source /EF << /F ${n + 1} 0 R >> >>` },
      { num: n + 1, body: streamObject },
    ]);
  };

  it(`data.json as a FlateDecode bomb (${'~'}400 KB inflating to 400 MiB) → capped: report in time, RSS growth < 300 MB`, async () => {
    const pdf = withDataJsonStream(stream('/Type /EmbeddedFile /Filter /FlateDecode', dataJsonBomb));
    expect(pdf.length).toBeLessThan(2 * MiB);
    const { report, rssGrowthMiB, ms } = await verifyHostile(pdf, 3000);
    expect(report.verdict, failedText(report)).toBe('TAMPERED'); // the update changed the catalog after signing
    expect(failedCheck(report, 'document.embedded-data')?.detail).toMatch(/exceeds the limit/);
    expect(rssGrowthMiB, `RSS grew ${rssGrowthMiB.toFixed(0)} MiB in ${ms.toFixed(0)} ms`).toBeLessThan(300);
  }, 30_000);

  it('a stream claiming /Length 999999999 → the reader finds endstream; a report in time', async () => {
    const pdf = withDataJsonStream(stream('/Type /EmbeddedFile', enc('{"not":"ours"}'), 999_999_999));
    const { report } = await verifyHostile(pdf);
    expect(report.verdict).toBe('TAMPERED');
  });

  it('/DSS listing one FlateDecode bomb 1,000 times → every decode is capped by the document budget; RSS < 300 MB', async () => {
    const n = nextNum();
    const refs = Array.from({ length: 1000 }, () => `${n} 0 R`).join(' ');
    const pdf = appendRevision(signed, [changedCatalog(signed, { DSS: `<< /Certs [${refs}] /CRLs [${refs}] /OCSPs [${refs}] >>` }), { num: n, body: stream('/Filter /FlateDecode', dataJsonBomb) }]);
    const { report, rssGrowthMiB, ms } = await verifyHostile(pdf, 5000);
    expect(report.verdict).not.toBe('VALID');
    expect(rssGrowthMiB, `RSS grew ${rssGrowthMiB.toFixed(0)} MiB in ${ms.toFixed(0)} ms`).toBeLessThan(300);
  }, 30_000);

  it('twelve object streams of 60 MiB each (a 1 MB file) → stops at the 64 MiB decode budget; RSS < 300 MB', async () => {
    const bodies = new Map<number, string | Uint8Array>();
    const compressed = new Map<number, [number, number]>();
    const fields: string[] = [];
    for (let i = 0; i < 12; i++) {
      const stm = 100 + 2 * i;
      // Same decoded header (object 20) in each; the xref says object stm+1 is there, so each needs decoding.
      bodies.set(stm, stream('/Type /ObjStm /N 1 /First 5 /Filter /FlateDecode', objStmBomb));
      compressed.set(stm + 1, [stm, 0]);
      fields.push(`${stm + 1} 0 R`);
    }
    bodies.set(1, `<< /Type /Catalog /AcroForm << /Fields [${fields.join(' ')}] >> >>`);
    const pdf = buildPdfWithXrefStream(bodies, compressed);
    expect(pdf.length).toBeLessThan(2 * MiB);
    const { report, rssGrowthMiB, ms } = await verifyHostile(pdf, 5000);
    expect(report.verdict).toBe('MALFORMED');
    expect(rssGrowthMiB, `RSS grew ${rssGrowthMiB.toFixed(0)} MiB in ${ms.toFixed(0)} ms`).toBeLessThan(300);
  }, 30_000);

  it('an object-stream bomb holding the catalog, then 60 revisions: not inflated once per revision (shared budget)', async () => {
    // Revision 0: catalog (object 20) inside a 60 MiB object stream, a signature field with a correct ByteRange.
    const rev0 = fillByteRange(
      buildPdfWithXrefStream(
        new Map<number, string | Uint8Array>([
          [10, stream('/Type /ObjStm /N 1 /First 5 /Filter /FlateDecode', objStmBomb)],
          [21, '<< /Fields [22 0 R] >>'],
          [22, '<< /FT /Sig /T (s) /V 23 0 R >>'],
          [23, `<< /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange ${BYTERANGE_PLACEHOLDER} /Contents <3000> >>`],
        ]),
        new Map([[20, [10, 0]]]),
        '/Root 20 0 R',
      ),
    );
    let pdf = rev0;
    for (let i = 0; i < 60; i++) pdf = appendRevision(pdf, [{ num: 30 + i, body: `<< /N ${i} >>` }], { root: '20 0 R' });
    const { report, rssGrowthMiB, ms } = await verifyHostile(pdf, 5000);
    expect(report.verdict).not.toBe('VALID');
    expect(rssGrowthMiB, `RSS grew ${rssGrowthMiB.toFixed(0)} MiB in ${ms.toFixed(0)} ms`).toBeLessThan(300);
  }, 60_000);
});

describe('size limit', () => {
  it(`a file of exactly maxBytes + 1 (${DEFAULT_MAX_PDF_BYTES + 1} bytes) → pdf.size failed, naming the limit`, async () => {
    const big = new Uint8Array(DEFAULT_MAX_PDF_BYTES + 1);
    big.set(enc('%PDF-1.7\n'));
    const { report } = await verifyHostile(big);
    expect(report.verdict).toBe('MALFORMED');
    const c = failedCheck(report, 'pdf.size');
    expect(c?.detail).toBe(`${DEFAULT_MAX_PDF_BYTES + 1} bytes; the limit is ${DEFAULT_MAX_PDF_BYTES} bytes`);
    expect(DEFAULT_MAX_PDF_BYTES).toBe(20 * 1024 * 1024);
  });

  it('exactly maxBytes is not refused for its size', async () => {
    const atLimit = new Uint8Array(DEFAULT_MAX_PDF_BYTES);
    atLimit.set(enc('%PDF-1.7\n'));
    const { report } = await verifyHostile(atLimit);
    expect(failedCheck(report, 'pdf.size')).toBeUndefined();
    expect(failedCheck(report, 'pdf.structure')).toBeDefined();
  });

  it('a custom maxBytes applies to a genuine document too', async () => {
    const { report } = await verifyHostile(signed, 2000, { maxBytes: signed.length - 1 });
    expect(failedCheck(report, 'pdf.size')?.detail).toBe(`${signed.length} bytes; the limit is ${signed.length - 1} bytes`);
    expect((await verifyPdf(signed, { ...opts, maxBytes: signed.length })).verdict).toBe('VALID');
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import {
  PdfDict, PdfName, PdfRef, PdfStream, PdfString, PdfWriteError, embedSignature, findSignatureFields, openPdf,
  prepareSignature, signedRanges,
} from '../../src/pdf/index.js';
import {
  handmadePdf, latin1, makeOpensslSigner, makeTypstPdf, opensslCmsSign, pdfsig, qpdfCheck, qpdfConvert, run, tmpFile,
} from './helpers.js';

let classic: Uint8Array;
let xrefStream: Uint8Array;
const dummy = new Uint8Array(256).map((_, i) => (i * 37 + 11) & 0xff);
const thaiReason = 'อนุมัติโดยผู้อำนวยการ (ทดสอบ)';

beforeAll(() => {
  classic = makeTypstPdf();
  xrefStream = qpdfConvert(classic, ['--object-streams=generate'], 'objstm');
});

function expectQpdfClean(bytes: Uint8Array, name: string): void {
  const r = qpdfCheck(bytes, name);
  // qpdf exits 0 only without errors or warnings (3 = warnings, 2 = errors); also require its all-clear line.
  expect(r.stderr + r.stdout).not.toMatch(/WARNING/);
  expect(r.stdout).toContain('No syntax or stream encoding errors found');
  expect(r.status).toBe(0);
}

/** qpdf's own view of the trailer /ID (independent of our reader). */
const qpdfTrailerId = (bytes: Uint8Array): string =>
  /\/ID \[[^\]]*\]/.exec(run('qpdf', ['--show-object=trailer', tmpFile('trailer.pdf', bytes)]).stdout)?.[0] ?? 'none';

const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

describe.each([
  ['classic xref', () => classic, 'table'],
  ['xref stream', () => xrefStream, 'stream'],
] as const)('prepareSignature + embedSignature on a %s file', (_label, input, kind) => {
  it('makes a file qpdf, pdfsig and pdfinfo accept, with an exact ByteRange', () => {
    const src = input();
    const prepared = prepareSignature(src, {
      kind: 'signature', contentsBytes: 8192, reason: thaiReason, location: 'Bangkok', name: 'Somchai',
      signingTime: new Date('2025-01-15T03:04:05Z'), utcOffsetMinutes: 420,
    });
    const out = embedSignature(prepared, dummy);
    const { byteRange: br, contentsStart: cs, contentsEnd: ce } = prepared;

    // ByteRange = everything except the `<…>` of /Contents, exactly.
    expect(br).toEqual([0, cs, ce, out.length - ce]);
    expect(String.fromCharCode(out[cs]!, out[ce - 1]!)).toBe('<>');
    expect(latin1(out.subarray(cs + 1, ce - 1))).toBe(hexOf(dummy) + '0'.repeat(2 * (8192 - 256)));
    expect(out.length).toBe(prepared.pdf.length);
    const [r1, r2] = signedRanges(out, br);
    expect(r1.length + r2.length + (ce - cs)).toBe(out.length);
    // The ByteRange written in the file says the same (padding keeps offsets fixed).
    expect(latin1(out)).toContain(`/ByteRange [${br.join(' ')}`);

    expect(out.subarray(0, src.length)).toEqual(src); // incremental: original untouched
    expectQpdfClean(out, `signed-${kind}.pdf`);
    const sig = pdfsig(out, `signed-${kind}-sig.pdf`);
    expect(sig.stdout).toContain('Signature Field Name: Signature1');
    expect(sig.stdout).toContain('Signature Type: ETSI.CAdES.detached');
    expect(sig.stdout).toContain(`Signed Ranges: [0 - ${cs}], [${ce} - ${out.length}]`);
    const info = run('pdfinfo', [tmpFile(`signed-${kind}-info.pdf`, out)]);
    expect(info.status).toBe(0);
    expect(info.stdout).toMatch(/Pages:\s+1/);
    expect(qpdfTrailerId(out)).toBe(qpdfTrailerId(src));

    // Our reader reads it back the same way.
    const doc = openPdf(out);
    expect(doc.xrefKind).toBe(kind);
    const [found] = findSignatureFields(doc);
    expect(found).toMatchObject({
      fieldName: 'Signature1', type: 'Sig', byteRange: br, contentsStart: cs, contentsEnd: ce, contentsIsHex: true,
      filter: 'Adobe.PPKLite', subFilter: 'ETSI.CAdES.detached', reason: thaiReason, location: 'Bangkok', name: 'Somchai',
      m: "D:20250115100405+07'00'", revision: 1,
    });
    expect(found!.signingTime?.toISOString()).toBe('2025-01-15T03:04:05.000Z');
    expect(found!.contents.subarray(0, 256)).toEqual(dummy);
    // The widget is on the first page and the catalog's AcroForm lists it.
    const page = doc.firstPage();
    expect((doc.resolve(page.dict.get('Annots')) as PdfRef[]).some((r) => r.equals(found!.fieldRef!))).toBe(true);
    const acro = doc.getDict(doc.catalog, 'AcroForm')!;
    expect(acro.get('SigFlags')).toBe(3);
    const widget = doc.getObject(found!.fieldRef!) as PdfDict;
    expect(widget.get('F')).toBe(132);
    expect(widget.get('Rect')).toEqual([0, 0, 0, 0]);
    expect(doc.resolve((widget.get('AP') as PdfDict).get('N'))).toBeInstanceOf(PdfStream);
  });

  it('keeps both signatures intact through a second update (document timestamp)', () => {
    const src = input();
    const first = embedSignature(prepareSignature(src, { kind: 'signature', contentsBytes: 4096 }), dummy);
    const p2 = prepareSignature(first, { kind: 'timestamp', contentsBytes: 4096 });
    const second = embedSignature(p2, dummy.subarray(0, 100));
    expect(second.subarray(0, first.length)).toEqual(first);
    expectQpdfClean(second, `signed2-${kind}.pdf`);
    const doc = openPdf(second);
    expect(doc.revisions).toHaveLength(3);
    expect(doc.revisions.map((r) => r.end)).toEqual([src.length + (src[src.length - 1] === 0x0a ? 0 : 1), first.length, second.length]);
    const sigs = findSignatureFields(doc);
    expect(sigs.map((s) => [s.fieldName, s.type, s.subFilter, s.revision])).toEqual([
      ['Signature1', 'Sig', 'ETSI.CAdES.detached', 1],
      ['Timestamp1', 'DocTimeStamp', 'ETSI.RFC3161', 2],
    ]);
    // The first signature still covers exactly revision 1.
    const br = sigs[0]!.byteRange!;
    expect(br[2]! + br[3]!).toBe(doc.revisions[1]!.end);
    expect(sigs[1]!.byteRange![2]! + sigs[1]!.byteRange![3]!).toBe(second.length);
    const out = pdfsig(second, `signed2-${kind}-sig.pdf`).stdout;
    expect(out).toContain('Signature Field Name: Signature1');
    expect(out).toContain('Signature Field Name: Timestamp1');
    expect(qpdfTrailerId(second)).toBe(qpdfTrailerId(src));
  });
});

describe('with a real CMS made by openssl', () => {
  it('pdfsig reports the signature valid and covering the total document', () => {
    const signer = makeOpensslSigner();
    const prepared = prepareSignature(classic, { kind: 'signature', contentsBytes: 8192, signingTime: new Date() });
    const [a, b] = signedRanges(prepared.pdf, prepared.byteRange);
    const tbs = new Uint8Array(a.length + b.length);
    tbs.set(a);
    tbs.set(b, a.length);
    const out = embedSignature(prepared, opensslCmsSign(tbs, signer));
    const r = pdfsig(out, 'openssl-signed.pdf');
    expect(r.stdout).toContain('Signature Validation: Signature is Valid.');
    expect(r.stdout).toContain('Total document signed');
  });
});

describe('existing forms and extra changes', () => {
  /** A file with an indirect AcroForm, an indirect /Fields array holding a text field, and indirect page /Annots. */
  const withForm = () =>
    handmadePdf([
      '<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R /Metadata 8 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots 7 0 R >>',
      '<< /Fields 5 0 R /DA (/Helv 0 Tf 0 g) >>',
      '[6 0 R]',
      '<< /FT /Tx /T (name) /Type /Annot /Subtype /Widget /Rect [10 10 100 30] /P 3 0 R /F 4 >>',
      '[6 0 R]',
      '<< /Type /Metadata /Subtype /XML /Length 9 >>\nstream\n<old-xmp>\nendstream',
    ]);

  it('adds to an indirect AcroForm and indirect /Annots, keeping the existing field, and applies extraChanges', () => {
    const src = withForm();
    const newXmp = new PdfStream(new PdfDict([['Type', PdfName.of('Metadata')], ['Subtype', PdfName.of('XML')]]), new TextEncoder().encode('<x:xmpmeta>ใหม่</x:xmpmeta>'));
    const p1 = prepareSignature(src, { kind: 'signature', contentsBytes: 2048, extraChanges: [{ ref: { num: 8, gen: 0 }, obj: newXmp }] });
    const signed = embedSignature(p1, dummy);
    const doc = openPdf(signed);
    expect([...doc.revisions[1]!.objects].sort((a, b) => a - b)).toEqual([4, 5, 7, 8, 9, 10, 11]); // not 1 or 3: they are untouched
    expect(doc.getObject({ num: 5, gen: 0 })).toEqual([new PdfRef(6, 0), new PdfRef(9 + 1, 0)]);
    expect(doc.getObject({ num: 7, gen: 0 })).toEqual([new PdfRef(6, 0), new PdfRef(10, 0)]);
    expect((doc.getObject({ num: 4, gen: 0 }) as PdfDict).get('SigFlags')).toBe(3);
    expect((doc.getObject({ num: 4, gen: 0 }) as PdfDict).get('DA')).toBeInstanceOf(PdfString);
    expect(new TextDecoder().decode(doc.decodeStream(doc.getObject({ num: 8, gen: 0 }) as PdfStream))).toBe('<x:xmpmeta>ใหม่</x:xmpmeta>');
    expectQpdfClean(signed, 'form-signed.pdf');
    expect(pdfsig(signed, 'form-signed-sig.pdf').stdout).toContain('Signature Field Name: Signature1');
    // A second signature picks the next free name and keeps the first.
    const twice = embedSignature(prepareSignature(signed, { kind: 'signature', contentsBytes: 2048 }), dummy);
    expect(findSignatureFields(openPdf(twice)).map((s) => s.fieldName)).toEqual(['Signature1', 'Signature2']);
    expectQpdfClean(twice, 'form-signed-twice.pdf');
  });

  it('rejects bad options and a signature that does not fit, with clear messages', () => {
    const src = withForm();
    expect(() => prepareSignature(src, { kind: 'signature', contentsBytes: 0 })).toThrow(/contentsBytes/);
    expect(() => prepareSignature(src, { kind: 'sig' as 'signature', contentsBytes: 10 })).toThrow(/kind/);
    expect(() => prepareSignature(src, { kind: 'signature', contentsBytes: 10, fieldName: 'a.b' })).toThrow(/fieldName/);
    expect(() => prepareSignature(src, { kind: 'signature', contentsBytes: 10, fieldName: 'name' })).toThrow(/already exists/);
    expect(() =>
      prepareSignature(src, { kind: 'signature', contentsBytes: 10, extraChanges: [{ ref: { num: 4, gen: 0 }, obj: null }] }),
    ).toThrow(/rewrites/);
    const p = prepareSignature(src, { kind: 'signature', contentsBytes: 100 });
    expect(() => embedSignature(p, new Uint8Array(101))).toThrow(PdfWriteError);
    expect(() => embedSignature(p, new Uint8Array(101))).toThrow(/101 bytes.*holds only 100/);
    expect(embedSignature(p, new Uint8Array(100)).length).toBe(p.pdf.length);
  });
});

describe('performance', () => {
  it('openPdf + prepareSignature + embedSignature takes a few ms on a one-page Typst PDF', () => {
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t0 = performance.now();
      const doc = openPdf(classic);
      const p = prepareSignature(doc, { kind: 'signature', contentsBytes: 16384, reason: thaiReason, signingTime: new Date() });
      embedSignature(p, dummy);
      times.push(performance.now() - t0);
    }
    const warm = times.slice(10).sort((a, b) => a - b);
    const median = warm[Math.floor(warm.length / 2)]!;
    console.log(`sign path on ${classic.length}-byte PDF: median ${median.toFixed(2)} ms, max ${warm[warm.length - 1]!.toFixed(2)} ms`);
    expect(median).toBeLessThan(20);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import {
  PdfDict, PdfName, PdfRef, PdfStream, PdfString, PdfWriteError, appendIncrementalUpdate, openPdf,
} from '../../src/pdf/index.js';
import { ascii, handmadePdf, latin1, makeTypstPdf, minimalObjects, qpdfCheck, qpdfConvert, run, tmpFile } from './helpers.js';

let classic: Uint8Array;
let xrefStream: Uint8Array;

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

describe('appendIncrementalUpdate', () => {
  for (const kind of ['table', 'stream'] as const) {
    it(`appends new and replaced objects with a ${kind} xref like the file's last one`, () => {
      const input = kind === 'table' ? classic : xrefStream;
      const before = openPdf(input);
      const infoRef = before.trailer.get('Info') as PdfRef;
      const newInfo = (before.resolve(infoRef) as PdfDict).clone().set('Subject', new PdfString(ascii('updated')));
      const stream = new PdfStream(new PdfDict([['Type', PdfName.of('Test')]]), ascii('hello stream'));
      const { pdf, refs } = appendIncrementalUpdate(input, [{ ref: infoRef, obj: newInfo }, { obj: stream }, { obj: [1, 2, 3] }]);

      // The original bytes are untouched: an update only appends.
      expect(pdf.subarray(0, input.length)).toEqual(input);
      expect(refs.slice(1).map((r) => r.num)).toEqual([before.size, before.size + 1]);
      expectQpdfClean(pdf, `upd-${kind}.pdf`);

      const after = openPdf(pdf);
      expect(after.xrefKind).toBe(kind);
      expect(after.revisions).toHaveLength(2);
      expect(after.revisions[1]!.objects.has(infoRef.num)).toBe(true);
      expect(after.trailer.get('Prev')).toBe(before.startXref);
      expect(after.trailer.get('Root')).toEqual(before.trailer.get('Root'));
      expect(latin1((after.getDict(after.trailer, 'Info')!.get('Subject') as PdfString).bytes)).toBe('updated');
      expect(latin1(after.decodeStream(after.getObject(refs[1]!) as PdfStream))).toBe('hello stream');
      expect(after.getObject(refs[2]!)).toEqual([1, 2, 3]);
      // The /ID array is carried over byte for byte.
      const id = (d: typeof before) => (d.trailer.get('ID') as PdfString[]).map((s) => latin1(s.bytes));
      expect(id(after)).toEqual(id(before));
      // qpdf sees the new object too (independent reader).
      const shown = run('qpdf', [`--show-object=${refs[2]!.num}`, tmpFile('show.pdf', pdf)]);
      expect(shown.stdout.trim()).toBe('[ 1 2 3 ]');
    });
  }

  it('starts the update on a fresh line even when the file ends right after %%EOF', () => {
    expect(classic[classic.length - 1]).not.toBe(0x0a); // Typst writes no final EOL
    const { pdf } = appendIncrementalUpdate(classic, [{ obj: 1 }]);
    expect(latin1(pdf.subarray(classic.length, classic.length + 2))).toMatch(/^\n\d/);
  });

  it('creates a trailer /ID when the file has none', () => {
    const input = handmadePdf(minimalObjects());
    const { pdf } = appendIncrementalUpdate(input, [{ obj: 42 }]);
    const id = openPdf(pdf).trailer.get('ID') as PdfString[];
    expect(id).toHaveLength(2);
    expect(id[0]!.bytes).toHaveLength(16);
    expectQpdfClean(pdf, 'upd-noid.pdf');
  });

  it('refuses to replace an object with the wrong generation', () => {
    expect(() => appendIncrementalUpdate(classic, [{ ref: { num: 1, gen: 3 }, obj: null }])).toThrow(PdfWriteError);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { PdfDict, PdfStream, PdfString, decodeTextString, isName, openPdf } from '../../src/pdf/index.js';
import { latin1, makeTypstPdf, qpdfConvert, run, tmpFile } from './helpers.js';

let classic: Uint8Array;
let xrefStream: Uint8Array;
let qdf: Uint8Array;
let linearized: Uint8Array;

beforeAll(() => {
  classic = makeTypstPdf();
  xrefStream = qpdfConvert(classic, ['--object-streams=generate'], 'objstm');
  // Uncompressed streams without qpdf's --qdf content normalization, so content bytes are comparable.
  qdf = qpdfConvert(classic, ['--stream-data=uncompress', '--object-streams=disable'], 'uncompressed');
  linearized = qpdfConvert(classic, ['--object-streams=generate', '--linearize'], 'lin');
});

/** Object numbers qpdf reports for the file (independent reader). */
function qpdfObjectCount(bytes: Uint8Array): number {
  const r = run('qpdf', ['--show-xref', tmpFile('count.pdf', bytes)]);
  return r.stdout.split('\n').filter((l) => /^\d+\/\d+: uncompressed|^\d+\/\d+: compressed/.test(l)).length;
}

describe('openPdf on real files', () => {
  it('reads a classic-xref Typst PDF: catalog, pages, one revision ending at the file end', () => {
    const doc = openPdf(classic);
    expect(doc.xrefKind).toBe('table');
    expect(isName(doc.catalog.get('Type'), 'Catalog')).toBe(true);
    expect(doc.pages()).toHaveLength(1);
    expect(doc.revisions).toHaveLength(1);
    expect(doc.revisions[0]!.end).toBe(classic.length);
    expect(doc.revisions[0]!.objects.size).toBe(qpdfObjectCount(classic));
    expect(latin1(classic.subarray(doc.startXref, doc.startXref + 4))).toBe('xref');
  });

  it('reads an xref-stream file with object streams (PNG Up predictor) and finds the same objects', () => {
    const doc = openPdf(xrefStream);
    expect(doc.xrefKind).toBe('stream');
    expect(doc.objectNumbers().some((n) => doc.entry(n)!.type === 2)).toBe(true);
    expect(doc.objectNumbers()).toHaveLength(qpdfObjectCount(xrefStream));
    // Every object loads, compressed or not.
    for (const n of doc.objectNumbers()) doc.getObject({ num: n, gen: 0 });
    const page = doc.firstPage();
    expect(isName(page.dict.get('Type'), 'Page')).toBe(true);
    // The document title (UTF-16 Thai) survives, read from inside an object stream.
    const info = doc.resolve(doc.trailer.get('Info')) as PdfDict;
    const classicInfo = openPdf(classic);
    const title = (d: typeof doc, i: PdfDict) => decodeTextString(d.resolve(i.get('Title')) as PdfString);
    expect(title(doc, info)).toBe(title(classicInfo, classicInfo.resolve(classicInfo.trailer.get('Info')) as PdfDict));
  });

  it('decodes a FlateDecode content stream to exactly what qpdf writes uncompressed', () => {
    const doc = openPdf(classic);
    const contents = doc.getStream(doc.firstPage().dict, 'Contents')!;
    const decoded = doc.decodeStream(contents);
    const q = openPdf(qdf);
    const qContents = q.getStream(q.firstPage().dict, 'Contents')!;
    expect(qContents.dict.get('Filter')).toBeUndefined();
    expect(latin1(decoded)).toBe(latin1(qContents.raw));
    expect(decoded.length).toBeGreaterThan(1000);
  });

  it('treats a linearized file (two xref sections, one %%EOF) as one revision', () => {
    const doc = openPdf(linearized);
    expect(doc.revisions).toHaveLength(1);
    expect(doc.revisions[0]!.end).toBe(linearized.length);
    expect(doc.pages()).toHaveLength(1);
  });

  it('reads stream data offsets that point at the raw bytes in the file', () => {
    const doc = openPdf(classic);
    const s = doc.getStream(doc.firstPage().dict, 'Contents') as PdfStream;
    expect(classic.subarray(s.dataStart, s.dataEnd)).toEqual(s.raw);
  });
});

describe('hybrid and multi-revision files', () => {
  it('reads a hybrid file: an object listed free in the table is found through /XRefStm in an object stream', () => {
    // Hand-built so the structure is exact: object 4 lives in object stream 5, only the XRefStm (6) says so.
    const objs: string[] = [];
    const offsets: number[] = [];
    let s = '%PDF-1.5\n';
    const add = (num: number, body: string) => {
      offsets[num] = s.length;
      s += `${num} 0 obj\n${body}\nendobj\n`;
      objs.push(body);
    };
    add(1, '<< /Type /Catalog /Pages 2 0 R >>');
    add(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
    add(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>');
    const objStmBody = '4 0 << /Title (hidden in objstm) >>';
    add(5, `<< /Type /ObjStm /N 1 /First 4 /Length ${objStmBody.length} >>\nstream\n${objStmBody}\nendstream`);
    const row = (t: number, f2: number, f3: number) => String.fromCharCode(t, (f2 >> 8) & 255, f2 & 255, f3);
    const xdata = row(2, 5, 0) + row(1, offsets[5]!, 0);
    offsets[6] = s.length;
    s += `6 0 obj\n<< /Type /XRef /Size 7 /W [1 2 1] /Index [4 2] /Length ${xdata.length} >>\nstream\n${xdata}\nendstream\nendobj\n`;
    const xref = s.length;
    s += 'xref\n0 7\n0000000000 65535 f\r\n';
    for (const n of [1, 2, 3]) s += `${String(offsets[n]).padStart(10, '0')} 00000 n\r\n`;
    s += '0000000000 00000 f\r\n0000000000 00000 f\r\n'; // 4 and 5 "free" for pre-1.5 readers
    s += `${String(offsets[6]).padStart(10, '0')} 00000 n\r\n`;
    s += `trailer\n<< /Size 7 /Root 1 0 R /Info 4 0 R /XRefStm ${offsets[6]} >>\nstartxref\n${xref}\n%%EOF\n`;
    const bytes = Uint8Array.from(s, (c) => c.charCodeAt(0));
    const doc = openPdf(bytes);
    const info = doc.resolve(doc.trailer.get('Info')) as PdfDict;
    expect(latin1((info.get('Title') as PdfString).bytes)).toBe('hidden in objstm');
    expect(doc.revisions[0]!.xrefStmOffset).toBe(offsets[6]);
    // qpdf agrees the file is sound.
    expect(run('qpdf', ['--check', tmpFile('hybrid.pdf', bytes)]).status).toBe(0);
  });

  it('lists revisions in file order with the objects each one redefines; newest definition wins', () => {
    // qpdf cannot append, so build revision 2 by hand on top of the Typst file: it redefines the Info dictionary.
    const doc1 = openPdf(classic);
    const infoRef = doc1.trailer.get('Info') as { num: number; gen: number };
    const base = latin1(classic) + '\n';
    const objOff = base.length;
    let add = `${infoRef.num} 0 obj\n<< /Title (revised) >>\nendobj\n`;
    const xref = objOff + add.length;
    add += `xref\n${infoRef.num} 1\n${String(objOff).padStart(10, '0')} 00000 n\r\n`;
    add += `trailer\n<< /Size ${doc1.size} /Root ${doc1.catalogRef} /Info ${infoRef.num} 0 R /Prev ${doc1.startXref} >>\nstartxref\n${xref}\n%%EOF`;
    const bytes = Uint8Array.from(base + add, (c) => c.charCodeAt(0));
    const doc = openPdf(bytes);
    expect(doc.revisions.map((r) => r.end)).toEqual([classic.length + 1, bytes.length]);
    expect([...doc.revisions[1]!.objects]).toEqual([infoRef.num]);
    expect(doc.entry(infoRef.num)!.revision).toBe(1);
    const info = doc.resolve(doc.trailer.get('Info')) as PdfDict;
    expect(latin1((info.get('Title') as PdfString).bytes)).toBe('revised');
  });
});

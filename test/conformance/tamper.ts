/**
 * Ways to damage or forge a signed PDF, for the tampering suite. Each returns new bytes; the input is never changed.
 */
import { IncrementalUpdate, PdfDict, PdfRef, PdfStream, PdfString, appendIncrementalUpdate, isStream, openPdf } from '../../src/pdf/index.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Flips one bit in the middle of page 1's (compressed) content stream: inside the signed range. */
export function flipContentStreamByte(pdf: Uint8Array): { bytes: Uint8Array; offset: number } {
  const doc = openPdf(pdf);
  const contents = doc.resolve(doc.firstPage().dict.get('Contents'));
  if (!isStream(contents) || contents.dataStart < 0) throw new Error('page 1 has no content stream read from the file');
  const offset = Math.floor((contents.dataStart + contents.dataEnd) / 2);
  const bytes = pdf.slice();
  bytes[offset] = bytes[offset]! ^ 0x01;
  return { bytes, offset };
}

/**
 * A "shadow" attack done properly: an incremental update that adds a content stream painting a white box with new
 * text over page 1. Every earlier byte is untouched, so the signature over its own range still verifies — only the
 * coverage check can tell.
 */
export function overpaintPageUpdate(pdf: Uint8Array): Uint8Array {
  const doc = openPdf(pdf);
  const page = doc.firstPage();
  const upd = new IncrementalUpdate(doc);
  const overlay = upd.add(new PdfStream(new PdfDict(), ascii('q 1 1 1 rg 60 400 480 200 re f Q\n')));
  const original = page.dict.get('Contents');
  const newPage = page.dict.clone().set('Contents', [...(Array.isArray(original) ? original : [original!]), overlay]);
  upd.set(page.ref, newPage);
  return upd.build().pdf;
}

/** An incremental update that rewrites only the document information dictionary (title, author). */
export function infoDictUpdate(pdf: Uint8Array): Uint8Array {
  const doc = openPdf(pdf);
  const infoRef = doc.trailer.get('Info');
  if (!(infoRef instanceof PdfRef)) throw new Error('the signed PDF has no /Info reference');
  const info = (doc.resolve(infoRef) as PdfDict).clone();
  info.set('Title', new PdfString(ascii('Forged title'))).set('Author', new PdfString(ascii('Someone else')));
  return appendIncrementalUpdate(doc, [{ ref: infoRef, obj: info }]).pdf;
}

/**
 * The same kind of change written by hand (no ekasarn writer involved): a new /Info object, a classic xref
 * section and a trailer pointing back with /Prev — what any PDF editor would append.
 */
export function rawAppendedRevision(pdf: Uint8Array): Uint8Array {
  const doc = openPdf(pdf);
  const root = doc.trailer.get('Root') as PdfRef;
  const idArray = doc.resolve(doc.trailer.get('ID'));
  const id = Array.isArray(idArray)
    ? `/ID [${idArray.map((x) => `<${Buffer.from((x as PdfString).bytes).toString('hex')}>`).join(' ')}]`
    : '';
  const num = doc.size;
  const head = pdf[pdf.length - 1] === 0x0a ? '' : '\n';
  const objOffset = pdf.length + head.length;
  const obj = `${num} 0 obj\n<< /Title (Raw forged revision) /Producer (hand-written) >>\nendobj\n`;
  const xrefOffset = objOffset + obj.length;
  const tail =
    `xref\n0 1\n0000000000 65535 f\r\n${num} 1\n${String(objOffset).padStart(10, '0')} 00000 n\r\n` +
    `trailer\n<< /Size ${num + 1} /Root ${root.num} ${root.gen} R /Info ${num} 0 R /Prev ${doc.startXref} ${id} >>\n` +
    `startxref\n${xrefOffset}\n%%EOF\n`;
  const added = ascii(head + obj + tail);
  const out = new Uint8Array(pdf.length + added.length);
  out.set(pdf);
  out.set(added, pdf.length);
  return out;
}

/** The file as it was before the signature's incremental update (the renderer's unsigned output). */
export function stripSignatureRevision(pdf: Uint8Array): Uint8Array {
  const doc = openPdf(pdf);
  if (doc.revisions.length < 2) throw new Error('expected an original revision and a signature revision');
  return pdf.slice(0, doc.revisions[0]!.end);
}

import { EMBEDDED_DATA_FILENAME } from '../../domain/embedded-data.js';
import { PdfDict, PdfStream, isName, openPdf, type PdfDocument, type PdfObject } from '../../pdf/index.js';
import { listEmbeddedFiles } from '../../verify/pdf/embedded-files.js';
import type { TypeProblem } from '../load-types.js';

/**
 * A structural PDF/A-3 check of what a template produced, in-process with the project's own PDF reader (no veraPDF
 * here, see DEPENDENCIES.md). Typst already refuses to export much that PDF/A forbids; this confirms the properties
 * verifiers and archives rely on actually reached the file: the XMP claim (part 3 + conformance), an output intent,
 * every font embedded, data.json attached as an associated file, no encryption, no JavaScript or launch actions.
 */

/** Bounds the object walk: an issued certificate has a few hundred objects. */
const MAX_OBJECTS = 20_000;

const problem = (th: string, en: string): TypeProblem => ({ part: 'template', message: { th, en } });

function dictOf(o: PdfObject): PdfDict | null {
  if (o instanceof PdfDict) return o;
  if (o instanceof PdfStream) return o.dict;
  return null;
}

function xmpProblems(doc: PdfDocument): TypeProblem[] {
  const metadata = doc.getStream(doc.catalog, 'Metadata');
  if (!metadata) return [problem('PDF ไม่มีข้อมูล XMP (/Metadata) ซึ่ง PDF/A ต้องมี', 'the PDF has no XMP metadata stream (/Metadata), which PDF/A requires')];
  const xmp = new TextDecoder().decode(doc.decodeStream(metadata));
  const part = /<pdfaid:part>\s*(\d+)\s*<\/pdfaid:part>|pdfaid:part\s*=\s*["'](\d+)["']/.exec(xmp);
  const conformance = /<pdfaid:conformance>\s*([A-Za-z])\s*<\/pdfaid:conformance>|pdfaid:conformance\s*=\s*["']([A-Za-z])["']/.exec(xmp);
  const out: TypeProblem[] = [];
  const partValue = part?.[1] ?? part?.[2];
  if (partValue !== '3') out.push(problem(`XMP ไม่ได้ระบุ pdfaid:part เป็น 3 (พบ ${partValue ?? 'ไม่มี'})`, `XMP does not claim pdfaid:part 3 (found ${partValue ?? 'none'})`));
  const letter = conformance?.[1] ?? conformance?.[2];
  if (!letter || !/^[ABU]$/.test(letter)) out.push(problem('XMP ไม่มีระดับความสอดคล้อง pdfaid:conformance (A, B หรือ U)', 'XMP has no pdfaid:conformance letter (A, B or U)'));
  return out;
}

function outputIntentProblems(doc: PdfDocument): TypeProblem[] {
  const intents = doc.getArray(doc.catalog, 'OutputIntents') ?? [];
  const ok = intents.some((i) => {
    const d = doc.resolve(i);
    return d instanceof PdfDict && isName(d.get('S'), 'GTS_PDFA1') && doc.resolve(d.get('DestOutputProfile')) instanceof PdfStream;
  });
  return ok ? [] : [problem('PDF ไม่มี OutputIntent แบบ /GTS_PDFA1 พร้อมโปรไฟล์สี', 'the PDF has no /GTS_PDFA1 OutputIntent with a colour profile')];
}

/** A font's program is embedded when its descriptor has /FontFile, /FontFile2 or /FontFile3. Type3 fonts draw glyphs inline. */
function fontEmbedded(doc: PdfDocument, font: PdfDict): boolean {
  const subtype = font.getName('Subtype');
  if (subtype === 'Type3') return true;
  if (subtype === 'Type0') {
    const descendants = doc.getArray(font, 'DescendantFonts') ?? [];
    const first = doc.resolve(descendants[0]);
    return first instanceof PdfDict && fontEmbedded(doc, first);
  }
  const descriptor = doc.getDict(font, 'FontDescriptor');
  return !!descriptor && ['FontFile', 'FontFile2', 'FontFile3'].some((k) => doc.resolve(descriptor.get(k)) instanceof PdfStream);
}

function fontName(font: PdfDict): string {
  const base = font.getName('BaseFont');
  return base ?? '(unnamed)';
}

/** Actions a document that is only read must never carry (PDF/A forbids them; some run code or open other files). */
const FORBIDDEN_ACTIONS = new Set(['JavaScript', 'Launch', 'SubmitForm', 'ImportData', 'ResetForm']);
const MAX_NESTING = 32;

/**
 * Walks every object once, and the dictionaries nested directly inside it (an annotation's /A, the catalog's
 * /OpenAction are often direct): fonts must be embedded; no forbidden or additional (automatic) actions.
 */
function objectProblems(doc: PdfDocument): TypeProblem[] {
  const out: TypeProblem[] = [];
  const missingFonts = new Set<string>();
  const actions = new Set<string>();
  const visit = (o: PdfObject, depth: number): void => {
    if (depth > MAX_NESTING) return;
    if (Array.isArray(o)) {
      for (const x of o) visit(x, depth + 1);
      return;
    }
    const d = dictOf(o);
    if (!d) return;
    if (isName(d.get('Type'), 'Font') && !fontEmbedded(doc, d)) missingFonts.add(fontName(d));
    const action = d.getName('S');
    if (d.has('JS')) actions.add('JavaScript');
    if (action !== undefined && FORBIDDEN_ACTIONS.has(action)) actions.add(action);
    if (d.has('AA')) actions.add('AA (additional actions)');
    for (const v of d.map.values()) if (v instanceof PdfDict || Array.isArray(v)) visit(v, depth + 1);
  };
  for (const num of doc.objectNumbers().slice(0, MAX_OBJECTS)) {
    const entry = doc.entry(num);
    visit(doc.getObject({ num, gen: entry?.type === 1 ? entry.gen : 0 }), 0);
  }
  if (doc.getDict(doc.catalog, 'Names')?.has('JavaScript')) actions.add('JavaScript');
  for (const f of missingFonts) out.push(problem(`แบบอักษร ${f} ไม่ได้ฝังใน PDF`, `font ${f} is not embedded`));
  for (const a of actions) out.push(problem(`PDF มีคำสั่ง ${a} ซึ่งเอกสารราชการห้ามมี`, `the PDF contains a ${a} action, which official documents must not have`));
  return out;
}

function attachmentProblems(doc: PdfDocument): TypeProblem[] {
  const data = listEmbeddedFiles(doc).find((f) => f.name === EMBEDDED_DATA_FILENAME);
  if (!data) return [problem(`PDF ไม่มีไฟล์แนบ ${EMBEDDED_DATA_FILENAME}`, `the PDF has no embedded ${EMBEDDED_DATA_FILENAME}`)];
  const out: TypeProblem[] = [];
  if (!data.relationship || !data.inAssociatedFiles) {
    out.push(problem(`${EMBEDDED_DATA_FILENAME} ไม่ได้แนบเป็นไฟล์ประกอบ (/AF พร้อม /AFRelationship)`, `${EMBEDDED_DATA_FILENAME} is not an associated file (/AF with /AFRelationship)`));
  }
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data.bytes ?? new Uint8Array()));
  } catch {
    out.push(problem(`${EMBEDDED_DATA_FILENAME} ที่แนบไม่ใช่ JSON`, `the embedded ${EMBEDDED_DATA_FILENAME} is not JSON`));
  }
  return out;
}

/** Every structural PDF/A-3 problem found in `pdf` (empty when it passes). Never throws: a broken file is a problem. */
export function pdfaStructureProblems(pdf: Uint8Array): TypeProblem[] {
  let doc: PdfDocument;
  try {
    doc = openPdf(pdf);
    doc.catalog;
  } catch (e) {
    return [problem(`อ่านไฟล์ PDF ที่ได้ไม่ได้: ${(e as Error).message}`, `the produced PDF cannot be read: ${(e as Error).message}`)];
  }
  const out: TypeProblem[] = [];
  if (doc.trailer.has('Encrypt')) out.push(problem('PDF ถูกเข้ารหัส ซึ่ง PDF/A ห้าม', 'the PDF is encrypted, which PDF/A forbids'));
  for (const check of [xmpProblems, outputIntentProblems, objectProblems, attachmentProblems]) {
    try {
      out.push(...check(doc));
    } catch (e) {
      out.push(problem(`ตรวจโครงสร้าง PDF ไม่สำเร็จ: ${(e as Error).message}`, `the PDF structure check failed: ${(e as Error).message}`));
    }
  }
  return out;
}

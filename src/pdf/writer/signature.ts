/**
 * Signature placement (PAdES, ETSI EN 319 142-1): one incremental update adds the signature dictionary with
 * fixed-size /ByteRange and /Contents placeholders, an invisible signature widget on the first page, and the
 * AcroForm entry. The caller hashes `signedRanges(...)`, builds the CMS, and `embedSignature` writes it in place.
 */
import { PdfParseError, PdfWriteError } from '../errors.js';
import { PdfDict, PdfName, PdfObject, PdfRef, PdfStream, PdfString } from '../objects.js';
import { PdfDocument, openPdf } from '../reader/document.js';
import { decodeTextString } from '../reader/text.js';
import { IncrementalUpdate, ObjectChange } from './incremental-update.js';
import { PdfPlaceholder, WritableObject, writableDict } from './serialize.js';
import { encodeTextString, formatPdfDate } from './text-string.js';

export interface PrepareSignatureOptions {
  kind: 'signature' | 'timestamp';
  /** Field name (no '.'); default: the first free `Signature<n>` / `Timestamp<n>`. */
  fieldName?: string;
  /** Default 'ETSI.CAdES.detached' for signatures, 'ETSI.RFC3161' for document timestamps. */
  subFilter?: string;
  reason?: string;
  location?: string;
  name?: string;
  contactInfo?: string;
  /** Written as /M. Not written for document timestamps unless given (the token carries the time). */
  signingTime?: Date;
  /** Minutes east of UTC for /M (e.g. 420 for Thailand); default: the runtime's local offset. */
  utcOffsetMinutes?: number;
  /** Bytes reserved for the DER signature (the hex placeholder is twice as long). */
  contentsBytes: number;
  /** Objects to change in the same incremental update (e.g. a new XMP metadata stream). */
  extraChanges?: ObjectChange[];
}

export interface PreparedSignature {
  /** The whole file with the placeholder, /ByteRange already filled in. */
  pdf: Uint8Array;
  byteRange: [number, number, number, number];
  /** Offset of '<' of the /Contents hex string and just after its '>'. */
  contentsStart: number;
  contentsEnd: number;
  fieldName: string;
  sigRef: PdfRef;
  fieldRef: PdfRef;
}

const BYTE_RANGE_DIGITS = 10;
/** `[0 ` + three fixed-width numbers: room for files up to 9,999,999,999 bytes. */
const BYTE_RANGE_PLACEHOLDER = `[0 ${Array(3).fill('9'.repeat(BYTE_RANGE_DIGITS)).join(' ')}]`;
const MAX_CONTENTS_BYTES = 1 << 20;

function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

function checkText(field: string, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new PdfWriteError(`${field} must be a string`);
  if (v.length > 4096) throw new PdfWriteError(`${field} must be at most 4096 characters`);
  return v;
}

/** Names of all terminal fields (dotted), to pick a free name and refuse duplicates. */
function existingFieldNames(doc: PdfDocument, fields: PdfObject[] | undefined): Set<string> {
  const names = new Set<string>();
  if (!fields) return names;
  const visited = new Set<number>();
  const stack: [PdfObject, string | null][] = fields.map((f) => [f, null]);
  while (stack.length) {
    const [o, parent] = stack.pop()!;
    if (o instanceof PdfRef) {
      if (visited.has(o.num)) throw new PdfParseError(`form field tree loops back to object ${o.num}`);
      visited.add(o.num);
    }
    const f = doc.resolve(o);
    if (!(f instanceof PdfDict)) continue;
    const t = doc.resolve(f.get('T'));
    const full = t instanceof PdfString ? (parent === null ? decodeTextString(t) : `${parent}.${decodeTextString(t)}`) : parent;
    if (full !== null) names.add(full);
    const kids = doc.getArray(f, 'Kids');
    if (kids) for (const k of kids) stack.push([k, full]);
  }
  return names;
}

function validate(opts: PrepareSignatureOptions): void {
  if (opts === null || typeof opts !== 'object') throw new PdfWriteError('options must be an object');
  if (opts.kind !== 'signature' && opts.kind !== 'timestamp') throw new PdfWriteError("kind must be 'signature' or 'timestamp'");
  if (!Number.isSafeInteger(opts.contentsBytes) || opts.contentsBytes < 1 || opts.contentsBytes > MAX_CONTENTS_BYTES) {
    throw new PdfWriteError(`contentsBytes must be an integer between 1 and ${MAX_CONTENTS_BYTES}`);
  }
  if (opts.fieldName !== undefined) {
    if (typeof opts.fieldName !== 'string' || opts.fieldName.length === 0 || opts.fieldName.length > 128 || opts.fieldName.includes('.')) {
      throw new PdfWriteError('fieldName must be a non-empty string of at most 128 characters without "."');
    }
  }
  if (opts.subFilter !== undefined && (typeof opts.subFilter !== 'string' || !/^[\x21-\x7e]{1,127}$/.test(opts.subFilter))) {
    throw new PdfWriteError('subFilter must be a printable ASCII name');
  }
  for (const k of ['reason', 'location', 'name', 'contactInfo'] as const) checkText(k, opts[k]);
  if (opts.extraChanges !== undefined && !Array.isArray(opts.extraChanges)) throw new PdfWriteError('extraChanges must be an array');
}

/**
 * Appends one incremental update that adds a signature (or document timestamp) placeholder. See the module comment.
 */
export function prepareSignature(pdf: Uint8Array | PdfDocument, opts: PrepareSignatureOptions): PreparedSignature {
  validate(opts);
  const doc = pdf instanceof PdfDocument ? pdf : openPdf(pdf);
  const upd = new IncrementalUpdate(doc);
  const isTs = opts.kind === 'timestamp';

  const catalogRef = doc.catalogRef;
  const catalog = doc.catalog;
  const page = doc.firstPage();

  // Where the AcroForm lives decides what we rewrite: the catalog (direct AcroForm) or the AcroForm object.
  const acroObj = catalog.get('AcroForm');
  const acroRef = acroObj instanceof PdfRef ? acroObj : null;
  const acroExisting = doc.resolve(acroObj);
  if (acroObj !== undefined && acroExisting !== null && !(acroExisting instanceof PdfDict)) {
    throw new PdfParseError('catalog /AcroForm is not a dictionary');
  }
  const acroForm = acroExisting instanceof PdfDict ? acroExisting.clone() : new PdfDict();
  const fieldsObj = acroForm.get('Fields');
  const fieldsRef = fieldsObj instanceof PdfRef ? fieldsObj : null;
  const fieldsResolved = doc.resolve(fieldsObj);
  if (fieldsObj !== undefined && fieldsResolved !== null && !Array.isArray(fieldsResolved)) throw new PdfParseError('/AcroForm /Fields is not an array');
  const fields = Array.isArray(fieldsResolved) ? fieldsResolved : [];

  const taken = existingFieldNames(doc, fields);
  let fieldName = opts.fieldName;
  if (fieldName !== undefined) {
    if (taken.has(fieldName)) throw new PdfWriteError(`a form field named "${fieldName}" already exists`);
  } else {
    const base = isTs ? 'Timestamp' : 'Signature';
    let n = 1;
    while (taken.has(`${base}${n}`)) n++;
    fieldName = `${base}${n}`;
  }

  const sigRef = upd.allocate();
  const fieldRef = upd.allocate();
  const apRef = upd.allocate();

  // --- the signature dictionary, with placeholders patched after serialization
  const sig: [string, WritableObject][] = [
    ['Type', PdfName.of(isTs ? 'DocTimeStamp' : 'Sig')],
    ['Filter', PdfName.of('Adobe.PPKLite')],
    ['SubFilter', PdfName.of(opts.subFilter ?? (isTs ? 'ETSI.RFC3161' : 'ETSI.CAdES.detached'))],
    ['ByteRange', new PdfPlaceholder('ByteRange', ascii(BYTE_RANGE_PLACEHOLDER))],
  ];
  const contents = new Uint8Array(opts.contentsBytes * 2 + 2).fill(0x30);
  contents[0] = 0x3c;
  contents[contents.length - 1] = 0x3e;
  sig.push(['Contents', new PdfPlaceholder('Contents', contents)]);
  if (opts.signingTime !== undefined) sig.push(['M', encodeTextString(formatPdfDate(opts.signingTime, opts.utcOffsetMinutes))]);
  if (opts.reason !== undefined) sig.push(['Reason', encodeTextString(opts.reason)]);
  if (opts.location !== undefined) sig.push(['Location', encodeTextString(opts.location)]);
  if (opts.name !== undefined) sig.push(['Name', encodeTextString(opts.name)]);
  if (opts.contactInfo !== undefined) sig.push(['ContactInfo', encodeTextString(opts.contactInfo)]);
  upd.set(sigRef, writableDict(sig));

  // --- an empty appearance: PDF/A wants /AP on every widget, even a zero-size one
  const ap = new PdfDict([
    ['Type', PdfName.of('XObject')],
    ['Subtype', PdfName.of('Form')],
    ['BBox', [0, 0, 0, 0]],
    ['Resources', new PdfDict()],
  ]);
  upd.set(apRef, new PdfStream(ap, new Uint8Array(0)));

  // --- merged field + widget annotation, invisible (zero rect), Print + Locked (132)
  upd.set(
    fieldRef,
    new PdfDict([
      ['FT', PdfName.of('Sig')],
      ['Type', PdfName.of('Annot')],
      ['Subtype', PdfName.of('Widget')],
      ['Rect', [0, 0, 0, 0]],
      ['F', 132],
      ['P', page.ref],
      ['T', encodeTextString(fieldName)],
      ['V', sigRef],
      ['AP', new PdfDict([['N', apRef]])],
    ]),
  );

  // --- the first page's /Annots gets the widget
  const annotsObj = page.dict.get('Annots');
  if (annotsObj instanceof PdfRef) {
    const arr = doc.getObject(annotsObj);
    if (!Array.isArray(arr)) throw new PdfParseError(`first page /Annots ${annotsObj} is not an array`);
    upd.set(annotsObj, [...arr, fieldRef]);
  } else {
    if (annotsObj !== undefined && annotsObj !== null && !Array.isArray(annotsObj)) throw new PdfParseError('first page /Annots is not an array');
    const newPage = page.dict.clone();
    newPage.set('Annots', [...(Array.isArray(annotsObj) ? annotsObj : []), fieldRef]);
    upd.set(page.ref, newPage);
  }

  // --- the AcroForm lists the field; SigFlags 3 = SignaturesExist | AppendOnly
  const newFields = [...fields, fieldRef];
  if (fieldsRef) upd.set(fieldsRef, newFields);
  else acroForm.set('Fields', newFields);
  const flags = doc.resolve(acroForm.get('SigFlags'));
  acroForm.set('SigFlags', (typeof flags === 'number' && Number.isInteger(flags) ? flags : 0) | 3);
  if (acroRef && acroExisting instanceof PdfDict) {
    if (!fieldsRef || acroForm.get('SigFlags') !== acroExisting.get('SigFlags')) upd.set(acroRef, acroForm);
  } else {
    const newCatalog = catalog.clone();
    // Also covers a dangling /AcroForm reference, which becomes a direct dictionary.
    newCatalog.set('AcroForm', acroForm);
    upd.set(catalogRef, newCatalog);
  }

  // --- caller's extra objects (e.g. new XMP metadata) in the same update; they must not fight ours
  for (const [i, c] of (opts.extraChanges ?? []).entries()) {
    if (c === null || typeof c !== 'object' || !('obj' in c)) throw new PdfWriteError(`extraChanges[${i}] must be { ref?, obj }`);
    if (c.ref) {
      if (upd.has(c.ref.num)) {
        throw new PdfWriteError(`extraChanges[${i}] replaces object ${c.ref.num}, which the signature update itself rewrites`);
      }
      upd.set(c.ref, c.obj);
    } else upd.add(c.obj);
  }

  const built = upd.build();
  const out = built.pdf;
  const brMark = built.marks.get('ByteRange')!;
  const cMark = built.marks.get('Contents')!;
  const byteRange: [number, number, number, number] = [0, cMark.start, cMark.end, out.length - cMark.end];
  const text = `[${byteRange.join(' ')}]`;
  const width = brMark.end - brMark.start;
  if (text.length > width) throw new PdfWriteError('file too large for the /ByteRange placeholder');
  // Pad with spaces inside the brackets so no byte after the placeholder moves.
  out.set(ascii(`[${byteRange.join(' ')}${' '.repeat(width - text.length)}]`), brMark.start);
  return { pdf: out, byteRange, contentsStart: cMark.start, contentsEnd: cMark.end, fieldName, sigRef, fieldRef };
}

/** The two byte ranges a signature covers (everything except the /Contents hex string), as views of `pdf`. */
export function signedRanges(pdf: Uint8Array, byteRange: readonly number[]): [Uint8Array, Uint8Array] {
  if (byteRange.length !== 4 || !byteRange.every((x) => Number.isSafeInteger(x) && x >= 0)) {
    throw new PdfWriteError('byteRange must be four non-negative integers');
  }
  const [a, b, c, d] = byteRange as [number, number, number, number];
  if (a + b > c || c + d > pdf.length) throw new PdfWriteError(`byteRange [${byteRange.join(' ')}] does not fit a ${pdf.length}-byte file`);
  return [pdf.subarray(a, a + b), pdf.subarray(c, c + d)];
}

const HEX = '0123456789abcdef';

/**
 * Writes the DER signature (CMS or timestamp token) into the /Contents placeholder as hex, zero-padded, and
 * returns the final file (a new array; `prepared.pdf` is left untouched).
 */
export function embedSignature(prepared: PreparedSignature, der: Uint8Array): Uint8Array {
  if (!(der instanceof Uint8Array) || der.length === 0) throw new PdfWriteError('signature must be a non-empty Uint8Array');
  const { contentsStart: s, contentsEnd: e } = prepared;
  const pdf = prepared.pdf;
  if (pdf[s] !== 0x3c || pdf[e - 1] !== 0x3e) throw new PdfWriteError('prepared.pdf does not have the /Contents placeholder at contentsStart..contentsEnd');
  const room = (e - s - 2) >> 1;
  if (der.length > room) throw new PdfWriteError(`signature is ${der.length} bytes but the placeholder holds only ${room}; prepare with a larger contentsBytes`);
  const out = pdf.slice();
  let p = s + 1;
  for (const byte of der) {
    out[p++] = HEX.charCodeAt(byte >> 4);
    out[p++] = HEX.charCodeAt(byte & 15);
  }
  return out;
}

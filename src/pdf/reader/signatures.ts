/**
 * Finds every signature dictionary in a document: those reachable from AcroForm signature fields, and any other
 * object with /Type /Sig or /DocTimeStamp (a signature not attached to a field is itself a finding for the verifier).
 */
import { PdfParseError } from '../errors.js';
import { PdfDict, PdfObject, PdfRef, PdfString, isName } from '../objects.js';
import type { PdfDocument } from './document.js';
import { decodeTextString, parsePdfDate } from './text.js';

export interface SignatureInfo {
  /** Fully qualified field name (parts joined with '.'), or null for a signature dictionary no field points to. */
  fieldName: string | null;
  /** Reference of the field dictionary (merged field/widget), when the field is indirect. */
  fieldRef: PdfRef | null;
  /** Reference of the signature dictionary, or null when it is a direct object inside the field. */
  sigRef: PdfRef | null;
  sigDict: PdfDict;
  /** 'Sig' or 'DocTimeStamp' (from /Type; a field's /V without /Type counts as 'Sig'). */
  type: 'Sig' | 'DocTimeStamp';
  /** /ByteRange as written (all numbers), or null when missing or not an array of numbers. */
  byteRange: number[] | null;
  /** File offsets of the /Contents string token: `<` and just after `>`. Null if not read from the file directly. */
  contentsStart: number | null;
  contentsEnd: number | null;
  /** True when /Contents was written as a hex string (PAdES requires it). */
  contentsIsHex: boolean;
  /** Decoded /Contents bytes (including any zero padding). */
  contents: Uint8Array;
  filter: string | null;
  subFilter: string | null;
  /** /M as written and parsed. */
  m: string | null;
  signingTime: Date | null;
  reason: string | null;
  location: string | null;
  name: string | null;
  contactInfo: string | null;
  /** Index (into doc.revisions) of the revision whose xref defines the signature dictionary (or its field). */
  revision: number;
}

const MAX_FIELDS = 100_000;

function text(doc: PdfDocument, d: PdfDict, key: string): string | null {
  const v = doc.resolve(d.get(key));
  return v instanceof PdfString ? decodeTextString(v) : null;
}

function describe(
  doc: PdfDocument,
  sigDict: PdfDict,
  sigRef: PdfRef | null,
  fieldName: string | null,
  fieldRef: PdfRef | null,
): SignatureInfo {
  // /Contents and /ByteRange are read as written in the dictionary: the verifier must see the bytes that were signed.
  const contents = sigDict.get('Contents');
  const br = sigDict.get('ByteRange');
  const byteRange = Array.isArray(br) && br.every((x) => typeof x === 'number') ? (br as number[]) : null;
  const m = text(doc, sigDict, 'M');
  const owner = sigRef ?? fieldRef;
  const revision = owner ? doc.entry(owner.num)?.revision ?? -1 : -1;
  return {
    fieldName,
    fieldRef,
    sigRef,
    sigDict,
    type: isName(sigDict.get('Type'), 'DocTimeStamp') ? 'DocTimeStamp' : 'Sig',
    byteRange,
    contentsStart: contents instanceof PdfString ? contents.start ?? null : null,
    contentsEnd: contents instanceof PdfString ? contents.end ?? null : null,
    contentsIsHex: contents instanceof PdfString && contents.hex,
    contents: contents instanceof PdfString ? contents.bytes : new Uint8Array(0),
    filter: sigDict.getName('Filter') ?? null,
    subFilter: sigDict.getName('SubFilter') ?? null,
    m,
    signingTime: m === null ? null : parsePdfDate(m),
    reason: text(doc, sigDict, 'Reason'),
    location: text(doc, sigDict, 'Location'),
    name: text(doc, sigDict, 'Name'),
    contactInfo: text(doc, sigDict, 'ContactInfo'),
    revision,
  };
}

interface FieldWalk {
  obj: PdfObject;
  parentName: string | null;
  inheritedFT: string | undefined;
}

/**
 * All signatures of the document. Fields come first in AcroForm order, then dictionaries found only by scanning
 * objects. `scanAllObjects: false` skips the scan (cheaper; used when only fields matter).
 */
export function findSignatureFields(doc: PdfDocument, options: { scanAllObjects?: boolean } = {}): SignatureInfo[] {
  const found: SignatureInfo[] = [];
  const seenSigRefs = new Set<number>();
  const acroForm = doc.getDict(doc.catalog, 'AcroForm');
  const fields = acroForm ? doc.getArray(acroForm, 'Fields') : undefined;
  if (fields) {
    const visited = new Set<number>();
    const stack: FieldWalk[] = [];
    for (let i = fields.length - 1; i >= 0; i--) stack.push({ obj: fields[i]!, parentName: null, inheritedFT: undefined });
    let count = 0;
    while (stack.length) {
      const { obj, parentName, inheritedFT } = stack.pop()!;
      if (++count > MAX_FIELDS) throw new PdfParseError(`more than ${MAX_FIELDS} form fields`);
      const fieldRef = obj instanceof PdfRef ? obj : null;
      if (fieldRef) {
        if (visited.has(fieldRef.num)) throw new PdfParseError(`form field tree loops back to object ${fieldRef.num}`);
        visited.add(fieldRef.num);
      }
      const field = doc.resolve(obj);
      if (!(field instanceof PdfDict)) continue;
      const t = text(doc, field, 'T');
      const fullName = t === null ? parentName : parentName === null ? t : `${parentName}.${t}`;
      const ft = field.getName('FT') ?? inheritedFT;
      const kids = doc.getArray(field, 'Kids');
      if (kids) {
        for (let i = kids.length - 1; i >= 0; i--) stack.push({ obj: kids[i]!, parentName: fullName, inheritedFT: ft });
      }
      if (ft !== 'Sig') continue;
      const v = field.get('V');
      const sigRef = v instanceof PdfRef ? v : null;
      const sigDict = doc.resolve(v);
      if (!(sigDict instanceof PdfDict)) continue; // an unsigned signature field
      if (sigRef) {
        if (seenSigRefs.has(sigRef.num)) continue;
        seenSigRefs.add(sigRef.num);
      }
      found.push(describe(doc, sigDict, sigRef, fullName, fieldRef));
    }
  }
  if (options.scanAllObjects !== false) {
    for (const num of doc.objectNumbers()) {
      if (seenSigRefs.has(num)) continue;
      const e = doc.entry(num)!;
      const r = new PdfRef(num, e.type === 1 ? e.gen : 0);
      const o = doc.getObject(r);
      // Streams (content, images) cannot be signature dictionaries; their data is never decoded here.
      if (!(o instanceof PdfDict)) continue;
      if (isName(o.get('Type'), 'Sig') || isName(o.get('Type'), 'DocTimeStamp')) {
        seenSigRefs.add(num);
        found.push(describe(doc, o, r, null, null));
      }
    }
  }
  return found;
}

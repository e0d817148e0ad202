import { PdfDict, PdfStream } from '../objects.js';
import type { PdfDocument } from './document.js';

/** The Document Security Store (PAdES B-LT) as decoded DER items; empty lists when the document has none. */
export interface DssContents {
  present: boolean;
  certificates: Uint8Array[];
  crls: Uint8Array[];
  ocspResponses: Uint8Array[];
  /** Items that could not be decoded, with the reason. */
  problems: string[];
}

const MAX_ITEMS = 1000;
const MAX_ITEM_BYTES = 4 * 1024 * 1024;

export function readDss(doc: PdfDocument): DssContents {
  const out: DssContents = { present: false, certificates: [], crls: [], ocspResponses: [], problems: [] };
  const dss = doc.resolve(doc.catalog.get('DSS'));
  if (!(dss instanceof PdfDict)) return out;
  out.present = true;
  for (const [key, target] of [['Certs', out.certificates], ['CRLs', out.crls], ['OCSPs', out.ocspResponses]] as const) {
    const arr = doc.resolve(dss.get(key));
    if (!Array.isArray(arr)) continue;
    for (const r of arr.slice(0, MAX_ITEMS)) {
      const s = doc.resolve(r);
      if (!(s instanceof PdfStream)) {
        out.problems.push(`/DSS /${key} holds a non-stream`);
        continue;
      }
      try {
        target.push(doc.decodeStream(s, MAX_ITEM_BYTES));
      } catch (e) {
        out.problems.push(`/DSS /${key} item unreadable: ${(e as Error).message}`);
      }
    }
  }
  return out;
}

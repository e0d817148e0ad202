import { deflateSync } from 'fflate';
import { PdfWriteError } from '../errors.js';
import { PdfDict, PdfRef, PdfStream, name, type PdfObject } from '../objects.js';
import { openPdf, PdfDocument } from '../reader/document.js';
import { IncrementalUpdate } from './incremental-update.js';

/** Validation material for long-term validation (PAdES B-LT): DER certificates, CRLs and OCSP responses. */
export interface ValidationData {
  certificates: Uint8Array[];
  crls: Uint8Array[];
  ocspResponses: Uint8Array[];
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Streams already in the DSS array under `key`, decoded, so the same item is never stored twice. */
function existing(doc: PdfDocument, dss: PdfDict | null, key: string): { refs: PdfObject[]; items: Uint8Array[] } {
  if (!dss) return { refs: [], items: [] };
  const arr = doc.resolve(dss.get(key));
  if (!Array.isArray(arr)) return { refs: [], items: [] };
  const items: Uint8Array[] = [];
  for (const r of arr) {
    const s = doc.resolve(r);
    if (s instanceof PdfStream) {
      try {
        items.push(doc.decodeStream(s));
      } catch {
        /* an unreadable earlier entry is kept as is and simply not used for de-duplication */
      }
    }
  }
  return { refs: [...arr], items };
}

/**
 * Adds (or extends) the catalog's Document Security Store in one incremental update: /Certs, /CRLs and /OCSPs arrays
 * of Flate-compressed streams. Items already present are not repeated. Earlier revisions stay byte-identical, so every
 * signature before it stays valid; verifiers accept this update because it changes only the catalog's /DSS entry.
 */
export function appendDss(pdf: Uint8Array | PdfDocument, data: ValidationData): Uint8Array {
  const doc = pdf instanceof PdfDocument ? pdf : openPdf(pdf);
  const upd = new IncrementalUpdate(doc);
  const catalog = doc.catalog.clone();
  const dssRaw = catalog.get('DSS');
  const dssOld = doc.resolve(dssRaw);
  if (dssRaw !== undefined && dssOld !== null && !(dssOld instanceof PdfDict)) throw new PdfWriteError('catalog /DSS is not a dictionary');
  const dss = dssOld instanceof PdfDict ? dssOld.clone() : new PdfDict([['Type', name('DSS')]]);

  let added = 0;
  for (const [key, items] of [['Certs', data.certificates], ['CRLs', data.crls], ['OCSPs', data.ocspResponses]] as const) {
    const have = existing(doc, dssOld instanceof PdfDict ? dssOld : null, key);
    const refs = [...have.refs];
    const seen = [...have.items];
    for (const item of items) {
      if (seen.some((s) => sameBytes(s, item))) continue;
      seen.push(item);
      refs.push(upd.add(new PdfStream(new PdfDict([['Filter', name('FlateDecode')]]), deflateSync(item))));
      added++;
    }
    if (refs.length > 0) dss.set(key, refs);
  }
  if (added === 0 && dssOld instanceof PdfDict) return doc.bytes;

  // An indirect DSS is rewritten in place; a direct or missing one becomes a new object the catalog points to.
  if (dssRaw instanceof PdfRef) upd.set(dssRaw, dss);
  else {
    catalog.set('DSS', upd.add(dss));
    upd.set(doc.catalogRef, catalog);
  }
  return upd.build().pdf;
}

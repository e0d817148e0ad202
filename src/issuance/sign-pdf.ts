import { createHash } from 'node:crypto';
import { embedSignature, openPdf, prepareSignature, signedRanges, PdfStream, isStream, type PdfDocument, type ObjectChange } from '../pdf/index.js';
import { addDocumentXmpExtension, type DocumentXmpValues } from '../render/index.js';
import type { PadesSigner } from '../signing/index.js';

export interface SignPdfOptions {
  reason: string;
  location: string;
  signerName?: string;
  signingTime: Date;
  /** When given, the XMP metadata gains the ETDA-style extension in the same incremental update as the signature. */
  xmp?: DocumentXmpValues;
}

/** Room for the CMS: the signer's own estimate plus slack, so later unsigned attributes (a timestamp) fit too. */
function contentsBytesFor(signer: PadesSigner): number {
  return signer.maxCmsLength() + 8192;
}

/** Replaces the catalog's XMP packet with one that carries the document-type extension schema. */
function xmpChange(doc: PdfDocument, values: DocumentXmpValues): ObjectChange | null {
  const ref = doc.catalog.get('Metadata');
  const stream = doc.resolve(ref);
  if (!ref || !isStream(stream) || typeof (ref as { num?: unknown }).num !== 'number') return null;
  const packet = new TextDecoder().decode(doc.decodeStream(stream));
  const updated = new TextEncoder().encode(addDocumentXmpExtension(packet, values));
  const dict = stream.dict.clone();
  // PDF/A wants the metadata readable without filters by simple XMP scanners.
  dict.delete('Filter');
  dict.delete('DecodeParms');
  return { ref: ref as { num: number; gen: number }, obj: new PdfStream(dict, updated) };
}

/**
 * PAdES B-B: adds a signature field and dictionary in one incremental update (keeping /ID and earlier revisions
 * intact), hashes the ByteRange, has the CMS made by the signer and writes it into the placeholder.
 */
export async function signPdf(pdf: Uint8Array, signer: PadesSigner, opts: SignPdfOptions): Promise<Uint8Array> {
  const doc = openPdf(pdf);
  const extra = opts.xmp ? xmpChange(doc, opts.xmp) : null;
  const prepared = prepareSignature(doc, {
    kind: 'signature',
    subFilter: 'ETSI.CAdES.detached',
    reason: opts.reason,
    location: opts.location,
    ...(opts.signerName ? { name: opts.signerName } : {}),
    signingTime: opts.signingTime,
    utcOffsetMinutes: 7 * 60,
    contentsBytes: contentsBytesFor(signer),
    ...(extra ? { extraChanges: [extra] } : {}),
  });
  const hash = createHash('sha256');
  for (const part of signedRanges(prepared.pdf, prepared.byteRange)) hash.update(part);
  const cms = await signer.signDigest(new Uint8Array(hash.digest()));
  return embedSignature(prepared, cms);
}

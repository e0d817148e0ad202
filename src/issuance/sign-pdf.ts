import { createHash } from 'node:crypto';
import {
  appendDss,
  embedSignature,
  isStream,
  openPdf,
  prepareSignature,
  signedRanges,
  PdfStream,
  type ObjectChange,
  type PdfDocument,
} from '../pdf/index.js';
import { addDocumentXmpExtension, type DocumentXmpValues } from '../render/index.js';
import { addSignatureTimeStampToken, signatureValueOf, type PadesSigner } from '../signing/index.js';
import { parseTimeStampToken } from '../timestamp/index.js';
import type { Timestamper } from './timestamper.js';
import { pairWithIssuers, uniqueCertificates, type RevocationDataSource } from './validation-data.js';

/** PAdES baseline levels (ETSI EN 319 142-1). */
export const PADES_LEVELS = ['B-B', 'B-T', 'B-LT', 'B-LTA'] as const;
export type PadesLevel = (typeof PADES_LEVELS)[number];
export const isPadesLevel = (v: unknown): v is PadesLevel => typeof v === 'string' && (PADES_LEVELS as readonly string[]).includes(v);

export interface SignPdfOptions {
  reason: string;
  location: string;
  signerName?: string;
  signingTime: Date;
  /** When given, the XMP metadata gains the ETDA-style extension in the same incremental update as the signature. */
  xmp?: DocumentXmpValues;
  /** Default B-B. B-T and above need `timestamper`; B-LT and above need `revocation`. */
  level?: PadesLevel;
  timestamper?: Timestamper;
  revocation?: RevocationDataSource;
  /** The signer's chain above its certificate (issuer first, may end with the root), for the DSS. */
  chain?: Uint8Array[];
}

/** Room for a signature-time-stamp token (a TSA certificate chain included) beside the CMS. */
const TOKEN_ROOM = 12_288;
const DOC_TIMESTAMP_ROOM = 16_384;

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/** Replaces the catalog's XMP packet with one that carries the document-type extension schema. */
export function documentXmpChange(doc: PdfDocument, values: DocumentXmpValues): ObjectChange | null {
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

function need<T>(value: T | undefined, what: string, level: PadesLevel): T {
  if (value === undefined) throw new Error(`PAdES ${level} needs ${what}, and none is configured`);
  return value;
}

/**
 * Signs a PDF at a PAdES baseline level:
 *  B-B   one incremental update with the signature field and dictionary (keeping /ID and earlier revisions intact),
 *        the ByteRange hashed, the CMS made by the signer and written into the placeholder;
 *  B-T   + an RFC 3161 token over the signature value, as the signature-time-stamp unsigned attribute;
 *  B-LT  + an incremental update with a DSS: every certificate of both chains, and CRL/OCSP data for them;
 *  B-LTA + a document timestamp (SubFilter ETSI.RFC3161) over all of it.
 * Any failure throws: a document is never produced at a lower level than asked.
 */
export async function signPdf(pdf: Uint8Array, signer: PadesSigner, opts: SignPdfOptions): Promise<Uint8Array> {
  const level = opts.level ?? 'B-B';
  const timestamped = level !== 'B-B';
  const doc = openPdf(pdf);
  const extra = opts.xmp ? documentXmpChange(doc, opts.xmp) : null;
  const prepared = prepareSignature(doc, {
    kind: 'signature',
    subFilter: 'ETSI.CAdES.detached',
    reason: opts.reason,
    location: opts.location,
    ...(opts.signerName ? { name: opts.signerName } : {}),
    signingTime: opts.signingTime,
    utcOffsetMinutes: 7 * 60,
    contentsBytes: signer.maxCmsLength() + (timestamped ? TOKEN_ROOM : 8192),
    ...(extra ? { extraChanges: [extra] } : {}),
  });
  let cms = await signer.signDigest(sha256(...signedRanges(prepared.pdf, prepared.byteRange)));
  let token: Uint8Array | undefined;
  if (timestamped) {
    const tsa = need(opts.timestamper, 'a time-stamping authority', level);
    token = await tsa.timestamp(sha256(signatureValueOf(cms)));
    cms = addSignatureTimeStampToken(cms, token);
  }
  let out = embedSignature(prepared, cms);
  if (level === 'B-B' || level === 'B-T') return out;

  // B-LT: the validation material a verifier needs in twenty years, when the CA's servers may be gone.
  const tsaCerts = token ? parseTimeStampToken(token).certificates : [];
  const certificates = uniqueCertificates([...signer.certificates, ...(opts.chain ?? []), ...tsaCerts]);
  const revocation = await need(opts.revocation, 'a source of revocation data', level).collect(pairWithIssuers(certificates));
  out = appendDss(out, { certificates, crls: revocation.crls, ocspResponses: revocation.ocspResponses });
  if (level === 'B-LT') return out;

  // B-LTA: a document timestamp over everything, so the DSS data itself is protected and dated.
  const ts = prepareSignature(out, { kind: 'timestamp', contentsBytes: DOC_TIMESTAMP_ROOM });
  const docToken = await need(opts.timestamper, 'a time-stamping authority', level).timestamp(sha256(...signedRanges(ts.pdf, ts.byteRange)));
  return embedSignature(ts, docToken);
}

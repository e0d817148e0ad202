/**
 * Rebuilding a signature over chosen content with chosen key material, for forgeries the byte editor cannot make:
 * a CMS whose ESS signing-certificate-v2 names another certificate, a certificate whose key did not sign, a signed
 * revision that already carries two data.json files.
 */
import {
  IncrementalUpdate,
  PdfDict,
  PdfStream,
  PdfString,
  embedSignature,
  name,
  openPdf,
  prepareSignature,
  signedRanges,
} from '../../src/pdf/index.js';
import { PadesSigner, ecdsaRawToDer, signingCertificateV2Attribute } from '../../src/signing/index.js';
import { concatBytes, setOf } from '../../src/signing/der/der-writer.js';
import { isRsa, signParams } from '../../src/signing/identity/key-algorithms.js';
import type { SigningIdentity } from '../../src/signing/identity/signing-identity.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The file as the renderer produced it, before the signature's incremental update. */
export function unsignedRevision(pdf: Uint8Array): Uint8Array {
  const doc = openPdf(pdf);
  if (doc.revisions.length < 2) throw new Error('expected an original revision and a signature revision');
  return pdf.slice(0, doc.revisions[0]!.end);
}

async function sha256(parts: Uint8Array[]): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', concatBytes(parts) as BufferSource));
}

/** Adds a signature revision to `pdf` whose CMS is whatever `makeCms` returns for the digest of the signed ranges. */
export async function signWith(pdf: Uint8Array, makeCms: (digest: Uint8Array) => Promise<Uint8Array>): Promise<Uint8Array> {
  const prepared = prepareSignature(pdf, { kind: 'signature', contentsBytes: 16384, signingTime: new Date() });
  const digest = await sha256(signedRanges(prepared.pdf, prepared.byteRange));
  return embedSignature(prepared, await makeCms(digest));
}

/** A CMS by `signer` (honest), for building documents that differ only in content. */
export const honestCms = (signer: PadesSigner) => (digest: Uint8Array) => signer.signDigest(digest);

/**
 * A CMS correctly signed by `identity` (its certificate, its key, matching signer identifier) whose
 * signing-certificate-v2 attribute hashes `otherCertificate` instead: the signature itself verifies, only the ESS
 * binding between signed attributes and certificate is broken (certificate substitution).
 */
export async function cmsWithForeignEssCertificate(identity: SigningIdentity, otherCertificate: Uint8Array): Promise<(digest: Uint8Array) => Promise<Uint8Array>> {
  const signer = await PadesSigner.create(identity);
  const own = await signingCertificateV2Attribute(identity.certificate);
  const foreign = await signingCertificateV2Attribute(otherCertificate);
  return async (digest) => {
    const attrs = signer.signedAttributes(digest);
    const elements = splitSetElements(attrs).map((e) => (bytesEqual(e, own) ? foreign : e));
    if (!elements.includes(foreign)) throw new Error('signing-certificate-v2 attribute not found in the signed attributes');
    const forged = setOf(elements);
    const raw = new Uint8Array(await globalThis.crypto.subtle.sign(signParams(identity.keyAlgorithm), identity.privateKey, forged as BufferSource));
    return signer.assemble(forged, isRsa(identity.keyAlgorithm) ? raw : ecdsaRawToDer(raw));
  };
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** DER length at `p`: value and the offset after the length octets. */
function readLength(der: Uint8Array, p: number): { len: number; next: number } {
  const first = der[p]!;
  if (first < 0x80) return { len: first, next: p + 1 };
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[p + 1 + i]!;
  return { len, next: p + 1 + n };
}

/** The encoded elements of a DER SET (each with its own tag and length). */
function splitSetElements(set: Uint8Array): Uint8Array[] {
  const outer = readLength(set, 1);
  const out: Uint8Array[] = [];
  let p = outer.next;
  while (p < outer.next + outer.len) {
    const inner = readLength(set, p + 1);
    const end = inner.next + inner.len;
    out.push(set.subarray(p, end));
    p = end;
  }
  return out;
}

/**
 * An incremental update adding a second embedded file named data.json (different content) to the catalog's /AF and
 * to the /EmbeddedFiles name tree, as a PDF/A-3 associated file exactly like the first one.
 */
export function addSecondDataJson(pdf: Uint8Array, json = '{"forged":true}'): Uint8Array {
  const doc = openPdf(pdf);
  const upd = new IncrementalUpdate(doc);
  const file = upd.add(new PdfStream(new PdfDict([['Type', name('EmbeddedFile')], ['Subtype', name('application/json')]]), ascii(json)));
  const spec = upd.add(
    new PdfDict([
      ['Type', name('Filespec')],
      ['F', new PdfString(ascii('data.json'))],
      ['UF', new PdfString(ascii('data.json'))],
      ['EF', new PdfDict([['F', file], ['UF', file]])],
      ['AFRelationship', name('Alternative')],
    ]),
  );
  const catalog = doc.catalog.clone();
  const af = doc.resolve(catalog.get('AF'));
  catalog.set('AF', [...(Array.isArray(af) ? af : []), spec]);
  const names = doc.resolve(catalog.get('Names'));
  const tree = names instanceof PdfDict ? doc.resolve(names.get('EmbeddedFiles')) : undefined;
  const list = tree instanceof PdfDict ? doc.resolve(tree.get('Names')) : undefined;
  catalog.set('Names', new PdfDict([['EmbeddedFiles', new PdfDict([['Names', [...(Array.isArray(list) ? list : []), new PdfString(ascii('data.json')), spec]]])]]));
  upd.set(doc.catalogRef, catalog);
  return upd.build().pdf;
}

/** An incremental update replacing the embedded data.json stream with other JSON (same file specification). */
export function replaceDataJsonStream(pdf: Uint8Array, json: string): Uint8Array {
  const doc = openPdf(pdf);
  const af = doc.resolve(doc.catalog.get('AF'));
  const spec = Array.isArray(af) ? doc.resolve(af[0]) : undefined;
  const ef = spec instanceof PdfDict ? doc.resolve(spec.get('EF')) : undefined;
  const streamRef = ef instanceof PdfDict ? ef.get('F') : undefined;
  if (!streamRef || !('num' in (streamRef as object))) throw new Error('data.json stream reference not found');
  const upd = new IncrementalUpdate(doc);
  upd.set(streamRef as { num: number; gen: number }, new PdfStream(new PdfDict([['Type', name('EmbeddedFile')], ['Subtype', name('application/json')]]), ascii(json)));
  return upd.build().pdf;
}

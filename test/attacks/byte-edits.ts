/**
 * Byte-level forgeries of a signed PDF, written in place where possible so every other offset (xref, ByteRange)
 * stays valid: only the attacked field differs. Each returns new bytes; the input is never changed.
 */
import { findSignatureFields, openPdf, type SignatureInfo } from '../../src/pdf/index.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder('latin1').decode(b);

/** The (single) CMS signature of a document, as the verifier will find it. */
export function theSignature(pdf: Uint8Array): SignatureInfo {
  const sigs = findSignatureFields(openPdf(pdf), { scanAllObjects: false }).filter((s) => s.type === 'Sig');
  if (sigs.length !== 1) throw new Error(`expected one signature, found ${sigs.length}`);
  const s = sigs[0]!;
  if (s.contentsStart === null || s.contentsEnd === null || !s.byteRange) throw new Error('signature has no /Contents offsets or /ByteRange');
  return s;
}

/** Offset of `needle` searched backwards from `before` (the signature dictionary precedes its /Contents end). */
function lastIndexBefore(pdf: Uint8Array, needle: string, before: number): number {
  const at = text(pdf.subarray(0, before)).lastIndexOf(needle);
  if (at < 0) throw new Error(`${needle} not found before offset ${before}`);
  return at;
}

/** Where the `[ … ]` array after this signature's /ByteRange key sits: start of '[' and just after ']'. */
export function byteRangeArraySpan(pdf: Uint8Array, sig: SignatureInfo): { start: number; end: number } {
  // The signer writes /ByteRange before /Contents in the same dictionary; search a window around the dictionary.
  const windowEnd = sig.contentsEnd! + 512;
  const key = lastIndexBefore(pdf, '/ByteRange', Math.min(windowEnd, pdf.length));
  const start = pdf.indexOf(0x5b, key); // '['
  const end = pdf.indexOf(0x5d, start) + 1; // ']'
  if (start < 0 || end <= start) throw new Error('/ByteRange array not found');
  return { start, end };
}

/** Replaces bytes [start, end) with `replacement` padded by spaces to the same length (throws if it is longer). */
export function overwrite(pdf: Uint8Array, start: number, end: number, replacement: string): Uint8Array {
  const width = end - start;
  if (replacement.length > width) throw new Error(`replacement of ${replacement.length} bytes does not fit in ${width}`);
  const out = pdf.slice();
  out.set(ascii(replacement.padEnd(width, ' ')), start);
  return out;
}

/** Writes a new /ByteRange array text in place (padded to the original width inside the brackets). */
export function setByteRange(pdf: Uint8Array, numbers: readonly number[]): Uint8Array {
  const sig = theSignature(pdf);
  const { start, end } = byteRangeArraySpan(pdf, sig);
  const inner = numbers.join(' ');
  return overwrite(pdf, start, end, `[${inner}`.padEnd(end - start - 1, ' ') + ']');
}

/** Renames a dictionary key of the signature dictionary in place (same length), e.g. /Contents → /Contentz. */
export function renameSignatureKey(pdf: Uint8Array, key: '/Contents' | '/ByteRange', renamed: string): Uint8Array {
  if (renamed.length !== key.length) throw new Error('renamed key must keep the length');
  const sig = theSignature(pdf);
  const at = key === '/Contents' ? lastIndexBefore(pdf, '/Contents', sig.contentsStart! + 1) : byteRangeArraySpan(pdf, sig).start;
  const keyAt = key === '/Contents' ? at : lastIndexBefore(pdf, '/ByteRange', at);
  return overwrite(pdf, keyAt, keyAt + key.length, renamed);
}

/** /Contents <> followed by spaces up to the original token's end. */
export function emptyContents(pdf: Uint8Array): Uint8Array {
  const sig = theSignature(pdf);
  return overwrite(pdf, sig.contentsStart!, sig.contentsEnd!, '<>');
}

/** Every hex digit of /Contents replaced by '0' (the placeholder state of an unsigned field). */
export function zeroContents(pdf: Uint8Array): Uint8Array {
  const sig = theSignature(pdf);
  const s = sig.contentsStart!;
  const e = sig.contentsEnd!;
  return overwrite(pdf, s, e, `<${'0'.repeat(e - s - 2)}>`);
}

export function append(pdf: Uint8Array, tail: Uint8Array | string): Uint8Array {
  const t = typeof tail === 'string' ? ascii(tail) : tail;
  const out = new Uint8Array(pdf.length + t.length);
  out.set(pdf);
  out.set(t, pdf.length);
  return out;
}

/**
 * Signature Wrapping: the second signed range is copied to the end of the file and /ByteRange re-pointed at the
 * copy. The digest over the ranges still matches, so only the ByteRange check can notice that the bytes after
 * /Contents in the file are no longer the ones signed (an attacker is now free to change them).
 */
export function wrapSignedBytes(pdf: Uint8Array): { bytes: Uint8Array; copyAt: number } {
  const sig = theSignature(pdf);
  const [a, b, c, d] = sig.byteRange as [number, number, number, number];
  const copyAt = pdf.length;
  return { bytes: setByteRange(append(pdf, pdf.slice(c, c + d)), [a, b, copyAt, d]), copyAt };
}

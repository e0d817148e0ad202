/**
 * Small DER value helpers shared by the request, response and authority code: integers as hex, GeneralizedTime
 * with milliseconds, named-bit BIT STRINGs. Isomorphic.
 */
import { TAG, tlv } from '../signing/der/der-writer.js';

export function hexOf(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Hex of an INTEGER's content octets without the DER sign byte (a leading 00 before a high bit). */
export function integerHex(content: Uint8Array): string {
  let start = 0;
  while (start < content.length - 1 && content[start] === 0) start++;
  return hexOf(content.subarray(start));
}

/** DER INTEGER for a non-negative bigint (minimal octets, a 00 byte prepended when the high bit is set). */
export function encodeUnsignedBigInt(value: bigint): Uint8Array {
  if (value < 0n) throw new RangeError('expected a non-negative integer');
  const bytes: number[] = [];
  for (let rest = value; rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(TAG.INTEGER, Uint8Array.from(bytes));
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * GeneralizedTime "YYYYMMDDHHMMSS[.f]Z" with millisecond precision. DER (X.690 §11.7) and RFC 3161 §2.4.2 forbid
 * trailing zeros in the fraction and require omitting it when it is zero: 12:00:00.500 is "…120000.5Z" and
 * 12:00:00.000 is "…120000Z". OpenSSL rejects tokens that break this rule.
 */
export function generalizedTime(date: Date): Uint8Array {
  const t = date.getTime();
  if (!Number.isFinite(t)) throw new RangeError('genTime: invalid Date');
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) throw new RangeError(`genTime: year ${year} cannot be written as GeneralizedTime`);
  let text =
    pad(year, 4) + pad(date.getUTCMonth() + 1, 2) + pad(date.getUTCDate(), 2) + pad(date.getUTCHours(), 2) + pad(date.getUTCMinutes(), 2) + pad(date.getUTCSeconds(), 2);
  const ms = date.getUTCMilliseconds();
  if (ms > 0) text += '.' + pad(ms, 3).replace(/0+$/, '');
  text += 'Z';
  return tlv(0x18, new TextEncoder().encode(text));
}

/**
 * Parses the text of a GeneralizedTime in the UTC "Z" form RFC 3161 requires. Fractions beyond milliseconds are
 * truncated (Date has no finer resolution). Returns undefined when the text is not in that form.
 */
export function parseGeneralizedTime(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = frac ? Number((frac + '00').slice(0, 3)) : 0;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms));
  // Date.UTC silently rolls 31 February over into March: compare the fields back.
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  if (Number(y) < 100) date.setUTCFullYear(Number(y));
  return date;
}

/** DER BIT STRING for a NamedBitList with exactly one bit set (trailing zero bits removed, X.690 §11.2.2). */
export function singleBitString(bit: number): Uint8Array {
  const bytes = new Uint8Array(Math.floor(bit / 8) + 1);
  bytes[bytes.length - 1] = 0x80 >> (bit % 8);
  return tlv(TAG.BIT_STRING, Uint8Array.of(7 - (bit % 8)), bytes);
}

/** Bit numbers set in a BIT STRING's content (first octet = unused-bit count). */
export function bitsSet(content: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 1; i < content.length; i++) {
    for (let b = 0; b < 8; b++) if (content[i]! & (0x80 >> b)) out.push((i - 1) * 8 + b);
  }
  return out;
}

export function randomNonce(length = 8): Uint8Array {
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(length));
  // asn1js and our DER writer put integer bytes verbatim: a leading 00 is non-minimal DER (OpenSSL rejects it) and a
  // high first bit makes the nonce negative. Keep the first byte in 0x01–0x7F.
  nonce[0] = (nonce[0]! % 0x7f) + 1;
  return nonce;
}

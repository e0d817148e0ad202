// Strict base64 and base64url (RFC 4648) for the status list and its JWS. Browser-safe: no Buffer, no atob (atob
// accepts whitespace and padding variants; a signed object must have exactly one spelling).

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function lookup(alphabet: string): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}
const STD_LOOKUP = lookup(STD);
const URL_LOOKUP = lookup(URL_ALPHABET);

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    chunk += alphabet[b0 >> 2]! + alphabet[((b0 & 3) << 4) | ((b1 ?? 0) >> 4)]!;
    if (b1 !== undefined) chunk += alphabet[((b1 & 15) << 2) | ((b2 ?? 0) >> 6)]!;
    else if (pad) chunk += '=';
    if (b2 !== undefined) chunk += alphabet[b2 & 63]!;
    else if (pad) chunk += '=';
    // Join in pieces: repeated += on one huge string is fine in V8, but arrays keep peak memory predictable.
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

function decode(text: string, table: Int16Array, padded: boolean, what: string): Uint8Array {
  let body = text;
  if (padded) {
    if (text.length % 4 !== 0) throw new Error(`${what}: length ${text.length} is not a multiple of 4`);
    if (text.endsWith('==')) body = text.slice(0, -2);
    else if (text.endsWith('=')) body = text.slice(0, -1);
  }
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const v = c < 128 ? table[c]! : -1;
    if (v < 0) throw new Error(`${what}: invalid character ${JSON.stringify(body[i])} at position ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Checked after the characters so the message names the more telling problem.
  if (body.length % 4 === 1) throw new Error(`${what}: length ${body.length} is impossible for base64`);
  // Non-canonical encodings (leftover bits set) would let two strings mean the same bytes.
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) throw new Error(`${what}: non-canonical encoding (trailing bits are not zero)`);
  return out;
}

export const base64UrlEncode = (bytes: Uint8Array): string => encode(bytes, URL_ALPHABET, false);
export const base64UrlDecode = (text: string, what = 'base64url'): Uint8Array => decode(text, URL_LOOKUP, false, what);
export const base64Encode = (bytes: Uint8Array): string => encode(bytes, STD, true);
export const base64Decode = (text: string, what = 'base64'): Uint8Array => decode(text, STD_LOOKUP, true, what);

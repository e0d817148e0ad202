/** Byte classes of PDF syntax (ISO 32000-1 §7.2.2). Lookup tables keep the lexer's hot loops branch-light. */

export const WHITESPACE = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) WHITESPACE[c] = 1;

export const DELIMITER = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIMITER[c.charCodeAt(0)] = 1;

/** Regular characters: neither whitespace nor delimiter. Tokens (names, numbers, keywords) consist of these. */
export const isRegular = (c: number): boolean => WHITESPACE[c] === 0 && DELIMITER[c] === 0;

/** Value of a hex digit, or -1. */
export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

const latin1 = new TextDecoder('latin1');

/** Bytes → one char per byte. (TextDecoder 'latin1' is really windows-1252, so map byte by byte for 0x80–0x9F.) */
export function bytesToBinaryString(bytes: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return latin1.decode(bytes);
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** ASCII text → bytes (every char must be < 256; used for keywords, numbers and binary strings). */
export function binaryStringToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** Index of `needle` (ASCII) in `bytes` at or after `from` and before `to`, or -1. */
export function indexOfAscii(bytes: Uint8Array, needle: string, from = 0, to = bytes.length): number {
  const first = needle.charCodeAt(0);
  const n = needle.length;
  const last = Math.min(to, bytes.length) - n;
  outer: for (let i = Math.max(0, from); i <= last; i++) {
    if (bytes[i] !== first) continue;
    for (let j = 1; j < n; j++) if (bytes[i + j] !== needle.charCodeAt(j)) continue outer;
    return i;
  }
  return -1;
}

/** Last index of `needle` (ASCII) starting before `before` and at or after `notBefore`, or -1. */
export function lastIndexOfAscii(bytes: Uint8Array, needle: string, before = bytes.length, notBefore = 0): number {
  const n = needle.length;
  outer: for (let i = Math.min(before, bytes.length) - n; i >= notBefore; i--) {
    for (let j = 0; j < n; j++) if (bytes[i + j] !== needle.charCodeAt(j)) continue outer;
    return i;
  }
  return -1;
}

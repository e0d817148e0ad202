/** Decoding of PDF text strings (§7.9.2.2) and dates (§7.9.4). */
import { PdfString } from '../objects.js';

// PDFDocEncoding differs from Latin-1 in 0x18–0x1F and 0x80–0xAD (Annex D.2). 0 means "undefined" → U+FFFD.
const PDFDOC_HIGH: Record<number, number> = {
  0x18: 0x02d8, 0x19: 0x02c7, 0x1a: 0x02c6, 0x1b: 0x02d9, 0x1c: 0x02dd, 0x1d: 0x02db, 0x1e: 0x02da, 0x1f: 0x02dc,
  0x80: 0x2022, 0x81: 0x2020, 0x82: 0x2021, 0x83: 0x2026, 0x84: 0x2014, 0x85: 0x2013, 0x86: 0x0192, 0x87: 0x2044,
  0x88: 0x2039, 0x89: 0x203a, 0x8a: 0x2212, 0x8b: 0x2030, 0x8c: 0x201e, 0x8d: 0x201c, 0x8e: 0x201d, 0x8f: 0x2018,
  0x90: 0x2019, 0x91: 0x201a, 0x92: 0x2122, 0x93: 0xfb01, 0x94: 0xfb02, 0x95: 0x0141, 0x96: 0x0152, 0x97: 0x0160,
  0x98: 0x0178, 0x99: 0x017d, 0x9a: 0x0131, 0x9b: 0x0142, 0x9c: 0x0153, 0x9d: 0x0161, 0x9e: 0x017e, 0x9f: 0xfffd,
  0xa0: 0x20ac, 0xad: 0xfffd,
};

const utf16be = new TextDecoder('utf-16be');
const utf8 = new TextDecoder('utf-8');

/** Decodes a text string: UTF-16BE (BOM FE FF), UTF-8 (BOM EF BB BF, PDF 2.0) or PDFDocEncoding. */
export function decodeTextString(s: PdfString | Uint8Array): string {
  const b = s instanceof PdfString ? s.bytes : s;
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return utf16be.decode(b.subarray(2));
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return utf8.decode(b.subarray(3));
  let out = '';
  for (const c of b) out += String.fromCharCode(PDFDOC_HIGH[c] ?? c);
  return out;
}

/**
 * Parses `D:YYYYMMDDHHmmSSOHH'mm'` (every part after the year optional; O is +, - or Z). Returns null when it is not
 * a valid date, rather than guessing.
 */
export function parsePdfDate(text: string): Date | null {
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([+\-Z])(?:(\d{2})'?(?:(\d{2})'?)?)?)?$/.exec(text.trim());
  if (!m) return null;
  const n = (i: number, d: number): number => (m[i] === undefined ? d : Number(m[i]));
  const [year, month, day, hour, minute, second] = [n(1, 0), n(2, 1), n(3, 1), n(4, 0), n(5, 0), n(6, 0)];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  let offsetMin = 0;
  if (m[7] === '+' || m[7] === '-') {
    const oh = n(8, 0);
    const om = n(9, 0);
    if (oh > 23 || om > 59) return null;
    offsetMin = (m[7] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const t = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMin * 60_000;
  return new Date(t);
}

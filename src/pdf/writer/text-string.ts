/** Encoding of PDF text strings and dates for the writer. */
import { PdfWriteError } from '../errors.js';
import { PdfString } from '../objects.js';

/**
 * Printable ASCII → literal string (escaped by the serializer); anything else → UTF-16BE with BOM as a hex string,
 * which every reader decodes the same way (PDFDocEncoding cannot hold Thai).
 */
export function encodeTextString(text: string): PdfString {
  if (/^[\x20-\x7e]*$/.test(text)) {
    const b = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i);
    return new PdfString(b, false);
  }
  const b = new Uint8Array(2 + text.length * 2);
  b[0] = 0xfe;
  b[1] = 0xff;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i); // UTF-16 code units: surrogate pairs come out as pairs, as UTF-16BE wants
    b[2 + 2 * i] = c >> 8;
    b[3 + 2 * i] = c & 0xff;
  }
  return new PdfString(b, true);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * `D:YYYYMMDDHHmmSS+HH'mm'` in the given UTC offset (minutes east of UTC); default: the runtime's local offset at
 * that instant. Thai agencies will usually pass 420 (+07'00') so the server's own zone does not matter.
 */
export function formatPdfDate(date: Date, utcOffsetMinutes?: number): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new PdfWriteError('signingTime must be a valid Date');
  const offset = utcOffsetMinutes ?? -date.getTimezoneOffset();
  if (!Number.isInteger(offset) || Math.abs(offset) > 14 * 60) throw new PdfWriteError('utcOffsetMinutes must be an integer between -840 and 840');
  const local = new Date(date.getTime() + offset * 60_000);
  const year = local.getUTCFullYear();
  if (year < 0 || year > 9999) throw new PdfWriteError('signingTime year must be 0..9999');
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `D:${pad(year, 4)}${pad(local.getUTCMonth() + 1)}${pad(local.getUTCDate())}` +
    `${pad(local.getUTCHours())}${pad(local.getUTCMinutes())}${pad(local.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}'${pad(abs % 60)}'`
  );
}

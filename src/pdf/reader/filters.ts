/**
 * Stream decoding: FlateDecode (+ PNG/TIFF predictors) and ASCIIHexDecode, with a hard cap on decoded size so a
 * deflate bomb cannot exhaust memory.
 */
import { Inflate, Unzlib } from 'fflate';
import { PdfParseError } from '../errors.js';
import { PdfDict, PdfName, PdfObject, PdfStream } from '../objects.js';
import { WHITESPACE, hexValue } from './chars.js';

export const DEFAULT_MAX_DECODED_SIZE = 64 * 1024 * 1024;

/** Deflate expands at most ~1032:1, so feeding input in bounded chunks bounds each step's allocation. */
const MAX_DEFLATE_RATIO = 1032;

/** Counts bytes produced by decoding, including by a decode that then fails (see decodeStreamData). */
export interface DecodeMeter {
  produced: number;
}

export function inflateCapped(data: Uint8Array, maxSize: number, meter?: DecodeMeter): Uint8Array {
  // PDF says zlib (RFC 1950); some writers emit raw deflate. Check the zlib header to pick the decoder.
  const cmf = data[0] ?? 0;
  const flg = data[1] ?? 0;
  const zlib = (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
  const chunks: Uint8Array[] = [];
  let total = 0;
  let done = false;
  const onData = (chunk: Uint8Array, final: boolean): void => {
    total += chunk.length;
    if (meter) meter.produced += chunk.length;
    if (total > maxSize) throw new PdfParseError(`decoded stream exceeds the limit of ${maxSize} bytes`);
    if (chunk.length) chunks.push(chunk);
    if (final) done = true;
  };
  const inflater = zlib ? new Unzlib(onData) : new Inflate(onData);
  try {
    let p = 0;
    while (p < data.length) {
      const room = Math.max(0, maxSize - total);
      const step = Math.min(64 * 1024, Math.max(256, Math.floor(room / MAX_DEFLATE_RATIO)));
      const end = Math.min(data.length, p + step);
      inflater.push(data.subarray(p, end), end === data.length);
      p = end;
      if (done) break;
    }
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (e) {
    if (e instanceof PdfParseError) throw e;
    throw new PdfParseError(`corrupt FlateDecode data: ${(e as Error).message}`);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function paramInt(parms: PdfDict | undefined, key: string, dflt: number, min: number, max: number): number {
  const v = parms?.get(key);
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new PdfParseError(`DecodeParms /${key} must be an integer in ${min}..${max}`);
  }
  return v;
}

/** Undoes a /Predictor (2 = TIFF, ≥10 = PNG, the row filter byte chooses per row). */
export function unpredict(data: Uint8Array, parms: PdfDict | undefined): Uint8Array {
  const predictor = paramInt(parms, 'Predictor', 1, 1, 15);
  if (predictor === 1) return data;
  const colors = paramInt(parms, 'Colors', 1, 1, 32);
  const bpc = paramInt(parms, 'BitsPerComponent', 8, 1, 16);
  const columns = paramInt(parms, 'Columns', 1, 1, 1 << 24);
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  if (predictor === 2) {
    if (bpc !== 8) throw new PdfParseError('TIFF predictor supported only for 8 bits per component');
    const out = data.slice();
    for (let r = 0; r + rowLen <= out.length; r += rowLen) {
      for (let i = bpp; i < rowLen; i++) out[r + i] = (out[r + i]! + out[r + i - bpp]!) & 0xff;
    }
    return out;
  }
  if (predictor < 10) throw new PdfParseError(`unsupported /Predictor ${predictor}`);
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = new Uint8Array(rows * rowLen);
  for (let r = 0; r < rows; r++) {
    const src = r * (rowLen + 1);
    const filter = data[src]!;
    const o = r * rowLen;
    const up = o - rowLen;
    for (let i = 0; i < rowLen; i++) {
      const x = data[src + 1 + i]!;
      const a = i >= bpp ? out[o + i - bpp]! : 0;
      const b = r > 0 ? out[up + i]! : 0;
      let v: number;
      switch (filter) {
        case 0: v = x; break;
        case 1: v = x + a; break;
        case 2: v = x + b; break;
        case 3: v = x + ((a + b) >> 1); break;
        case 4: {
          const c = r > 0 && i >= bpp ? out[up + i - bpp]! : 0;
          const p = a + b - c;
          const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default:
          throw new PdfParseError(`invalid PNG predictor row filter ${filter}`);
      }
      out[o + i] = v & 0xff;
    }
  }
  return out;
}

function asciiHexDecode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array((data.length + 1) >> 1);
  let n = 0;
  let hi = -1;
  for (const c of data) {
    if (c === 0x3e) break; // '>' is EOD
    const v = hexValue(c);
    if (v < 0) {
      if (WHITESPACE[c] === 1) continue;
      throw new PdfParseError('invalid character in ASCIIHexDecode data');
    }
    if (hi < 0) hi = v;
    else {
      out[n++] = (hi << 4) | v;
      hi = -1;
    }
  }
  if (hi >= 0) out[n++] = hi << 4;
  return out.slice(0, n);
}

/**
 * Decodes a stream's data through its /Filter chain. `resolve` turns indirect /Filter or /DecodeParms entries into
 * direct objects (it may be identity for callers that know they are direct).
 */
export function decodeStreamData(
  stream: PdfStream,
  resolve: (o: PdfObject | undefined) => PdfObject | undefined,
  maxSize = DEFAULT_MAX_DECODED_SIZE,
  meter?: DecodeMeter,
): Uint8Array {
  const filterObj = resolve(stream.dict.get('Filter'));
  const parmsObj = resolve(stream.dict.get('DecodeParms'));
  const filters = filterObj === undefined || filterObj === null ? [] : Array.isArray(filterObj) ? filterObj : [filterObj];
  if (filters.length > 8) throw new PdfParseError('too many stream filters');
  let data = stream.raw;
  filters.forEach((f, i) => {
    const fObj = resolve(f);
    if (!(fObj instanceof PdfName)) throw new PdfParseError('stream /Filter entry is not a name');
    const pRaw = Array.isArray(parmsObj) ? resolve(parmsObj[i]) : i === 0 ? parmsObj : undefined;
    const parms = pRaw instanceof PdfDict ? pRaw : undefined;
    switch (fObj.value) {
      case 'FlateDecode':
      case 'Fl':
        data = unpredict(inflateCapped(data, maxSize, meter), parms);
        break;
      case 'ASCIIHexDecode':
      case 'AHx':
        data = asciiHexDecode(data);
        if (meter) meter.produced += data.length;
        break;
      default:
        throw new PdfParseError(`unsupported stream filter /${fObj.value}`);
    }
    if (data.length > maxSize) throw new PdfParseError(`decoded stream exceeds the limit of ${maxSize} bytes`);
  });
  return data;
}

/**
 * Pictures of an issued PDF made by poppler (an independent renderer), for the QR paths of the verify page: a PNG
 * to choose as a file, and a grayscale frame turned into a Y4M video that Chromium's fake camera plays.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

/** Page 1 of `pdfPath` as `<outBase>.png` (pdftoppm appends the extension itself with -singlefile). */
export function renderPng(pdfPath: string, outBase: string, dpi: number): string {
  execFileSync('pdftoppm', ['-f', '1', '-l', '1', '-r', String(dpi), '-png', '-singlefile', pdfPath, outBase], { timeout: 60_000 });
  return `${outBase}.png`;
}

export interface GrayImage {
  width: number;
  height: number;
  /** One byte per pixel, row by row. */
  pixels: Uint8Array;
}

/** Page 1 of `pdfPath` in 8-bit grayscale (pdftoppm -gray writes a binary PGM). */
export function renderGray(pdfPath: string, outBase: string, dpi: number): GrayImage {
  execFileSync('pdftoppm', ['-f', '1', '-l', '1', '-r', String(dpi), '-gray', '-singlefile', pdfPath, outBase], { timeout: 60_000 });
  return parsePgm(readFileSync(`${outBase}.pgm`));
}

/** Binary PGM (P5, maxval ≤ 255): header tokens separated by whitespace, '#' comments allowed, one byte per pixel. */
export function parsePgm(file: Uint8Array): GrayImage {
  const tokens: string[] = [];
  let p = 0;
  while (tokens.length < 4) {
    const c = file[p]!;
    if (c === 0x23) {
      while (file[p] !== 0x0a && p < file.length) p++;
    } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      p++;
    } else {
      const start = p;
      while (p < file.length && ![0x20, 0x0a, 0x0d, 0x09].includes(file[p]!)) p++;
      tokens.push(Buffer.from(file.subarray(start, p)).toString('latin1'));
    }
    if (p >= file.length) throw new Error('PGM header is truncated');
  }
  const [magic, w, h, max] = tokens as [string, string, string, string];
  if (magic !== 'P5') throw new Error(`expected a binary PGM (P5), got ${magic}`);
  if (Number(max) > 255) throw new Error(`16-bit PGM is not supported (maxval ${max})`);
  const width = Number(w);
  const height = Number(h);
  const pixels = file.subarray(p + 1, p + 1 + width * height); // exactly one whitespace byte ends the header
  if (pixels.length !== width * height) throw new Error(`PGM has ${pixels.length} pixel bytes, expected ${width * height}`);
  return { width, height, pixels };
}

/** The top-left even-sized part of an image (4:2:0 video needs even width and height). */
export function cropEven(img: GrayImage): GrayImage {
  const width = img.width & ~1;
  const height = img.height & ~1;
  if (width === img.width && height === img.height) return img;
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) pixels.set(img.pixels.subarray(y * img.width, y * img.width + width), y * width);
  return { width, height, pixels };
}

/**
 * A Y4M (YUV4MPEG2) 4:2:0 video of `frames` identical frames: the gray levels are the luma plane and both chroma
 * planes are neutral (128), so the picture is exactly the grayscale render.
 */
export function writeY4m(path: string, img: GrayImage, frames: number): void {
  if (img.width % 2 || img.height % 2) throw new Error(`Y4M 4:2:0 needs even dimensions, got ${img.width}x${img.height}`);
  const header = Buffer.from(`YUV4MPEG2 W${img.width} H${img.height} F10:1 Ip A1:1 C420jpeg\n`, 'latin1');
  const chroma = Buffer.alloc((img.width / 2) * (img.height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n', 'latin1'), Buffer.from(img.pixels), chroma]);
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}

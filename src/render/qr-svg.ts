import QRCode from 'qrcode';

export interface QrSvgOptions {
  /** Quiet zone in modules around the symbol; ISO/IEC 18004 asks for 4. */
  margin?: number;
  errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H';
}

/**
 * A QR code as a small, synchronous SVG (one path of module runs on a white background).
 *
 * Built from the `qrcode` package's module matrix rather than its async string renderer so that rendering a document
 * stays synchronous. Error correction M by default: enough to survive a fold or a stamp, small enough that a ~60
 * character URL stays at version 4–5 and decodes from a 150-dpi scan.
 */
export function qrSvg(text: string, options: QrSvgOptions = {}): string {
  if (typeof text !== 'string' || text.length === 0) throw new TypeError('qr text: expected a non-empty string');
  const margin = options.margin ?? 4;
  const qr = QRCode.create(text, { errorCorrectionLevel: options.errorCorrectionLevel ?? 'M' });
  const { size } = qr.modules;
  const full = size + 2 * margin;
  // One rectangle per horizontal run of dark modules keeps the path (and the PDF content stream) short.
  let d = '';
  for (let row = 0; row < size; row++) {
    let col = 0;
    while (col < size) {
      if (!qr.modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && qr.modules.get(row, col)) col++;
      d += `M${start + margin} ${row + margin}h${col - start}v1h-${col - start}z`;
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" shape-rendering="crispEdges">` +
    `<rect width="${full}" height="${full}" fill="#ffffff"/><path fill="#000000" d="${d}"/></svg>`
  );
}

/**
 * TypeScript 5.7+ types `Uint8Array` over `ArrayBufferLike` (which includes SharedArrayBuffer), while WebCrypto
 * only takes buffers over a plain ArrayBuffer. This narrows without copying when possible.
 */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

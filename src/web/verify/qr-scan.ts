import jsQRModule from 'jsqr';
import { isDocumentId } from '../../domain/identifiers.js';

// jsQR is a CommonJS module whose exports object is itself the function and also carries it as `default`.
type JsQr = typeof import('jsqr').default;
const jsQR: JsQr = ((jsQRModule as unknown as { default?: JsQr }).default ?? jsQRModule) as JsQr;

/** What a scanned QR code means for this page. */
export type QrTarget = { kind: 'document'; id: string } | { kind: 'foreign'; url: string } | { kind: 'other' };

/**
 * A document's QR code holds its status-page address `<registry>/v/<id>`. Only addresses of this service (this
 * origin, or the registry URL it publishes) are followed; a look-alike pointing elsewhere is shown, not opened.
 */
export function qrTarget(text: string, ownOrigins: readonly string[]): QrTarget {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { kind: 'other' };
  }
  const m = /^\/v\/([^/?#]+)\/?$/.exec(url.pathname);
  if (!m || !isDocumentId(decodeURIComponent(m[1]!))) return { kind: 'other' };
  if (!ownOrigins.includes(url.origin)) return { kind: 'foreign', url: url.href };
  return { kind: 'document', id: decodeURIComponent(m[1]!) };
}

/** Decodes the first QR code in a frame (jsQR works on RGBA pixels; no network, no WebAssembly). */
export function decodeQr(image: ImageData, thorough = false): string | null {
  const found = jsQR(image.data, image.width, image.height, { inversionAttempts: thorough ? 'attemptBoth' : 'dontInvert' });
  return found ? found.data : null;
}

const MAX_SIDE = 1024;

function pixelsOf(source: CanvasImageSource, width: number, height: number): ImageData {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(source, 0, 0, w, h);
  return ctx.getImageData(0, 0, w, h);
}

/** A picture of a QR code chosen from the device (for computers without a camera). */
export async function decodeQrFromFile(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    return decodeQr(pixelsOf(bitmap, bitmap.width, bitmap.height), true);
  } finally {
    bitmap.close();
  }
}

export interface CameraScan {
  stop(): void;
}

/**
 * Opens the rear camera and looks for a QR code a few times a second until one is found or `stop` is called.
 * Frames stay on the device.
 */
export async function startCameraScan(video: HTMLVideoElement, onFound: (text: string) => void): Promise<CameraScan> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  video.srcObject = stream;
  await video.play();
  const tick = () => {
    if (stopped) return;
    if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth > 0) {
      const text = decodeQr(pixelsOf(video, video.videoWidth, video.videoHeight));
      if (text) {
        stop();
        onFound(text);
        return;
      }
    }
    timer = setTimeout(tick, 150);
  };
  tick();
  return { stop };
}

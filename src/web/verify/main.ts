// The /verify page's script: the verification engine runs here, in the browser. The PDF is read from the device and
// never uploaded; only the document id and two SHA-256 digests go to the registry (see registry-client.ts).
import { DEFAULT_MAX_PDF_BYTES, verifyPdf, type VerificationReport } from '../../verify/index.js';
import { isDocumentId } from '../../domain/identifiers.js';
import { loadTrustBundle, loadTypeLabels, logProof, registryLookup, sameOriginFetch, statusListText, type TrustBundleJson } from './registry-client.js';
import { renderReport } from './render-report.js';
import { pageLang, say } from './strings.js';
import { decodeQrFromFile, qrTarget, startCameraScan, type CameraScan } from './qr-scan.js';

const lang = pageLang();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T | null;

let trust: Promise<{ bundle: TrustBundleJson; roots: Uint8Array[] }> | undefined;
const trustBundle = () => {
  trust ??= loadTrustBundle();
  trust.catch(() => (trust = undefined));
  return trust;
};

function setProgress(text: string): void {
  const p = $('progress');
  if (p) p.textContent = text;
}

function showResult(node: HTMLElement): void {
  const result = $('result');
  if (!result) return;
  result.replaceChildren(node);
  result.hidden = false;
  // Keyboard and screen-reader users land on the result, not back at the top of the page.
  (document.getElementById('result-heading') ?? result).focus();
}

const expectedId = (() => {
  const id = new URLSearchParams(location.search).get('id');
  return id && isDocumentId(id) ? id : undefined;
})();

/** Exposed for tests and benchmarks: the last report and how long it took. */
declare global {
  interface Window {
    ekasarnLastVerification?: { report: VerificationReport; ms: number };
  }
}

async function verifyFile(file: File): Promise<void> {
  const result = $('result');
  if (result) result.hidden = true;
  if (file.size === 0) return setProgress(say('emptyFile'));
  if (file.size > DEFAULT_MAX_PDF_BYTES) {
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    return setProgress(say('tooBig', { max: mb(DEFAULT_MAX_PDF_BYTES), size: mb(file.size) }));
  }
  setProgress(say('reading'));
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!(bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46)) return setProgress(say('notPdf'));
  let roots: Uint8Array[];
  let bundle: TrustBundleJson;
  try {
    ({ bundle, roots } = await trustBundle());
  } catch (e) {
    return setProgress(say('trustFailed', { reason: (e as Error).message }));
  }
  setProgress(say('verifying'));
  const started = performance.now();
  const report = await verifyPdf(bytes, {
    trustRoots: roots,
    issuers: bundle.issuers,
    issuersRegistry: bundle.registry,
    statusLookup: registryLookup,
    registryBaseUrl: bundle.registry,
    fetchRevocation: sameOriginFetch,
    fetchStatusList: statusListText,
    ...(bundle.log ? { transparency: { verifierKey: bundle.log.verifierKey, proofFor: logProof } } : {}),
  });
  const ms = performance.now() - started;
  window.ekasarnLastVerification = { report, ms };
  const typeId = (report.document?.type as { id?: unknown } | undefined)?.id;
  const labels = typeof typeId === 'string' ? await loadTypeLabels(typeId) : null;
  setProgress('');
  showResult(renderReport(report, { lang, fileName: file.name, labels, elapsedMs: ms, ...(expectedId ? { expectedId } : {}) }));
}

function wireFileInput(): void {
  const input = $<HTMLInputElement>('file');
  const drop = $('drop');
  input?.addEventListener('change', () => {
    const f = input.files?.[0];
    if (f) void verifyFile(f);
  });
  if (!drop) return;
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('dragging');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('dragging');
    const f = e.dataTransfer?.files?.[0];
    if (f) void verifyFile(f);
  });
}

function followQr(text: string, origins: string[]): void {
  const status = $('qr-status');
  const target = qrTarget(text, origins);
  if (target.kind === 'document') {
    if (status) status.textContent = say('scanFound');
    location.assign(`/v/${encodeURIComponent(target.id)}?lang=${lang}`);
  } else if (status) {
    status.textContent = target.kind === 'foreign' ? say('scanForeign', { url: target.url }) : say('scanNotDocument');
  }
}

async function ownOrigins(): Promise<string[]> {
  const origins = [location.origin];
  try {
    origins.push(new URL((await trustBundle()).bundle.registry).origin);
  } catch {
    /* this origin only */
  }
  return origins;
}

function wireQr(): void {
  const scanButton = $<HTMLButtonElement>('scan');
  const stopButton = $<HTMLButtonElement>('stop-scan');
  const video = $<HTMLVideoElement>('camera');
  const status = $('qr-status');
  const image = $<HTMLInputElement>('qr-image');
  let scan: CameraScan | undefined;
  const stopScan = () => {
    scan?.stop();
    scan = undefined;
    if (video) video.hidden = true;
    if (stopButton) stopButton.hidden = true;
    scanButton?.focus();
  };
  scanButton?.addEventListener('click', async () => {
    if (!video || scan) return;
    if (status) status.textContent = say('scanStarting');
    try {
      video.hidden = false;
      if (stopButton) stopButton.hidden = false;
      const origins = await ownOrigins();
      scan = await startCameraScan(video, (text) => {
        scan = undefined;
        video.hidden = true;
        if (stopButton) stopButton.hidden = true;
        followQr(text, origins);
      });
    } catch (e) {
      stopScan();
      if (status) status.textContent = say('scanNoCamera', { reason: (e as Error).name || (e as Error).message });
    }
  });
  stopButton?.addEventListener('click', () => {
    stopScan();
    if (status) status.textContent = say('scanStopped');
  });
  image?.addEventListener('change', async () => {
    const f = image.files?.[0];
    if (!f) return;
    const text = await decodeQrFromFile(f).catch(() => null);
    if (!text) {
      if (status) status.textContent = say('scanNothing');
      return;
    }
    followQr(text, await ownOrigins());
  });
}

wireFileInput();
wireQr();
// Start loading the trust bundle while the person finds the file.
void trustBundle().catch(() => undefined);
document.documentElement.dataset.ready = 'true';

/**
 * A bulk worker thread: one warm Typst compiler and one signer per agency, kept for thousands of documents. It renders,
 * signs and writes each PDF (temp file, fsync, rename) and answers with the digest; the coordinator commits the rows.
 * Blob writes are awaited without blocking the next render: the disk's fsync latency overlaps the CPU work.
 * It never touches the database, so a worker can die at any moment without leaving a row half-written.
 */
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadedType } from '../../doctypes/load-types.js';
import { makeSignedPdf, type AgencySigner, type PdfTimings, type SigningServices } from '../../issuance/document-pdf.js';
import { createRenderer, RenderError } from '../../render/index.js';
import { PadesSigner } from '../../signing/index.js';
import { FilesystemBlobStore } from '../../store/blobs/filesystem-blob-store.js';
import type { Agency } from '../../store/repos/agencies.js';
import type { FromWorker, RenderFailure, RenderTask, ToWorker, WorkerInit } from './messages.js';

const port = parentPort;
if (!port) throw new Error('render-sign-worker must run in a worker thread');
const init = workerData as WorkerInit;
const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

const renderer = createRenderer();
const blobs = new FilesystemBlobStore(init.blobRoot);
const types = new Map(init.types.map((t) => [`${t.definition.id}@${t.definition.version}`, t as unknown as LoadedType]));
const agencies = new Map<string, Agency>(init.agencies.map((a) => [a.id, a]));
const signers = new Map<string, Promise<AgencySigner>>(
  init.signers.map((s) => [
    s.agencyId,
    PadesSigner.create(s.identity).then((signer) => ({ signer, chain: s.chain, ...(s.signerName ? { signerName: s.signerName } : {}) })),
  ]),
);

// Time-stamping and revocation data come from the coordinator, which holds the TSA client (or the built-in authority)
// and a shared cache of OCSP answers: one cache for all workers, and no TSA credentials in every thread.
let nextRid = 1;
const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
const call = <T>(m: { method: 'timestamp'; imprint: Uint8Array } | { method: 'revocation'; pairs: { certificate: Uint8Array; issuer: Uint8Array }[] }): Promise<T> =>
  new Promise((resolve, reject) => {
    const rid = nextRid++;
    pending.set(rid, { resolve: resolve as (v: unknown) => void, reject });
    post({ kind: 'rpc', rid, ...m } as FromWorker);
  });
const services: SigningServices = {
  timestamper: { timestamp: (imprint) => call<Uint8Array>({ method: 'timestamp', imprint }) },
  revocation: { collect: (pairs) => call({ method: 'revocation', pairs }) },
};

function failure(e: unknown): RenderFailure {
  if (e instanceof RenderError) {
    return {
      permanent: true,
      code: 'render_failed',
      message: { th: 'จัดทำเอกสารจากข้อมูลแถวนี้ไม่ได้ (แม่แบบเอกสารแสดงผลไม่สำเร็จ)', en: `The document could not be rendered from this row: ${e.message.split('\n')[0]}` },
    };
  }
  const err = e as { code?: unknown; message?: unknown; text?: { th?: string; en?: string } };
  const code = typeof err.code === 'string' ? err.code : 'worker_error';
  const en = err.text?.en ?? String(err.message ?? e);
  return { permanent: false, code, message: { th: err.text?.th ?? `เกิดข้อผิดพลาดระหว่างลงนามเอกสาร: ${en}`, en } };
}

async function run(id: number, task: RenderTask): Promise<void> {
  try {
    const type = types.get(task.typeKey);
    const agency = agencies.get(task.agencyId);
    const signer = signers.get(task.agencyId);
    if (!type || !agency || !signer) throw new Error(`worker was not given ${!type ? `type ${task.typeKey}` : `agency ${task.agencyId}`}`);
    const timings: PdfTimings = { renderMs: 0, signMs: 0 };
    const f = task.facts;
    const pdf = await makeSignedPdf(
      renderer,
      await signer,
      type,
      agency,
      { id: f.id, serial: f.serial, issuedAt: new Date(f.issuedAt), validUntil: f.validUntil, verifyUrl: f.verifyUrl, fields: f.fields, ...(f.status ? { status: f.status } : {}) },
      task.level,
      services,
      timings,
    );
    const t = performance.now();
    const pdfSha256 = createHash('sha256').update(pdf).digest('hex');
    await blobs.put(f.id, pdf);
    post({ kind: 'done', id, result: { documentId: f.id, pdfSha256, pdfSize: pdf.length, ...timings, writeMs: performance.now() - t } });
  } catch (e) {
    post({ kind: 'failed', id, failure: failure(e) });
  }
}

port.on('message', (m: ToWorker) => {
  if (m.kind === 'task') void run(m.id, m.task);
  else {
    const p = pending.get(m.rid);
    if (!p) return;
    pending.delete(m.rid);
    if (m.ok) p.resolve(m.value);
    else p.reject(Object.assign(new Error(m.error.en), { code: m.error.code, text: { th: m.error.th, en: m.error.en } }));
  }
});

void Promise.all(signers.values()).then(
  () => post({ kind: 'ready' }),
  (e: Error) => {
    throw e;
  },
);

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../domain/errors.js';
import type { SigningServices } from '../../issuance/document-pdf.js';
import type { FromWorker, RenderDone, RenderFailure, RenderTask, ToWorker, WorkerInit } from './messages.js';

/**
 * The render-and-sign worker threads of one process: as many as there are cores, each kept warm (Typst compiler,
 * signer) and given up to `perWorker` documents at once so its blob fsyncs overlap its next render. A worker is
 * replaced after `recycleAfter` documents, a safety valve only: with the memo cache evicted after every document RSS
 * stayed flat over 12,000 renders without replacing, while replacing every 2,000 cost 13 % of throughput and let RSS
 * creep (each new thread's allocations land in fresh malloc arenas) — bench/FINDINGS-bulk.md. Written here rather than with a pool library because the
 * three things that matter — warm per-thread state, calls back to the coordinator for TSA and revocation data, and
 * recycling without losing in-flight work — are most of the code either way.
 */
export interface RenderPoolOptions {
  init: WorkerInit;
  services: SigningServices;
  size?: number;
  perWorker?: number;
  recycleAfter?: number;
}

export type RenderOutcome = { ok: true; result: RenderDone } | { ok: false; failure: RenderFailure };

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  inFlight: Map<number, (o: RenderOutcome) => void>;
  served: number;
  retiring: boolean;
}

function workerUrl(): { url: URL; workerData: (init: WorkerInit) => unknown } {
  // From src/ (tests, tsx) the worker is TypeScript: a small boot file registers tsx inside the new thread first.
  if (import.meta.url.endsWith('.ts')) {
    const entry = new URL('./render-sign-worker.ts', import.meta.url).href;
    return { url: new URL('./ts-worker-boot.mjs', import.meta.url), workerData: (init) => ({ ...init, __entry: entry }) };
  }
  return { url: new URL('./render-sign-worker.js', import.meta.url), workerData: (init) => init };
}

export class RenderPool {
  readonly size: number;
  readonly perWorker: number;
  private readonly recycleAfter: number;
  private readonly slots: Slot[] = [];
  private readonly queue: { task: RenderTask; resolve(o: RenderOutcome): void }[] = [];
  private nextId = 1;
  private closed = false;
  private readonly spawnInfo = workerUrl();

  private constructor(private readonly opts: RenderPoolOptions) {
    this.size = Math.max(1, opts.size ?? availableParallelism());
    this.perWorker = Math.max(1, opts.perWorker ?? 3);
    this.recycleAfter = opts.recycleAfter ?? 50_000;
  }

  static async start(opts: RenderPoolOptions): Promise<RenderPool> {
    const pool = new RenderPool(opts);
    for (let i = 0; i < pool.size; i++) pool.slots.push(pool.spawn());
    await Promise.all(pool.slots.map((s) => s.ready));
    return pool;
  }

  /** How many documents can be in the workers at once; callers keep about this many tasks submitted. */
  get capacity(): number {
    return this.size * this.perWorker;
  }

  /** Renders, signs and stores one document. Never rejects: failures come back as outcomes. */
  run(task: RenderTask): Promise<RenderOutcome> {
    if (this.closed) return Promise.resolve({ ok: false, failure: { permanent: false, code: 'pool_closed', message: { th: 'ระบบกำลังหยุดทำงาน', en: 'The worker pool is closed' } } });
    return new Promise((resolve) => {
      this.queue.push({ task, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.resolve({ ok: false, failure: { permanent: false, code: 'pool_closed', message: { th: 'ระบบกำลังหยุดทำงาน', en: 'The worker pool is closed' } } });
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private spawn(): Slot {
    const { url, workerData } = this.spawnInfo;
    const worker = new Worker(url, { workerData: workerData(this.opts.init) });
    let markReady!: () => void;
    let markFailed!: (e: Error) => void;
    const ready = new Promise<void>((res, rej) => {
      markReady = res;
      markFailed = rej;
    });
    const slot: Slot = { worker, ready, inFlight: new Map(), served: 0, retiring: false };
    worker.on('message', (m: FromWorker) => {
      if (m.kind === 'ready') markReady();
      else if (m.kind === 'done' || m.kind === 'failed') {
        const resolve = slot.inFlight.get(m.id);
        slot.inFlight.delete(m.id);
        resolve?.(m.kind === 'done' ? { ok: true, result: m.result } : { ok: false, failure: m.failure });
        if (slot.retiring && slot.inFlight.size === 0) this.replace(slot);
        this.pump();
      } else if (m.kind === 'rpc') {
        void this.answer(slot, m);
      }
    });
    worker.on('error', (e) => markFailed(e));
    worker.on('exit', (code) => {
      // A crash (or a terminate during recycling): in-flight documents are handed back as retryable.
      for (const resolve of slot.inFlight.values()) {
        resolve({ ok: false, failure: { permanent: false, code: 'worker_exit', message: { th: 'กระบวนการลงนามหยุดกะทันหัน', en: `A worker thread stopped (exit code ${code})` } } });
      }
      slot.inFlight.clear();
      markFailed(new Error(`worker exited with code ${code} before it was ready`));
      const i = this.slots.indexOf(slot);
      if (i >= 0 && !this.closed) {
        this.slots[i] = this.spawn();
        this.slots[i]!.ready.catch(() => undefined);
      }
    });
    ready.catch(() => undefined);
    return slot;
  }

  private replace(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i < 0 || this.closed) return;
    // Start the replacement first so the pool keeps its size; the old thread exits with nothing in flight.
    this.slots[i] = this.spawn();
    this.slots[i]!.ready.catch(() => undefined);
    void slot.worker.terminate();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let best: Slot | undefined;
      for (const s of this.slots) {
        if (s.retiring || s.inFlight.size >= this.perWorker) continue;
        if (!best || s.inFlight.size < best.inFlight.size) best = s;
      }
      if (!best) return;
      const slot = best;
      // A thread still starting buffers the message and takes it once its compiler and signers are ready.
      const { task, resolve } = this.queue.shift()!;
      const id = this.nextId++;
      slot.inFlight.set(id, resolve);
      slot.served++;
      if (slot.served >= this.recycleAfter) slot.retiring = true;
      slot.worker.postMessage({ kind: 'task', id, task } satisfies ToWorker);
    }
  }

  private async answer(slot: Slot, m: Extract<FromWorker, { kind: 'rpc' }>): Promise<void> {
    let reply: ToWorker;
    try {
      let value: unknown;
      if (m.method === 'timestamp') {
        if (!this.opts.services.timestamper) throw new AppError('no_tsa', 503, { th: 'ยังไม่ได้ตั้งค่าผู้ให้บริการตราประทับเวลา', en: 'No time-stamping authority is configured' });
        value = await this.opts.services.timestamper.timestamp(m.imprint);
      } else {
        if (!this.opts.services.revocation) throw new Error('no source of revocation data is configured');
        value = await this.opts.services.revocation.collect(m.pairs);
      }
      reply = { kind: 'rpc-reply', rid: m.rid, ok: true, value };
    } catch (e) {
      const text = e instanceof AppError ? e.text : { th: 'ขอข้อมูลสำหรับลงนามไม่สำเร็จ', en: (e as Error).message };
      reply = { kind: 'rpc-reply', rid: m.rid, ok: false, error: { code: e instanceof AppError ? e.code : 'signing_service_error', ...text } };
    }
    slot.worker.postMessage(reply);
  }
}

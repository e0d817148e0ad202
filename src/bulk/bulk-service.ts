import { AppError } from '../domain/errors.js';
import { getBatch, lastRowNumber, listBatchRows, releaseAllClaims, type Batch, type BatchRow } from '../store/index.js';
import type { BulkContext } from './bulk-context.js';
import { BulkRunner } from './bulk-runner.js';
import { receiveBatch, type NewBatchRequest } from './ingest.js';
import type { ResultRow } from './output/index.js';
import type { BatchQueue } from './queue/batch-queue.js';
import { InProcessQueue } from './queue/in-process-queue.js';
import { PgBossQueue } from './queue/pg-boss-queue.js';

/** What a progress bar, an SSE stream or GET /api/v1/batches/:id shows. No personal data: counts and ids only. */
export interface BatchProgress {
  id: string;
  state: Batch['state'];
  type: string;
  sourceName: string;
  level: string;
  total: number;
  issued: number;
  existing: number;
  failed: number;
  done: number;
  createdAt: string;
  completedAt: string | null;
}

export function progressOf(b: Batch): BatchProgress {
  return {
    id: b.id,
    state: b.state,
    type: b.typeId,
    sourceName: b.sourceName,
    level: b.level,
    total: b.totalRows,
    issued: b.issuedRows,
    existing: b.existingRows,
    failed: b.failedRows,
    done: b.issuedRows + b.existingRows + b.failedRows,
    createdAt: b.createdAt,
    completedAt: b.completedAt,
  };
}

export const batchNotFound = () => new AppError('not_found', 404, { th: 'ไม่พบชุดเอกสารนี้', en: 'Batch not found' });

/**
 * Bulk issuance as the application offers it: receive a file into a batch, have the queue issue it, report progress
 * and results. `runHere` is for the CLI, which issues its batch in its own process and waits for it.
 */
export class BulkService {
  readonly runner: BulkRunner;
  private readonly queue: BatchQueue;

  constructor(
    private readonly ctx: BulkContext,
    opts: { databaseUrl?: string | undefined; onError: (e: unknown) => void },
  ) {
    this.runner = new BulkRunner(ctx);
    this.queue =
      ctx.dialect === 'postgres' && opts.databaseUrl
        ? new PgBossQueue(ctx, this.runner, opts.databaseUrl, opts.onError)
        : new InProcessQueue(ctx, this.runner, opts.onError);
  }

  /** Reads the file into a new batch and queues it (or returns the batch an earlier request with the same key made). */
  async submit(req: NewBatchRequest): Promise<{ batch: Batch; created: boolean }> {
    const r = await receiveBatch(this.ctx, req);
    if (r.batch.state === 'queued') await this.queue.enqueue(r.batch.id, await lastRowNumber(this.ctx.db, r.batch.id));
    return r;
  }

  /** Reads the file into a batch without queuing it (the CLI runs it itself). */
  receive(req: NewBatchRequest): Promise<{ batch: Batch; created: boolean }> {
    return receiveBatch(this.ctx, req);
  }

  /**
   * Issues a batch in this process and returns when no row is pending. `takeOver` first drops every claim on its rows:
   * an operator resuming a batch whose process was killed need not wait for those claims to lapse.
   */
  async runHere(batchId: string, opts: { takeOver?: boolean } = {}): Promise<Batch> {
    if (opts.takeOver) {
      await releaseAllClaims(this.ctx.db, batchId);
      // Half-written PDFs of a killed process (a write takes milliseconds; a minute-old one is dead).
      await this.ctx.blobs.removeStaleTemporaries(60_000);
    }
    await this.runner.run({ batchId, fromRow: 1, toRow: Math.max(1, await lastRowNumber(this.ctx.db, batchId)) });
    const b = await getBatch(this.ctx.db, batchId);
    if (!b) throw batchNotFound();
    return b;
  }

  async get(batchId: string, agencyId?: string): Promise<Batch> {
    const b = await getBatch(this.ctx.db, batchId);
    if (!b || (agencyId !== undefined && b.agencyId !== agencyId)) throw batchNotFound();
    return b;
  }

  /** Every row's outcome in row order, read a page at a time. */
  async *results(batchId: string): AsyncGenerator<ResultRow & { state: BatchRow['state'] }> {
    let after = 0;
    for (;;) {
      const page = await listBatchRows(this.ctx.db, batchId, after, 500);
      if (page.length === 0) return;
      for (const r of page) {
        after = r.row;
        yield {
          row: r.row,
          state: r.state,
          outcome: r.state === 'pending' ? 'failed' : r.state,
          ...(r.state === 'issued' || r.state === 'existing' ? { documentId: r.documentId ?? undefined, serial: r.serial ?? undefined } : {}),
          ...(r.state === 'issued' && r.documentId ? { file: pdfFileName(r) } : {}),
          ...(r.problems.length ? { problems: r.problems } : {}),
        } as ResultRow & { state: BatchRow['state'] };
      }
    }
  }

  /** The issued documents' PDFs in row order, for the zip: only rows this batch issued (not `existing` ones). */
  async *pdfs(batchId: string): AsyncGenerator<{ name: string; load(): Promise<Uint8Array> }> {
    for await (const r of this.results(batchId)) {
      if (r.state !== 'issued' || !r.documentId || !r.file) continue;
      const id = r.documentId;
      yield {
        name: r.file,
        load: async () => {
          const pdf = await this.ctx.blobs.get(id);
          if (!pdf) throw new Error(`document ${id} has no PDF`);
          return pdf;
        },
      };
    }
  }

  start(): Promise<void> {
    return this.queue.start();
  }

  /** Waits until the in-process queue has nothing left (tests); no-op for pg-boss. */
  async idle(): Promise<void> {
    if (this.queue instanceof InProcessQueue) await this.queue.idle();
  }

  async close(): Promise<void> {
    await this.queue.stop();
    await this.runner.close();
  }
}

/** File name of a row's PDF in the zip and in `--out`: row number and serial, which an officer recognises. */
export function pdfFileName(r: { row: number; serial: string | null; documentId: string | null }): string {
  const serial = (r.serial ?? r.documentId ?? '').replace(/[\\/:*?"<>|\s]+/g, '-');
  return `${String(r.row).padStart(6, '0')}_${serial}.pdf`;
}

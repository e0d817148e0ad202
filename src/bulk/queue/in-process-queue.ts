import { lastRowNumber, listQueuedBatches } from '../../store/index.js';
import type { BulkContext } from '../bulk-context.js';
import type { BulkRunner } from '../bulk-runner.js';
import type { RangeJob } from '../run-range.js';
import type { BatchQueue } from './batch-queue.js';

const RETRY_MS = 15_000;

/**
 * SQLite's queue: one list of jobs in this process, one batch at a time (the worker threads are the parallelism).
 * Its state is the database itself — a batch is queued until no row is pending — so a restarted process finds the
 * unfinished batches again in `start()`. A job that fails (TSA down) is retried after a pause.
 */
export class InProcessQueue implements BatchQueue {
  private readonly jobs: RangeJob[] = [];
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly ctx: BulkContext,
    private readonly runner: BulkRunner,
    private readonly onError: (e: unknown, job: RangeJob) => void,
  ) {}

  async enqueue(batchId: string, lastRow: number): Promise<void> {
    if (this.jobs.some((j) => j.batchId === batchId)) return;
    this.jobs.push({ batchId, fromRow: 1, toRow: Math.max(1, lastRow) });
    this.kick();
  }

  async start(): Promise<void> {
    for (const b of await listQueuedBatches(this.ctx.db)) await this.enqueue(b.id, await lastRowNumber(this.ctx.db, b.id));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.jobs.length = 0;
    for (const t of this.timers) clearTimeout(t);
    await this.running;
  }

  /** Resolves when the queue has nothing left to do (tests, the CLI). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = (async () => {
      while (this.jobs.length && !this.stopped) {
        const job = this.jobs[0]!;
        try {
          await this.runner.run(job);
        } catch (e) {
          this.onError(e, job);
          const t = setTimeout(() => {
            this.timers.delete(t);
            void this.enqueue(job.batchId, job.toRow);
          }, RETRY_MS);
          this.timers.add(t);
        }
        this.jobs.shift();
      }
    })().finally(() => {
      this.running = null;
    });
  }
}

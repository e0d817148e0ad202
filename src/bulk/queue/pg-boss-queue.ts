import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import { lastRowNumber, listQueuedBatches } from '../../store/index.js';
import type { BulkContext } from '../bulk-context.js';
import type { BulkRunner } from '../bulk-runner.js';
import type { RangeJob } from '../run-range.js';
import type { BatchQueue } from './batch-queue.js';

const QUEUE = 'ekasarn-bulk';
/** Rows per job: small enough that two servers share even a modest batch, large enough to keep a pool busy. */
export const ROWS_PER_JOB = 250;
/** A job whose process died is handed to another after this long (claims on its rows lapse sooner). */
const EXPIRE_SECONDS = 120;

/** A UUID derived from the batch and range, so enqueuing the same batch twice inserts nothing new. */
function jobId(batchId: string, fromRow: number): string {
  const h = createHash('sha256').update(`${batchId}:${fromRow}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * PostgreSQL's queue: pg-boss jobs of a few hundred rows each, taken by every server on the database (SKIP LOCKED),
 * retried when one fails or its process dies. Exactly-once does not rest on pg-boss: rows are claimed under leases and
 * a row turns `issued` in the transaction that inserts its document, so a job run twice issues nothing twice.
 */
export class PgBossQueue implements BatchQueue {
  private readonly boss: PgBoss;
  private started = false;

  constructor(
    private readonly ctx: BulkContext,
    private readonly runner: BulkRunner,
    connectionString: string,
    private readonly onError: (e: unknown, job: RangeJob) => void,
    private readonly concurrency = 2,
  ) {
    this.boss = new PgBoss({ connectionString, schema: 'pgboss', max: 4, schedule: false, supervise: true, application_name: 'ekasarn-bulk' });
    this.boss.on('error', (e) => this.onError(e, { batchId: '-', fromRow: 0, toRow: 0 }));
  }

  private async ensureStarted(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    await this.boss.createQueue(QUEUE, { name: QUEUE, retryLimit: 1000, retryDelay: 5, expireInSeconds: EXPIRE_SECONDS });
    this.started = true;
  }

  async enqueue(batchId: string, lastRow: number): Promise<void> {
    await this.ensureStarted();
    const jobs: PgBoss.JobInsert<RangeJob>[] = [];
    for (let from = 1; from <= Math.max(1, lastRow); from += ROWS_PER_JOB) {
      jobs.push({ id: jobId(batchId, from), name: QUEUE, data: { batchId, fromRow: from, toRow: from + ROWS_PER_JOB - 1 } });
    }
    for (let i = 0; i < jobs.length; i += 500) await this.boss.insert(jobs.slice(i, i + 500));
  }

  async start(): Promise<void> {
    await this.ensureStarted();
    for (let i = 0; i < this.concurrency; i++) {
      await this.boss.work<RangeJob>(QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
        if (!job) return;
        try {
          await this.runner.run(job.data);
        } catch (e) {
          this.onError(e, job.data);
          throw e;
        }
      });
    }
    // Batches received while no server was running their jobs (or from before pg-boss was used) get their jobs now.
    for (const b of await listQueuedBatches(this.ctx.db)) await this.enqueue(b.id, await lastRowNumber(this.ctx.db, b.id));
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    this.started = false;
  }
}

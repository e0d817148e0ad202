import { completeBatchIfDone, getAgency, getBatch } from '../store/index.js';
import type { BulkContext } from './bulk-context.js';
import { emptyStageTimes, runRange, type RangeJob, type StageTimes } from './run-range.js';
import type { WorkerInit } from './worker/messages.js';
import { RenderPool } from './worker/render-pool.js';

/** Worker threads are kept this long after the last job, then stopped to give their memory back. */
const IDLE_CLOSE_MS = 60_000;

/**
 * Runs range jobs on this process's worker threads. The pool is created on the first job and holds signers for the
 * agencies seen so far; a job for a new agency rebuilds it (rare: agencies are few). Any queue — in-process or
 * pg-boss — hands its jobs here.
 */
export class BulkRunner {
  private pool: RenderPool | null = null;
  private poolAgencies = new Set<string>();
  /** Jobs using each pool: a pool replaced for a new agency is closed when its last job ends. */
  private readonly users = new Map<RenderPool, number>();
  private building: Promise<RenderPool> | null = null;
  private active = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Summed stage times of everything this runner did (benchmarks, the CLI's closing line). */
  readonly times: StageTimes = emptyStageTimes();

  constructor(private readonly ctx: BulkContext) {}

  async run(job: RangeJob): Promise<void> {
    const batch = await getBatch(this.ctx.db, job.batchId);
    if (!batch || batch.state !== 'queued') return;
    this.active++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    let pool: RenderPool | null = null;
    try {
      pool = await this.poolFor(batch.agencyId);
      this.users.set(pool, (this.users.get(pool) ?? 0) + 1);
      await runRange(this.ctx, pool, batch, job, this.times);
      await completeBatchIfDone(this.ctx.db, job.batchId);
    } finally {
      if (pool) {
        const left = (this.users.get(pool) ?? 1) - 1;
        this.users.set(pool, left);
        if (left === 0 && pool !== this.pool) {
          this.users.delete(pool);
          void pool.close();
        }
      }
      if (--this.active === 0) {
        this.idleTimer = setTimeout(() => void this.closePool(), IDLE_CLOSE_MS);
        this.idleTimer.unref();
      }
    }
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await this.closePool();
  }

  private async closePool(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    this.poolAgencies.clear();
    if (pool) this.users.delete(pool);
    await pool?.close();
  }

  private async poolFor(agencyId: string): Promise<RenderPool> {
    while (this.building) await this.building.catch(() => undefined);
    if (this.pool && this.poolAgencies.has(agencyId)) return this.pool;
    const agencies = new Set([...this.poolAgencies, agencyId]);
    this.building = (async () => {
      const init = await this.workerInit([...agencies]);
      const old = this.pool;
      const pool = await RenderPool.start({
        init,
        services: this.ctx.signing,
        ...(this.ctx.workers ? { size: this.ctx.workers } : {}),
        ...(this.ctx.recycleAfter ? { recycleAfter: this.ctx.recycleAfter } : {}),
        ...(this.ctx.perWorker ? { perWorker: this.ctx.perWorker } : {}),
      });
      this.pool = pool;
      this.poolAgencies = agencies;
      // Jobs still running on the old pool finish there; it is closed when the last of them ends.
      if (old && !this.users.get(old)) {
        this.users.delete(old);
        await old.close();
      }
      return pool;
    })();
    try {
      return await this.building;
    } finally {
      this.building = null;
    }
  }

  private async workerInit(agencyIds: string[]): Promise<WorkerInit> {
    const agencies = [];
    const signers = [];
    for (const id of agencyIds) {
      const agency = await getAgency(this.ctx.db, id);
      if (!agency) continue;
      agencies.push(agency);
      const s = await this.ctx.signerFor(id);
      if (!s.identity) throw new Error(`the signer of agency ${id} cannot be handed to worker threads`);
      signers.push({ agencyId: id, identity: s.identity, chain: s.chain, ...(s.signerName ? { signerName: s.signerName } : {}) });
    }
    const types = [...this.ctx.types.values()].map((t) => ({ definition: t.definition, templateSource: t.templateSource }));
    return { types, agencies, signers, blobRoot: this.ctx.blobRoot };
  }
}

import { AppError } from '../domain/errors.js';
import { statusListUrl } from '../domain/status-list.js';
import type { LoadedType } from '../doctypes/load-types.js';
import { isPadesLevel } from '../issuance/sign-pdf.js';
import {
  addBatchCounts,
  completeClaimedRow,
  countDocumentsOfType,
  documentsByIdempotencyKeys,
  hasPendingRows,
  releaseClaimedRow,
  renewClaims,
  withTransaction,
  type Batch,
} from '../store/index.js';
import type { BulkContext } from './bulk-context.js';
import { claimRows, type ClaimedRow } from './claim-rows.js';
import { commitMadeDocuments, settleWithExistingDocuments, type MadeDocument } from './commit-results.js';
import type { RenderPool } from './worker/render-pool.js';
import type { RenderTask } from './worker/messages.js';

/** A slice of a batch's rows: the unit a queue hands to one process. */
export interface RangeJob {
  batchId: string;
  fromRow: number;
  toRow: number;
}

/** Where the time of a run went (summed over documents; the workers' stages run in parallel). */
export interface StageTimes {
  documents: number;
  claimMs: number;
  renderMs: number;
  signMs: number;
  writeMs: number;
  commitMs: number;
}

export const emptyStageTimes = (): StageTimes => ({ documents: 0, claimMs: 0, renderMs: 0, signMs: 0, writeMs: 0, commitMs: 0 });

/** Documents committed in one transaction. */
const COMMIT_GROUP = 48;
/** A retryable failure (TSA down, worker died) this many times for one row stops the run; the batch stays queued. */
const MAX_ATTEMPTS = 3;

export function typeOfBatch(ctx: BulkContext, batch: Batch): LoadedType {
  const type = ctx.types.get(batch.typeId);
  if (!type || type.definition.version !== batch.typeVersion) {
    throw new AppError('type_changed', 409, {
      th: `ประเภทเอกสาร ${batch.typeId} รุ่น ${batch.typeVersion} ไม่มีในระบบแล้ว จึงออกเอกสารชุดนี้ต่อไม่ได้`,
      en: `Document type ${batch.typeId} version ${batch.typeVersion} is no longer loaded; the batch cannot continue`,
    });
  }
  return type;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issues every pending row of a range: claims rows (with their reservations), has the worker threads render, sign and
 * store them, and commits the made documents in groups. Returns when no row of the range is pending — including rows
 * another process holds: it waits for them to finish or for their claim to lapse, then takes them over.
 */
export async function runRange(ctx: BulkContext, pool: RenderPool, batch: Batch, job: RangeJob, times: StageTimes = emptyStageTimes()): Promise<void> {
  if (batch.state !== 'queued') return;
  const type = typeOfBatch(ctx, batch);
  const level = isPadesLevel(batch.level) ? batch.level : 'B-B';
  let documentsOfType = await countDocumentsOfType(ctx.db, batch.agencyId, batch.typeId);
  const statusList = statusListUrl(ctx.publicUrl, batch.agencyId, batch.typeId);

  const inflight = new Set<Promise<void>>();
  const held = new Map<number, ClaimedRow>();
  const made: MadeDocument[] = [];
  const failedRows: { claimed: ClaimedRow; problem: { column: null; code: string; message: { th: string; en: string } } }[] = [];
  const attempts = new Map<number, number>();
  let fatal: unknown = null;
  let committing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    const group = made.splice(0);
    const failed = failedRows.splice(0);
    if (group.length === 0 && failed.length === 0) return committing;
    committing = committing.then(async () => {
      const t = performance.now();
      if (failed.length) {
        await withTransaction(ctx.db, async (trx) => {
          let n = 0;
          for (const f of failed) if (await completeClaimedRow(trx, batch.id, f.claimed.row, f.claimed.token, { state: 'failed', problems: [f.problem] })) n++;
          await addBatchCounts(trx, batch.id, { failed: n });
        });
      }
      const r = await commitMadeDocuments(ctx, batch, type, group);
      documentsOfType += r.issued;
      times.commitMs += performance.now() - t;
      for (const d of group) held.delete(d.claimed.row);
      for (const f of failed) held.delete(f.claimed.row);
    }).catch((e: unknown) => {
      fatal ??= e;
    });
    return committing;
  };
  const flushTimer = setInterval(() => void flush(), 50);
  // Claims are leases: renewed while this process works on them, so only a process that died loses its rows.
  const renewTimer = setInterval(() => {
    const tokens = [...new Set([...held.values()].map((c) => c.token))];
    if (tokens.length) void renewClaims(ctx.db, batch.id, tokens, new Date(ctx.now().getTime() + ctx.leaseMs)).catch(() => undefined);
  }, Math.max(1000, ctx.leaseMs / 3));

  const submit = (c: ClaimedRow) => {
    const task: RenderTask = {
      agencyId: batch.agencyId,
      typeKey: `${type.definition.id}@${type.definition.version}`,
      level,
      facts: {
        id: c.documentId,
        serial: c.serial,
        issuedAt: c.issuedAt.toISOString(),
        validUntil: c.validUntil,
        verifyUrl: `${ctx.publicUrl}/v/${c.documentId}`,
        fields: c.fields,
        status: { list: statusList, index: c.statusListIndex },
      },
    };
    const p = pool.run(task).then(async (o) => {
      if (o.ok) {
        times.documents++;
        times.renderMs += o.result.renderMs;
        times.signMs += o.result.signMs;
        times.writeMs += o.result.writeMs;
        made.push({ claimed: c, made: o.result });
        if (made.length >= COMMIT_GROUP) void flush();
      } else if (o.failure.permanent) {
        failedRows.push({ claimed: c, problem: { column: null, code: o.failure.code, message: o.failure.message } });
      } else {
        const n = (attempts.get(c.row) ?? 0) + 1;
        attempts.set(c.row, n);
        if (n >= MAX_ATTEMPTS && o.failure.code === 'worker_exit') {
          // A row that brings its worker thread down every time is the row's fault: it fails, the batch goes on.
          failedRows.push({ claimed: c, problem: { column: null, code: 'worker_crash', message: { th: 'จัดทำเอกสารจากแถวนี้ไม่สำเร็จ (กระบวนการหยุดทำงานทุกครั้ง)', en: 'Making this row\'s document stopped its worker every time' } } });
          return;
        }
        held.delete(c.row);
        await releaseClaimedRow(ctx.db, batch.id, c.row, c.token);
        // Anything else (the TSA is down) is not the row's fault: the run stops and the batch waits to be resumed.
        if (n >= MAX_ATTEMPTS) fatal ??= new AppError(o.failure.code, 503, o.failure.message);
      }
    });
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };

  try {
    for (;;) {
      if (fatal) break;
      const t = performance.now();
      const rows = await claimRows(ctx, batch, type, job, pool.capacity * 2, documentsOfType);
      times.claimMs += performance.now() - t;
      if (rows.length === 0) {
        await Promise.all(inflight);
        await flush();
        if (fatal) break;
        if (!(await hasPendingRows(ctx.db, job.batchId, job))) break;
        // Rows held by another process (or handed back for a retry): wait for them to finish or their claim to lapse.
        await sleep(500);
        continue;
      }
      const toMake = await settleKnownKeys(ctx, batch, rows);
      for (const c of toMake) {
        held.set(c.row, c);
        submit(c);
        while (inflight.size >= pool.capacity * 2) await Promise.race(inflight);
      }
    }
  } finally {
    await Promise.all(inflight);
    await flush();
    clearInterval(flushTimer);
    clearInterval(renewTimer);
    for (const c of held.values()) await releaseClaimedRow(ctx.db, batch.id, c.row, c.token).catch(() => undefined);
  }
  if (fatal) throw fatal;
}

/**
 * Rows keyed by a column the caller named may already have a document (an earlier batch, an API call): those are
 * settled without rendering — `existing` when the data is the same, failed when the key was used for other data.
 */
async function settleKnownKeys(ctx: BulkContext, batch: Batch, rows: ClaimedRow[]): Promise<ClaimedRow[]> {
  if (!batch.idempotencyColumn) return rows;
  const known = await documentsByIdempotencyKeys(ctx.db, batch.agencyId, rows.map((r) => r.idempotencyKey));
  if (known.size === 0) return rows;
  await withTransaction(ctx.db, (trx) => settleWithExistingDocuments(trx, batch, rows, known));
  return rows.filter((r) => !known.has(r.idempotencyKey));
}

import type { LoadedType } from '../doctypes/load-types.js';
import { recordIssuedDocuments, type IssuedDocumentRecord } from '../issuance/issue-document.js';
import { isPadesLevel } from '../issuance/sign-pdf.js';
import {
  addBatchCounts,
  completeClaimedRow,
  markClaimedRowsIssued,
  getDocumentByIdempotencyKey,
  isUniqueViolation,
  releaseClaimedRow,
  withTransaction,
  type Batch,
  type Executor,
  type StoredDocument,
} from '../store/index.js';
import type { BulkContext } from './bulk-context.js';
import type { ClaimedRow } from './claim-rows.js';
import { idempotencyConflictProblem } from './row-problems.js';
import type { RenderDone } from './worker/messages.js';

export interface MadeDocument {
  claimed: ClaimedRow;
  made: RenderDone;
}

export interface CommitOutcome {
  issued: number;
  existing: number;
  failed: number;
  /** Rows handed back to be made again (a status-list position taken meanwhile, a claim lost). */
  requeued: number;
}

class ClaimLost extends Error {}

function record(batch: Batch, type: LoadedType, d: MadeDocument): IssuedDocumentRecord {
  const c = d.claimed;
  return {
    id: c.documentId,
    serial: c.serial,
    type: type.definition,
    agencyId: batch.agencyId,
    fields: c.fields,
    pdfSize: d.made.pdfSize,
    pdfSha256: d.made.pdfSha256,
    issuedAt: c.issuedAt,
    validUntil: c.validUntil,
    level: isPadesLevel(batch.level) ? batch.level : 'B-B',
    idempotencyKey: c.idempotencyKey,
    requestHash: c.requestHash,
    actor: batch.actor,
    statusListIndex: c.statusListIndex,
  };
}

/** The registry rows of made documents and their rows' `issued` marks, inside `trx`; ClaimLost when a row was taken over. */
async function recordGroup(trx: Executor, ctx: BulkContext, batch: Batch, type: LoadedType, group: readonly MadeDocument[]): Promise<void> {
  await recordIssuedDocuments(trx, group.map((d) => record(batch, type, d)));
  const marked = await markClaimedRowsIssued(trx, batch.id, group.map((d) => ({ row: d.claimed.row, token: d.claimed.token })), ctx.nodeId);
  if (marked !== group.length) throw new ClaimLost();
  await addBatchCounts(trx, batch.id, { issued: group.length });
}

/**
 * Rows whose key already names a document (an earlier batch, an API call) take no new one: `existing` when the data is
 * the same, failed with idempotency_conflict when the key was used for other data. Inside `trx`; counts what changed.
 */
export async function settleWithExistingDocuments(
  trx: Executor,
  batch: Batch,
  rows: readonly ClaimedRow[],
  known: ReadonlyMap<string, StoredDocument>,
): Promise<{ existing: number; failed: number }> {
  let existing = 0;
  let failed = 0;
  for (const r of rows) {
    const doc = known.get(r.idempotencyKey);
    if (!doc) continue;
    const same = doc.requestHash === r.requestHash;
    const done = await completeClaimedRow(trx, batch.id, r.row, r.token, same
      ? { state: 'existing', documentId: doc.id }
      : { state: 'failed', problems: [idempotencyConflictProblem(batch.idempotencyColumn, doc.id)] });
    if (done && same) existing++;
    else if (done) failed++;
  }
  await addBatchCounts(trx, batch.id, { existing, failed });
  return { existing, failed };
}

/**
 * Commits made documents: one transaction for the whole group (the fast path), each row's document and its `issued`
 * mark together. When the group fails (a unique position taken meanwhile, a claim lost to another process), the rows
 * are committed one by one so only the row concerned is held back.
 */
export async function commitMadeDocuments(ctx: BulkContext, batch: Batch, type: LoadedType, group: readonly MadeDocument[]): Promise<CommitOutcome> {
  const out: CommitOutcome = { issued: 0, existing: 0, failed: 0, requeued: 0 };
  if (group.length === 0) return out;
  try {
    await withTransaction(ctx.db, (trx) => recordGroup(trx, ctx, batch, type, group));
    out.issued = group.length;
    ctx.afterCommit();
    return out;
  } catch (e) {
    if (group.length === 1 && !(e instanceof ClaimLost) && !isUniqueViolation(e)) throw e;
  }
  for (const d of group) {
    const c = d.claimed;
    try {
      await withTransaction(ctx.db, (trx) => recordGroup(trx, ctx, batch, type, [d]));
      out.issued++;
    } catch (e) {
      if (e instanceof ClaimLost) {
        // Another process owns the row now and will make its document again under the same id.
        out.requeued++;
      } else if (isUniqueViolation(e)) {
        const existing = await getDocumentByIdempotencyKey(ctx.db, batch.agencyId, c.idempotencyKey);
        if (existing) {
          // The key was used meanwhile (another batch, an API call): this row's PDF is not needed.
          const r = await withTransaction(ctx.db, (trx) => settleWithExistingDocuments(trx, batch, [c], new Map([[c.idempotencyKey, existing]])));
          await ctx.blobs.delete(c.documentId).catch(() => undefined);
          out.existing += r.existing;
          out.failed += r.failed;
        } else {
          // The status-list position was taken by a document issued meanwhile: pick another and make it again.
          await releaseClaimedRow(ctx.db, batch.id, c.row, c.token, true);
          out.requeued++;
        }
      } else {
        throw e;
      }
    }
  }
  if (out.issued) ctx.afterCommit();
  return out;
}

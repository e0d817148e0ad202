import { randomBytes } from 'node:crypto';
import { validUntilFor } from '../domain/document-type.js';
import { newDocumentId } from '../domain/identifiers.js';
import { bangkokYear, formatSerial } from '../domain/serial.js';
import type { LoadedType } from '../doctypes/load-types.js';
import {
  completeClaimedRow,
  markRowsClaimed,
  addBatchCounts,
  reserveSerialNumbers,
  selectClaimableRows,
  withTransaction,
  type Batch,
  type BatchRow,
  type RowClaim,
} from '../store/index.js';
import { chooseStatusListIndexes } from '../issuance/status-list-index.js';
import type { BulkContext } from './bulk-context.js';
import { pastValidityProblem } from './row-problems.js';

/** A row taken by this process, with everything reserved for its document. */
export interface ClaimedRow {
  row: number;
  token: string;
  fields: Record<string, unknown>;
  requestHash: string;
  idempotencyKey: string;
  documentId: string;
  serial: string;
  statusListIndex: number;
  issuedAt: Date;
  validUntil: string | null;
}

/** How long a claim holds before another process may take the row over (a claimer that died). */
export const DEFAULT_LEASE_MS = 120_000;

/**
 * Claims up to `limit` pending rows of a batch range and reserves, in the same transaction, each row's serial number
 * (a block from the agency/type counter), a free random status-list position and a document id. A row that was
 * claimed before (its claimer died) keeps the numbers it already had, so a document killed half-way is made again
 * with the same serial, position and id — no gaps, no second PDF under another name.
 */
export async function claimRows(
  ctx: BulkContext,
  batch: Batch,
  type: LoadedType,
  range: { fromRow: number; toRow: number },
  limit: number,
  documentsOfType: number,
): Promise<ClaimedRow[]> {
  const token = randomBytes(12).toString('base64url');
  const now = ctx.now();
  const def = type.definition;
  const claimed = await withTransaction(ctx.db, async (trx) => {
    const rows = await selectClaimableRows(trx, batch.id, range, limit, now, ctx.dialect);
    if (rows.length === 0) return [];
    const fresh = rows.filter((r) => r.serial === null);
    const year = bangkokYear(now);
    let sequence = fresh.length ? await reserveSerialNumbers(trx, batch.agencyId, batch.typeId, year, fresh.length) : 0;
    const needIndex = rows.filter((r) => r.statusListIndex === null).length;
    const indexes = await chooseStatusListIndexes(trx, batch.agencyId, batch.typeId, needIndex, documentsOfType + limit);
    const claims: (RowClaim & { r: BatchRow })[] = rows.map((r) => ({
      r,
      row: r.row,
      documentId: r.documentId ?? newDocumentId(),
      serial: r.serial ?? formatSerial(def.serial.pattern, { sequence: sequence++, year }),
      statusListIndex: r.statusListIndex ?? indexes.pop()!,
      // A re-made document is dated when it is re-made; its serial keeps the year it was reserved in.
      issuedAt: now.toISOString(),
    }));
    await markRowsClaimed(trx, batch.id, token, new Date(now.getTime() + ctx.leaseMs), claims);
    // An expiry date already past cannot be issued: the row fails here, before anything is rendered.
    const out: ClaimedRow[] = [];
    let expired = 0;
    for (const c of claims) {
      const fields = c.r.data ?? {};
      const validUntil = validUntilFor(def.validity, fields, now);
      if (validUntil !== null && Date.parse(validUntil) < now.getTime()) {
        const problem = pastValidityProblem(type);
        await completeClaimedRow(trx, batch.id, c.row, token, { state: 'failed', problems: [problem] });
        expired++;
        continue;
      }
      out.push({
        row: c.row,
        token,
        fields,
        requestHash: c.r.requestHash ?? '',
        idempotencyKey: c.r.idempotencyKey,
        documentId: c.documentId,
        serial: c.serial,
        statusListIndex: c.statusListIndex,
        issuedAt: now,
        validUntil,
      });
    }
    if (expired) await addBatchCounts(trx, batch.id, { failed: expired });
    return out;
  });
  return claimed;
}

import { sql } from 'kysely';
import type { Executor } from '../db/transaction.js';
import type { BatchRowsTable, BatchesTable } from '../db/schema.js';
import { integer, nowIso, oneOf, optionalText, slug, text } from '../validate.js';

export const BATCH_STATES = ['receiving', 'queued', 'completed', 'failed'] as const;
export type BatchState = (typeof BATCH_STATES)[number];
export const ROW_STATES = ['pending', 'issued', 'existing', 'failed'] as const;
export type RowState = (typeof ROW_STATES)[number];

export interface RowProblemRecord {
  column: string | null;
  code: string;
  message: { th: string; en: string };
}

export interface Batch {
  id: string;
  agencyId: string;
  typeId: string;
  typeVersion: number;
  level: string;
  sourceName: string;
  format: string;
  clientKey: string | null;
  idempotencyColumn: string | null;
  state: BatchState;
  totalRows: number;
  issuedRows: number;
  existingRows: number;
  failedRows: number;
  actor: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface BatchRow {
  batchId: string;
  row: number;
  state: RowState;
  idempotencyKey: string;
  requestHash: string | null;
  data: Record<string, unknown> | null;
  problems: RowProblemRecord[];
  documentId: string | null;
  serial: string | null;
  statusListIndex: number | null;
  issuedAt: string | null;
  claimToken: string | null;
  issuedBy: string | null;
}

const toBatch = (r: BatchesTable): Batch => ({
  id: r.id,
  agencyId: r.agency_id,
  typeId: r.type_id,
  typeVersion: Number(r.type_version),
  level: r.level,
  sourceName: r.source_name,
  format: r.format,
  clientKey: r.client_key,
  idempotencyColumn: r.idempotency_column,
  state: r.state as BatchState,
  totalRows: Number(r.total_rows),
  issuedRows: Number(r.issued_rows),
  existingRows: Number(r.existing_rows),
  failedRows: Number(r.failed_rows),
  actor: r.actor,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  completedAt: r.completed_at,
});

const toRow = (r: BatchRowsTable): BatchRow => ({
  batchId: r.batch_id,
  row: Number(r.row_number),
  state: r.state as RowState,
  idempotencyKey: r.idempotency_key,
  requestHash: r.request_hash,
  data: r.data_json ? (JSON.parse(r.data_json) as Record<string, unknown>) : null,
  problems: r.problems_json ? (JSON.parse(r.problems_json) as RowProblemRecord[]) : [],
  documentId: r.document_id,
  serial: r.serial,
  statusListIndex: r.status_list_index === null ? null : Number(r.status_list_index),
  issuedAt: r.issued_at,
  claimToken: r.claim_token,
  issuedBy: r.issued_by,
});

export type NewBatch = Pick<Batch, 'id' | 'agencyId' | 'typeId' | 'typeVersion' | 'level' | 'sourceName' | 'format' | 'clientKey' | 'idempotencyColumn' | 'actor'>;

export async function insertBatch(db: Executor, b: NewBatch): Promise<Batch> {
  const now = nowIso();
  const row: BatchesTable = {
    id: text('batch.id', b.id, { max: 64 }),
    agency_id: slug('batch.agencyId', b.agencyId),
    type_id: slug('batch.typeId', b.typeId),
    type_version: integer('batch.typeVersion', b.typeVersion, 1, 1_000_000),
    level: text('batch.level', b.level, { max: 8 }),
    source_name: text('batch.sourceName', b.sourceName, { max: 300 }),
    format: oneOf('batch.format', b.format, ['csv', 'jsonl'] as const),
    client_key: optionalText('batch.clientKey', b.clientKey, { max: 200 }),
    idempotency_column: optionalText('batch.idempotencyColumn', b.idempotencyColumn, { max: 200 }),
    state: 'receiving',
    total_rows: 0,
    issued_rows: 0,
    existing_rows: 0,
    failed_rows: 0,
    actor: text('batch.actor', b.actor, { max: 200 }),
    created_at: now,
    updated_at: now,
    completed_at: null,
  };
  await db.insertInto('batches').values(row).execute();
  return toBatch(row);
}

export async function getBatch(db: Executor, id: string): Promise<Batch | null> {
  const r = await db.selectFrom('batches').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toBatch(r) : null;
}

export async function getBatchByClientKey(db: Executor, agencyId: string, clientKey: string): Promise<Batch | null> {
  const r = await db.selectFrom('batches').selectAll().where('agency_id', '=', agencyId).where('client_key', '=', clientKey).executeTakeFirst();
  return r ? toBatch(r) : null;
}

/** Batches that still have rows to issue (for a process that starts, or a queue that lost its jobs). */
export async function listQueuedBatches(db: Executor): Promise<Batch[]> {
  return (await db.selectFrom('batches').selectAll().where('state', '=', 'queued').orderBy('created_at').execute()).map(toBatch);
}

export async function listBatches(db: Executor, agencyId: string, limit = 50): Promise<Batch[]> {
  return (await db.selectFrom('batches').selectAll().where('agency_id', '=', agencyId).orderBy('created_at', 'desc').limit(limit).execute()).map(toBatch);
}

export async function setBatchState(db: Executor, id: string, state: BatchState, totalRows?: number): Promise<void> {
  const now = nowIso();
  await db
    .updateTable('batches')
    .set({
      state: oneOf('batch.state', state, BATCH_STATES),
      updated_at: now,
      ...(totalRows !== undefined ? { total_rows: integer('batch.totalRows', totalRows, 0, 100_000_000) } : {}),
      ...(state === 'completed' || state === 'failed' ? { completed_at: now } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Adds to the batch's counters (in the transaction that changed the rows, so counters and rows agree). */
export async function addBatchCounts(db: Executor, id: string, d: { issued?: number; existing?: number; failed?: number }): Promise<void> {
  if (!d.issued && !d.existing && !d.failed) return;
  await db
    .updateTable('batches')
    .set({
      issued_rows: sql<number>`issued_rows + ${d.issued ?? 0}`,
      existing_rows: sql<number>`existing_rows + ${d.existing ?? 0}`,
      failed_rows: sql<number>`failed_rows + ${d.failed ?? 0}`,
      updated_at: nowIso(),
    })
    .where('id', '=', id)
    .execute();
}

export interface NewBatchRow {
  row: number;
  idempotencyKey: string;
  /** Validated fields and their request hash, or null when the row failed validation. */
  data: Record<string, unknown> | null;
  requestHash: string | null;
  problems: RowProblemRecord[];
}

/**
 * Stores rows as read. A row whose idempotency key repeats one already in the batch is stored as failed under a
 * key made unique by its row number; the row numbers of such repeats are returned with the row that had the key.
 */
export async function insertBatchRows(trx: Executor, batchId: string, rows: readonly NewBatchRow[]): Promise<{ row: number; firstRow: number }[]> {
  if (rows.length === 0) return [];
  const repeats: { row: number; firstRow: number }[] = [];
  const seen = new Map<string, number>();
  const unique: NewBatchRow[] = [];
  for (const r of rows) {
    const first = seen.get(r.idempotencyKey);
    if (first !== undefined) repeats.push({ row: r.row, firstRow: first });
    else {
      seen.set(r.idempotencyKey, r.row);
      unique.push(r);
    }
  }
  const values = (r: NewBatchRow, key: string, state: RowState, problems: RowProblemRecord[]) => ({
    batch_id: batchId,
    row_number: r.row,
    state,
    idempotency_key: key,
    request_hash: state === 'failed' ? null : r.requestHash,
    data_json: state === 'failed' ? null : JSON.stringify(r.data),
    problems_json: problems.length ? JSON.stringify(problems) : null,
    document_id: null,
    serial: null,
    status_list_index: null,
    issued_at: null,
    claim_token: null,
    claimed_until: null,
    issued_by: null,
  });
  // Keys repeated across chunks collide with rows of earlier chunks: find those before inserting.
  const earlier = await trx
    .selectFrom('batch_rows')
    .select(['idempotency_key', 'row_number'])
    .where('batch_id', '=', batchId)
    .where('idempotency_key', 'in', unique.map((r) => r.idempotencyKey))
    .execute();
  const earlierRow = new Map(earlier.map((e) => [e.idempotency_key, Number(e.row_number)]));
  const fresh = unique.filter((r) => {
    const first = earlierRow.get(r.idempotencyKey);
    if (first === undefined) return true;
    repeats.push({ row: r.row, firstRow: first });
    return false;
  });
  const firstOf = new Map(repeats.map((x) => [x.row, x.firstRow]));
  const all = [
    ...fresh.map((r) => values(r, r.idempotencyKey, r.data ? 'pending' : 'failed', r.problems)),
    ...rows
      .filter((r) => firstOf.has(r.row))
      .map((r) => values(r, `#repeat:${r.row}:${r.idempotencyKey}`.slice(0, 400), 'failed', [...r.problems, repeatProblem(firstOf.get(r.row)!)])),
  ];
  // Multi-row inserts, bounded so PostgreSQL's 65,535-parameter limit is never reached.
  for (let i = 0; i < all.length; i += 400) await trx.insertInto('batch_rows').values(all.slice(i, i + 400)).execute();
  return repeats;
}

function repeatProblem(firstRow: number): RowProblemRecord {
  return {
    column: null,
    code: 'duplicate_key',
    message: { th: `คีย์ของแถวนี้ซ้ำกับแถวที่ ${firstRow} จึงไม่ออกเอกสารซ้ำ`, en: `This row's key repeats row ${firstRow}; no second document is issued` },
  };
}

/**
 * Pending rows in [fromRow, toRow] that nobody holds (no claim, or a lapsed one), oldest first. On PostgreSQL the
 * rows are locked and rows locked by another transaction skipped, so two claimers never take the same row.
 */
export async function selectClaimableRows(
  trx: Executor,
  batchId: string,
  range: { fromRow: number; toRow: number },
  limit: number,
  now: Date,
  dialect: 'sqlite' | 'postgres',
): Promise<BatchRow[]> {
  // SQLite would walk the primary key (batch_id, row_number) over every issued row before the first pending one — a
  // claim that slows as the batch grows (8.6 ms per document at 100,000 rows). The unary plus keeps the row range out
  // of index selection, so it walks the (batch_id, state, row_number) index: pending rows only, already in order.
  const rowNumber = dialect === 'sqlite' ? sql<number>`+row_number` : sql<number>`row_number`;
  let q = trx
    .selectFrom('batch_rows')
    .selectAll()
    .where('batch_id', '=', batchId)
    .where('state', '=', 'pending')
    .where(rowNumber, '>=', range.fromRow)
    .where(rowNumber, '<=', range.toRow)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now.toISOString())]))
    .orderBy('row_number')
    .limit(limit);
  if (dialect === 'postgres') q = q.forUpdate().skipLocked();
  return (await q.execute()).map(toRow);
}

export interface RowClaim {
  row: number;
  documentId: string;
  serial: string;
  statusListIndex: number;
  issuedAt: string;
}

/** Records a claim with its reservations (one UPDATE per row: each row gets its own numbers). */
export async function markRowsClaimed(trx: Executor, batchId: string, token: string, until: Date, claims: readonly RowClaim[]): Promise<void> {
  for (const c of claims) {
    await trx
      .updateTable('batch_rows')
      .set({
        claim_token: token,
        claimed_until: until.toISOString(),
        document_id: c.documentId,
        serial: c.serial,
        status_list_index: c.statusListIndex,
        issued_at: c.issuedAt,
      })
      .where('batch_id', '=', batchId)
      .where('row_number', '=', c.row)
      .where('state', '=', 'pending')
      .execute();
  }
}

/** Marks a claimed row done; false when the claim was lost meanwhile (another worker took the row over). */
export async function completeClaimedRow(
  trx: Executor,
  batchId: string,
  row: number,
  token: string,
  outcome: { state: 'issued' | 'existing' | 'failed'; documentId?: string | null; problems?: RowProblemRecord[]; by?: string },
): Promise<boolean> {
  const r = await trx
    .updateTable('batch_rows')
    .set({
      state: outcome.state,
      claim_token: null,
      claimed_until: null,
      data_json: null,
      ...(outcome.documentId !== undefined ? { document_id: outcome.documentId } : {}),
      ...(outcome.state === 'failed' ? { document_id: null, serial: null, status_list_index: null } : {}),
      ...(outcome.problems?.length ? { problems_json: JSON.stringify(outcome.problems) } : {}),
      ...(outcome.by ? { issued_by: outcome.by } : {}),
    })
    .where('batch_id', '=', batchId)
    .where('row_number', '=', row)
    .where('state', '=', 'pending')
    .where('claim_token', '=', token)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Marks claimed rows issued in one statement (their document ids were reserved in the claim). Returns how many rows
 * were still held under their claims: fewer than asked means one was taken over, and the caller rolls back.
 */
export async function markClaimedRowsIssued(trx: Executor, batchId: string, rows: readonly { row: number; token: string }[], by: string): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await trx
    .updateTable('batch_rows')
    // The row's copy of the data goes once the document (which holds it) exists: one copy of personal data, not two.
    .set({ state: 'issued', claim_token: null, claimed_until: null, issued_by: by, data_json: null })
    .where('batch_id', '=', batchId)
    .where('state', '=', 'pending')
    .where('row_number', 'in', rows.map((x) => x.row))
    .where('claim_token', 'in', [...new Set(rows.map((x) => x.token))])
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Gives a claimed row back (e.g. a transient failure): it keeps its reservations and is claimable again at once. */
export async function releaseClaimedRow(db: Executor, batchId: string, row: number, token: string, dropStatusIndex = false): Promise<void> {
  await db
    .updateTable('batch_rows')
    .set({ claim_token: null, claimed_until: null, ...(dropStatusIndex ? { status_list_index: null } : {}) })
    .where('batch_id', '=', batchId)
    .where('row_number', '=', row)
    .where('claim_token', '=', token)
    .execute();
}

/** Rows in order, a page at a time (results CSV, zip). */
export async function listBatchRows(db: Executor, batchId: string, afterRow: number, limit: number): Promise<BatchRow[]> {
  return (
    await db
      .selectFrom('batch_rows')
      .selectAll()
      .where('batch_id', '=', batchId)
      .where('row_number', '>', afterRow)
      .orderBy('row_number')
      .limit(limit)
      .execute()
  ).map(toRow);
}

/**
 * Status-list positions reserved by pending batch rows of an agency/type (so nobody else takes them meanwhile).
 * Looked up by position only — the one index that stays selective however many rows are pending — and filtered here:
 * a join let the planner walk every pending row of the batch for each claim.
 */
export async function reservedStatusIndexes(db: Executor, agencyId: string, typeId: string, among: readonly number[]): Promise<Set<number>> {
  if (among.length === 0) return new Set();
  const rows = await db
    .selectFrom('batch_rows')
    .select(['batch_id', 'state', 'status_list_index'])
    .where('status_list_index', 'in', among)
    .execute();
  const pending = rows.filter((r) => r.state === 'pending');
  if (pending.length === 0) return new Set();
  const ours = new Set(
    (
      await db
        .selectFrom('batches')
        .select('id')
        .where('agency_id', '=', agencyId)
        .where('type_id', '=', typeId)
        .where('id', 'in', [...new Set(pending.map((r) => r.batch_id))])
        .execute()
    ).map((b) => b.id),
  );
  return new Set(pending.filter((r) => ours.has(r.batch_id)).map((r) => Number(r.status_list_index)));
}

/** Extends the leases of claims this process still works on. */
export async function renewClaims(db: Executor, batchId: string, tokens: readonly string[], until: Date): Promise<void> {
  if (tokens.length === 0) return;
  await db.updateTable('batch_rows').set({ claimed_until: until.toISOString() }).where('batch_id', '=', batchId).where('claim_token', 'in', tokens).execute();
}

/** Drops every claim on a batch's rows (an operator resuming a batch whose process is known to be gone). */
export async function releaseAllClaims(db: Executor, batchId: string): Promise<number> {
  const r = await db
    .updateTable('batch_rows')
    .set({ claim_token: null, claimed_until: null })
    .where('batch_id', '=', batchId)
    .where('claim_token', 'is not', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function hasPendingRows(db: Executor, batchId: string, range?: { fromRow: number; toRow: number }): Promise<boolean> {
  let q = db.selectFrom('batch_rows').select('row_number').where('batch_id', '=', batchId).where('state', '=', 'pending');
  if (range) q = q.where('row_number', '>=', range.fromRow).where('row_number', '<=', range.toRow);
  return (await q.limit(1).executeTakeFirst()) !== undefined;
}

/** The last row number of a batch (0 when empty). */
export async function lastRowNumber(db: Executor, batchId: string): Promise<number> {
  const r = await db.selectFrom('batch_rows').select(sql<number>`max(row_number)`.as('m')).where('batch_id', '=', batchId).executeTakeFirst();
  return Number(r?.m ?? 0);
}

/** Marks a queued batch completed once no row is pending; true when this call completed it. */
export async function completeBatchIfDone(db: Executor, batchId: string): Promise<boolean> {
  if (await hasPendingRows(db, batchId)) return false;
  const now = nowIso();
  const r = await db
    .updateTable('batches')
    .set({ state: 'completed', completed_at: now, updated_at: now })
    .where('id', '=', batchId)
    .where('state', '=', 'queued')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Removes a batch that was never completely received (its rows first; no document refers to them yet). */
export async function deleteBatch(db: Executor, batchId: string): Promise<void> {
  await db.deleteFrom('batch_rows').where('batch_id', '=', batchId).execute();
  await db.deleteFrom('batches').where('id', '=', batchId).execute();
}

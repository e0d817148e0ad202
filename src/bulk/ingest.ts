import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/canonical-json.js';
import { AppError } from '../domain/errors.js';
import { newDocumentId } from '../domain/identifiers.js';
import type { LoadedType } from '../doctypes/load-types.js';
import { notEntitled, unknownAgency, unknownType } from '../issuance/issue-document.js';
import type { PadesLevel } from '../issuance/sign-pdf.js';
import {
  addBatchCounts,
  deleteBatch,
  getAgency,
  getBatchByClientKey,
  insertBatch,
  insertBatchRows,
  isEntitled,
  setBatchState,
  withTransaction,
  type Batch,
  type NewBatchRow,
  type RowProblemRecord,
} from '../store/index.js';
import type { BulkContext } from './bulk-context.js';
import { checkColumns, fieldsOf, readRows, rowProblemsFromValidation, unknownKeys, type InputFormat } from './input/index.js';
import { emptyKeyProblem, keyTooLongProblem } from './row-problems.js';

export interface NewBatchRequest {
  agencyId: string;
  typeId: string;
  format: InputFormat;
  /** File name shown in lists and results (display only). */
  sourceName: string;
  source: AsyncIterable<Uint8Array | string>;
  /** A column whose value is the row's idempotency key; default: batch id + row number. */
  idempotencyColumn?: string | undefined;
  /** The caller's key for the whole batch: submitting again with it returns the same batch. */
  clientKey?: string | undefined;
  level: PadesLevel;
  actor: string;
  /** Called every few hundred rows while the file is read. */
  onRowsRead?: (rows: number) => void;
}

/** Rows stored per transaction while reading. */
const INGEST_CHUNK = 500;
const MAX_KEY_LENGTH = 200;

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** The hash of a document request, the same as single issuance computes, so a row and an API call can be compared. */
export function requestHashOf(type: LoadedType, fields: Record<string, unknown>): string {
  const def = type.definition;
  return sha256Hex(canonicalJson({ type: def.id, version: def.version, data: fields }));
}

function checkRequest(ctx: BulkContext, req: NewBatchRequest): LoadedType {
  const type = ctx.types.get(req.typeId);
  if (!type) throw unknownType(req.typeId);
  if (req.level !== 'B-B' && !ctx.signing.timestamper) {
    throw new AppError('no_tsa', 503, {
      th: `ระดับ ${req.level} ต้องใช้ตราประทับเวลา แต่ยังไม่ได้ตั้งค่าผู้ให้บริการ (EKASARN_TSA_URL)`,
      en: `PAdES ${req.level} needs a time-stamping authority, and none is configured (EKASARN_TSA_URL)`,
    });
  }
  if (req.idempotencyColumn !== undefined && !/^[\p{L}\p{N}_ .-]{1,100}$/u.test(req.idempotencyColumn)) {
    throw new AppError('bad_request', 400, {
      th: 'ชื่อคอลัมน์คีย์ (idempotency column) ไม่ถูกต้อง',
      en: 'idempotencyColumn: expected a column name of 1–100 letters, digits, spaces, "_", "." or "-"',
    });
  }
  return type;
}

/**
 * Reads a batch file into the registry, streamed: every row is validated and stored (good rows `pending`, bad rows
 * `failed` with their problems) a few hundred at a time, so memory does not follow the file size. Nothing is issued
 * here. A header that does not fit the type, or a source that breaks off, removes the batch again — a batch is either
 * wholly received or absent. With a client key already used, the earlier batch is returned and the source ignored.
 */
export async function receiveBatch(ctx: BulkContext, req: NewBatchRequest): Promise<{ batch: Batch; created: boolean }> {
  const type = checkRequest(ctx, req);
  const agency = await getAgency(ctx.db, req.agencyId);
  if (!agency) throw unknownAgency(req.agencyId);
  if (!(await isEntitled(ctx.db, agency.id, type.definition.id))) throw notEntitled(agency.id, type.definition);
  if (req.clientKey) {
    const earlier = await getBatchByClientKey(ctx.db, agency.id, req.clientKey);
    if (earlier && earlier.state !== 'receiving') return { batch: earlier, created: false };
    // An earlier upload with this key broke off while it was read: nothing of it was issued, so it is read anew.
    if (earlier) await deleteBatch(ctx.db, earlier.id);
  }
  const batch = await insertBatch(ctx.db, {
    id: newDocumentId(),
    agencyId: agency.id,
    typeId: type.definition.id,
    typeVersion: type.definition.version,
    level: req.level,
    sourceName: req.sourceName,
    format: req.format,
    clientKey: req.clientKey ?? null,
    idempotencyColumn: req.idempotencyColumn ?? null,
    actor: req.actor,
  });
  const columnOpts = req.idempotencyColumn ? { idempotencyColumn: req.idempotencyColumn } : {};
  let total = 0;
  let failed = 0;
  let chunk: NewBatchRow[] = [];
  const store = async () => {
    const rows = chunk;
    chunk = [];
    await withTransaction(ctx.db, async (trx) => {
      const repeats = await insertBatchRows(trx, batch.id, rows);
      failed += repeats.length;
    });
    req.onRowsRead?.(total);
  };
  try {
    for await (const r of readRows(req.source, req.format, { onHeader: (cols) => checkColumns(cols, type, columnOpts) })) {
      total++;
      chunk.push(toBatchRow(batch, type, r, req.idempotencyColumn));
      if (chunk[chunk.length - 1]!.data === null) failed++;
      if (chunk.length >= INGEST_CHUNK) await store();
    }
    if (chunk.length) await store();
    await withTransaction(ctx.db, async (trx) => {
      await addBatchCounts(trx, batch.id, { failed });
      await setBatchState(trx, batch.id, 'queued', total);
    });
  } catch (e) {
    await deleteBatch(ctx.db, batch.id).catch(() => undefined);
    throw e;
  }
  return { batch: { ...batch, state: 'queued', totalRows: total, failedRows: failed }, created: true };
}

function toBatchRow(
  batch: Batch,
  type: LoadedType,
  source: { row: number; values: Record<string, unknown> } | { row: number; problem: RowProblemRecord },
  idempotencyColumn: string | undefined,
): NewBatchRow {
  const row = source.row;
  const fallbackKey = `batch:${batch.id}:${row}`;
  const failed = (problems: RowProblemRecord[], key = fallbackKey): NewBatchRow => ({ row, idempotencyKey: key, data: null, requestHash: null, problems });
  if ('problem' in source) return failed([source.problem]);
  const opts = idempotencyColumn ? { idempotencyColumn } : {};
  let key = fallbackKey;
  if (idempotencyColumn) {
    const raw = source.values[idempotencyColumn];
    const value = raw === undefined || raw === null ? '' : String(raw).trim();
    if (value === '') return failed([emptyKeyProblem(idempotencyColumn)]);
    if (value.length > MAX_KEY_LENGTH) return failed([keyTooLongProblem(idempotencyColumn)]);
    key = value;
  }
  const unknown = batch.format === 'jsonl' ? unknownKeys(source.values, type, opts) : [];
  const fields = fieldsOf(source.values, type, opts);
  const checked = type.validate(fields);
  // The schema may already refuse unknown keys (additionalProperties: false): say it once per key.
  const reported = new Set(checked.ok ? [] : checked.errors.map((e) => e.field));
  const problems: RowProblemRecord[] = unknown.filter((k) => !reported.has(k)).map((k) => ({
    column: k,
    code: 'unknown_field',
    message: { th: `"${k}" ไม่ใช่ข้อมูลของเอกสารประเภทนี้`, en: `"${k}" is not a field of this document type` },
  }));
  if (!checked.ok) problems.push(...rowProblemsFromValidation(checked.errors, type));
  if (problems.length) return failed(problems, key);
  return { row, idempotencyKey: key, data: checked.ok ? checked.value : null, requestHash: requestHashOf(type, fields), problems: [] };
}

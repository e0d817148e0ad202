import { DOCUMENT_STATUSES, type DocumentStatus } from '../../domain/lifecycle.js';
import type { Executor } from '../db/transaction.js';
import type { DocumentRow } from '../db/schema.js';
import {
  integer,
  json,
  nowIso,
  OPAQUE_ID_PATTERN,
  oneOf,
  optionalText,
  optionalTimestamp,
  sha256Hex,
  slug,
  text,
  timestamp,
} from '../validate.js';

export const SUBJECT_KINDS = ['citizen', 'juristic'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];


/** Lifecycle states (rules in src/domain/lifecycle.ts; written by src/lifecycle). */
export { DOCUMENT_STATUSES, type DocumentStatus };

export interface StoredDocument {
  /** Unguessable, URL-safe (≥ 128 random bits); also the blob key of the PDF. */
  id: string;
  /** Human serial printed on the document; unique within the agency. */
  serial: string;
  typeId: string;
  typeVersion: number;
  agencyId: string;
  subjectKind: SubjectKind;
  /** Citizen or juristic-person ID: personal data. Never copy it into audit events or the transparency log. */
  subjectId: string;
  data: unknown;
  pdfSha256: string;
  pdfSize: number;
  status: DocumentStatus;
  issuedAt: string;
  validUntil: string | null;
  idempotencyKey: string | null;
  /** Digest of the request that created the document, to tell a retry from a different request reusing a key. */
  requestHash: string | null;
  /** Blob holding the latest PDF version (the id itself for version 1). */
  blobKey: string;
  /** Why the status last changed, when, and the replacing document (superseded). */
  statusReason: string | null;
  statusChangedAt: string | null;
  successorId: string | null;
  /** Internal note on the last status change. */
  statusNote: string | null;
  /** Index in the agency/type Bitstring Status List. */
  statusListIndex: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewDocumentInput {
  id: string;
  serial: string;
  typeId: string;
  typeVersion: number;
  agencyId: string;
  subjectKind: SubjectKind;
  subjectId: string;
  data: unknown;
  pdfSha256: string;
  pdfSize: number;
  /** Defaults to `active`. */
  status?: DocumentStatus;
  issuedAt: Date | string;
  validUntil?: Date | string | null;
  idempotencyKey?: string | null;
  requestHash?: string | null;
  statusListIndex?: number | null;
}

function toDocument(row: DocumentRow): StoredDocument {
  return {
    id: row.id,
    serial: row.serial,
    typeId: row.type_id,
    typeVersion: row.type_version,
    agencyId: row.agency_id,
    subjectKind: row.subject_kind as SubjectKind,
    subjectId: row.subject_id,
    data: JSON.parse(row.data_json) as unknown,
    pdfSha256: row.pdf_sha256,
    pdfSize: row.pdf_size,
    status: row.status as DocumentStatus,
    issuedAt: row.issued_at,
    validUntil: row.valid_until,
    idempotencyKey: row.idempotency_key,
    requestHash: row.request_hash,
    blobKey: row.blob_key ?? row.id,
    statusReason: row.status_reason ?? null,
    statusChangedAt: row.status_changed_at ?? null,
    successorId: row.successor_id ?? null,
    statusNote: row.status_note ?? null,
    statusListIndex: row.status_list_index ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Inserts a new document row. A duplicate id, (agency, serial) or (agency, idempotency key) is rejected by the
 * database with a unique violation (see isUniqueViolation), so two racing requests cannot both succeed.
 */
function documentRow(input: NewDocumentInput): DocumentRow {
  const now = nowIso();
  const row: DocumentRow = {
    id: text('document.id', input?.id, { pattern: OPAQUE_ID_PATTERN }),
    serial: text('document.serial', input.serial, { max: 100 }),
    type_id: slug('document.typeId', input.typeId),
    type_version: integer('document.typeVersion', input.typeVersion, 1, 1_000_000),
    agency_id: slug('document.agencyId', input.agencyId),
    subject_kind: oneOf('document.subjectKind', input.subjectKind, SUBJECT_KINDS),
    subject_id: text('document.subjectId', input.subjectId, { max: 100 }),
    data_json: json('document.data', input.data),
    pdf_sha256: sha256Hex('document.pdfSha256', input.pdfSha256),
    pdf_size: integer('document.pdfSize', input.pdfSize, 1, 2_000_000_000),
    status: oneOf('document.status', input.status ?? 'active', DOCUMENT_STATUSES),
    issued_at: timestamp('document.issuedAt', input.issuedAt),
    valid_until: optionalTimestamp('document.validUntil', input.validUntil),
    idempotency_key: optionalText('document.idempotencyKey', input.idempotencyKey, { max: 200 }),
    request_hash: optionalText('document.requestHash', input.requestHash, { max: 200 }),
    created_at: now,
    updated_at: now,
    blob_key: null,
    status_reason: null,
    status_changed_at: null,
    successor_id: null,
    status_note: null,
    status_list_index: input.statusListIndex ?? null,
  };
  return row;
}

export async function insertDocument(db: Executor, input: NewDocumentInput): Promise<StoredDocument> {
  const row = documentRow(input);
  await db.insertInto('documents').values(row).execute();
  return toDocument(row);
}

/** Several documents in one statement (bulk issuance commits a group at once); same checks as insertDocument. */
export async function insertDocuments(db: Executor, inputs: readonly NewDocumentInput[]): Promise<StoredDocument[]> {
  if (inputs.length === 0) return [];
  const rows = inputs.map(documentRow);
  await db.insertInto('documents').values(rows).execute();
  return rows.map(toDocument);
}

export async function getDocumentById(db: Executor, id: string): Promise<StoredDocument | null> {
  const row = await db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toDocument(row) : null;
}

export async function getDocumentByIdempotencyKey(db: Executor, agencyId: string, key: string): Promise<StoredDocument | null> {
  const row = await db
    .selectFrom('documents')
    .selectAll()
    .where('agency_id', '=', agencyId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  return row ? toDocument(row) : null;
}

/** Documents already issued under any of these idempotency keys (bulk: one query for a claim of rows). */
export async function documentsByIdempotencyKeys(db: Executor, agencyId: string, keys: readonly string[]): Promise<Map<string, StoredDocument>> {
  if (keys.length === 0) return new Map();
  const rows = await db.selectFrom('documents').selectAll().where('agency_id', '=', agencyId).where('idempotency_key', 'in', keys).execute();
  return new Map(rows.map((r) => [r.idempotency_key!, toDocument(r)]));
}

export async function getDocumentBySerial(db: Executor, agencyId: string, serial: string): Promise<StoredDocument | null> {
  const row = await db
    .selectFrom('documents')
    .selectAll()
    .where('agency_id', '=', agencyId)
    .where('serial', '=', serial)
    .executeTakeFirst();
  return row ? toDocument(row) : null;
}

/** Documents whose PDF has this SHA-256 (verification of an uploaded file by its digest). */
export async function findDocumentsByPdfSha256(db: Executor, pdfSha256: string): Promise<StoredDocument[]> {
  const rows = await db.selectFrom('documents').selectAll().where('pdf_sha256', '=', pdfSha256).orderBy('issued_at').execute();
  return rows.map(toDocument);
}

/** Documents printed with this serial, in any agency (a serial is unique only within its agency). At most `limit`. */
export async function findDocumentsBySerial(db: Executor, serial: string, limit = 20): Promise<StoredDocument[]> {
  const rows = await db.selectFrom('documents').selectAll().where('serial', '=', serial).orderBy('issued_at').limit(limit).execute();
  return rows.map(toDocument);
}

/**
 * Moves a document from one status to another, only if it is still in `from` (a concurrent change makes this return
 * false instead of overwriting it). Call inside the transaction that also writes the audit and log events.
 */
export async function updateDocumentStatus(
  trx: Executor,
  id: string,
  change: { from: DocumentStatus; to: DocumentStatus; reason: string | null; note: string | null; effectiveAt: string; successorId?: string | null },
): Promise<boolean> {
  const r = await trx
    .updateTable('documents')
    .set({
      status: oneOf('document.status', change.to, DOCUMENT_STATUSES),
      status_reason: optionalText('document.statusReason', change.reason, { max: 50 }),
      status_note: optionalText('document.statusNote', change.note, { max: 1000 }),
      status_changed_at: timestamp('document.statusChangedAt', change.effectiveAt),
      ...(change.successorId !== undefined ? { successor_id: change.successorId } : {}),
      updated_at: nowIso(),
    })
    .where('id', '=', id)
    .where('status', '=', change.from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Active documents whose valid-until has passed (for the expiry sweep), oldest first. */
export async function findDueForExpiry(db: Executor, now: Date, limit = 500): Promise<StoredDocument[]> {
  const rows = await db
    .selectFrom('documents')
    .selectAll()
    .where('status', '=', 'active')
    .where('valid_until', 'is not', null)
    .where('valid_until', '<', now.toISOString())
    .orderBy('valid_until')
    .limit(limit)
    .execute();
  return rows.map(toDocument);
}

/** Is this status-list position of the agency's type already taken? */
/** Which of `among` are already positions of documents of the agency/type (bulk: one query for a whole claim). */
export async function statusListIndexesTaken(db: Executor, agencyId: string, typeId: string, among: readonly number[]): Promise<number[]> {
  if (among.length === 0) return [];
  const rows = await db
    .selectFrom('documents')
    .select('status_list_index')
    .where('agency_id', '=', agencyId)
    .where('type_id', '=', typeId)
    .where('status_list_index', 'in', among)
    .execute();
  return rows.map((r) => Number(r.status_list_index));
}

/** Status and list position of every document of an agency's type that has one (to build its status list). */
export async function listStatusEntries(db: Executor, agencyId: string, typeId: string): Promise<{ index: number; status: DocumentStatus }[]> {
  const rows = await db
    .selectFrom('documents')
    .select(['status_list_index', 'status'])
    .where('agency_id', '=', agencyId)
    .where('type_id', '=', typeId)
    .where('status_list_index', 'is not', null)
    .execute();
  return rows.map((r) => ({ index: Number(r.status_list_index), status: r.status as DocumentStatus }));
}

/** How many documents an agency has of a type (sizes its status list). */
export async function countDocumentsOfType(db: Executor, agencyId: string, typeId: string): Promise<number> {
  const row = await db
    .selectFrom('documents')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('agency_id', '=', agencyId)
    .where('type_id', '=', typeId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

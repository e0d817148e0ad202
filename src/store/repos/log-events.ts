import type { Selectable } from 'kysely';
import type { Executor } from '../db/transaction.js';
import type { LogEventsTable } from '../db/schema.js';
import { LOG_EVENT_KINDS, type LogEventKind } from '../../domain/lifecycle.js';
import { oneOf, OPAQUE_ID_PATTERN, optionalText, sha256Hex, slug, text, timestamp } from '../validate.js';

/**
 * The transparency log's outbox: an issuance or status change writes its event here in the same transaction as the
 * change, so a change without its event (or the reverse) cannot exist. The integrator later assigns each event its
 * log index (in id order, without gaps) and stores the exact leaf bytes. No personal data: ids, digests, codes.
 */
export interface LogEvent {
  id: number;
  at: string;
  kind: LogEventKind;
  agencyId: string;
  typeId: string;
  documentId: string;
  pdfSha256: string;
  successorId: string | null;
  logIndex: number | null;
  leafJson: string | null;
}

export interface NewLogEvent {
  at: Date | string;
  kind: LogEventKind;
  agencyId: string;
  typeId: string;
  documentId: string;
  pdfSha256: string;
  successorId?: string | null;
}

type Row = Selectable<LogEventsTable>;

const toEvent = (r: Row): LogEvent => ({
  id: Number(r.id),
  at: r.at,
  kind: r.kind as LogEventKind,
  agencyId: r.agency_id,
  typeId: r.type_id,
  documentId: r.document_id,
  pdfSha256: r.pdf_sha256,
  successorId: r.successor_id,
  logIndex: r.log_index === null ? null : Number(r.log_index),
  leafJson: r.leaf_json,
});

export async function appendLogEvent(trx: Executor, e: NewLogEvent): Promise<number> {
  const row = await trx
    .insertInto('log_events')
    .values({
      at: timestamp('logEvent.at', e.at),
      kind: oneOf('logEvent.kind', e.kind, LOG_EVENT_KINDS),
      agency_id: slug('logEvent.agencyId', e.agencyId),
      type_id: slug('logEvent.typeId', e.typeId),
      document_id: text('logEvent.documentId', e.documentId, { pattern: OPAQUE_ID_PATTERN }),
      pdf_sha256: sha256Hex('logEvent.pdfSha256', e.pdfSha256),
      successor_id: optionalText('logEvent.successorId', e.successorId ?? null, { pattern: OPAQUE_ID_PATTERN }),
      log_index: null,
      leaf_json: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Events not yet in the tree, oldest first. */
export async function pendingLogEvents(db: Executor, limit: number): Promise<LogEvent[]> {
  const rows = await db.selectFrom('log_events').selectAll().where('log_index', 'is', null).orderBy('id').limit(limit).execute();
  return rows.map(toEvent);
}

export async function markLogEventIntegrated(trx: Executor, id: number, logIndex: number, leafJson: string): Promise<void> {
  await trx.updateTable('log_events').set({ log_index: logIndex, leaf_json: leafJson }).where('id', '=', id).where('log_index', 'is', null).execute();
}

/** Integrated events of a document, in log order. */
export async function logEventsOfDocument(db: Executor, documentId: string): Promise<LogEvent[]> {
  const rows = await db
    .selectFrom('log_events')
    .selectAll()
    .where('document_id', '=', documentId)
    .where('log_index', 'is not', null)
    .orderBy('log_index')
    .execute();
  return rows.map(toEvent);
}

/** Leaves [start, end) in index order (their exact bytes as stored). */
export async function logLeaves(db: Executor, start: number, end: number): Promise<{ index: number; leafJson: string }[]> {
  const rows = await db
    .selectFrom('log_events')
    .select(['log_index', 'leaf_json'])
    .where('log_index', '>=', start)
    .where('log_index', '<', end)
    .orderBy('log_index')
    .execute();
  return rows.map((r) => ({ index: Number(r.log_index), leafJson: r.leaf_json ?? '' }));
}

export async function getLogEvent(db: Executor, id: number): Promise<LogEvent | null> {
  const r = await db.selectFrom('log_events').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toEvent(r) : null;
}

import { sql, type Selectable } from 'kysely';
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

function logEventRow(e: NewLogEvent) {
  return {
    at: timestamp('logEvent.at', e.at),
    kind: oneOf('logEvent.kind', e.kind, LOG_EVENT_KINDS),
    agency_id: slug('logEvent.agencyId', e.agencyId),
    type_id: slug('logEvent.typeId', e.typeId),
    document_id: text('logEvent.documentId', e.documentId, { pattern: OPAQUE_ID_PATTERN }),
    pdf_sha256: sha256Hex('logEvent.pdfSha256', e.pdfSha256),
    successor_id: optionalText('logEvent.successorId', e.successorId ?? null, { pattern: OPAQUE_ID_PATTERN }),
    log_index: null,
    leaf_json: null,
  };
}

export async function appendLogEvent(trx: Executor, e: NewLogEvent): Promise<number> {
  const row = await trx.insertInto('log_events').values(logEventRow(e)).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * Several events in one statement (bulk issuance: one event per document). Returns each document's event id; the
 * order RETURNING gives is not promised, so ids are matched by document.
 */
export async function appendLogEvents(trx: Executor, es: readonly NewLogEvent[]): Promise<Map<string, number>> {
  if (es.length === 0) return new Map();
  const rows = await trx.insertInto('log_events').values(es.map(logEventRow)).returning(['id', 'document_id']).execute();
  return new Map(rows.map((r) => [r.document_id, Number(r.id)]));
}

/** Events not yet in the tree, oldest first. */
export async function pendingLogEvents(db: Executor, limit: number): Promise<LogEvent[]> {
  const rows = await db.selectFrom('log_events').selectAll().where('log_index', 'is', null).orderBy('id').limit(limit).execute();
  return rows.map(toEvent);
}

/**
 * Gives many events their index and leaf bytes in one statement per 200 (a round trip per leaf was most of the
 * integrator's time on PostgreSQL). Portable CASE form: works the same on SQLite and PostgreSQL.
 */
export async function markLogEventsIntegrated(trx: Executor, items: readonly { id: number; logIndex: number; leafJson: string }[]): Promise<void> {
  for (let i = 0; i < items.length; i += 200) {
    const chunk = items.slice(i, i + 200);
    const ids = chunk.map((c) => c.id);
    // Literal integers (they are ours, not user input) so PostgreSQL types the CASE as integer; the leaf text is a parameter.
    const int = (n: number) => sql.lit(Math.trunc(n));
    const indexCase = sql<number>`case id ${sql.join(chunk.map((c) => sql`when ${int(c.id)} then ${int(c.logIndex)}`), sql` `)} end`;
    const leafCase = sql<string>`case id ${sql.join(chunk.map((c) => sql`when ${int(c.id)} then ${c.leafJson}`), sql` `)} end`;
    const r = await trx.updateTable('log_events').set({ log_index: indexCase, leaf_json: leafCase }).where('id', 'in', ids).where('log_index', 'is', null).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== chunk.length) throw new Error(`integrating log events: ${r.numUpdatedRows} of ${chunk.length} were still pending`);
  }
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

import { sql, type SqlBool } from 'kysely';
import type { Executor } from '../db/transaction.js';
import type { AuditEventRow } from '../db/schema.js';
import { json, optionalText, slug, StoreInputError, text, timestamp } from '../validate.js';

/**
 * The audit trail: who did what, when, to which document. It is kept long and read by operators, so it must hold
 * NO personal data — no citizen IDs, names or document field values. Callers put ids, serials, digests and counts in
 * `details`, never `data`. Write the event in the same transaction as the change it records.
 */
export interface AuditEvent {
  id: number;
  at: string;
  /** Who acted: e.g. `api-key:<keyId>`, `cli`, `system`. Not a person's name or ID number. */
  actor: string;
  /** What happened, dotted lower-case: `document.issued`, `api-key.created`. */
  action: string;
  agencyId: string;
  documentId: string | null;
  details: Record<string, unknown>;
  /** Where the action came from (client IP), when it came over the network. */
  source: string | null;
}

export interface AuditEventInput {
  actor: string;
  action: string;
  agencyId: string;
  documentId?: string | null;
  details?: Record<string, unknown>;
  at?: Date | string;
  source?: string | null;
}

const ACTION_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;

function toAuditEvent(row: AuditEventRow): AuditEvent {
  return {
    id: Number(row.id),
    at: row.at,
    actor: row.actor,
    action: row.action,
    agencyId: row.agency_id,
    documentId: row.document_id,
    details: JSON.parse(row.details_json) as Record<string, unknown>,
    source: row.source,
  };
}

function auditRow(input: AuditEventInput) {
  const details = input?.details ?? {};
  if (typeof details !== 'object' || details === null || Array.isArray(details)) {
    throw new StoreInputError('auditEvent.details', 'a plain object');
  }
  return {
    at: input.at === undefined ? new Date().toISOString() : timestamp('auditEvent.at', input.at),
    actor: text('auditEvent.actor', input.actor, { max: 200 }),
    action: text('auditEvent.action', input.action, { max: 100, pattern: ACTION_PATTERN }),
    agency_id: slug('auditEvent.agencyId', input.agencyId),
    document_id: optionalText('auditEvent.documentId', input.documentId, { max: 64 }),
    details_json: json('auditEvent.details', details),
    source: optionalText('auditEvent.source', input.source, { max: 100 }),
  };
}

/** Appends one event and returns its id (ids increase with insertion order). */
export async function appendAuditEvent(trx: Executor, input: AuditEventInput): Promise<number> {
  const row = await trx.insertInto('audit_events').values(auditRow(input)).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Several events in one statement (bulk issuance); no ids returned. */
export async function appendAuditEvents(trx: Executor, inputs: readonly AuditEventInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await trx.insertInto('audit_events').values(inputs.map(auditRow)).execute();
}

/** Events, oldest first; filtered by agency and/or document. */
export async function listAuditEvents(
  db: Executor,
  filter: { agencyId?: string; documentId?: string; limit?: number } = {},
): Promise<AuditEvent[]> {
  let query = db.selectFrom('audit_events').selectAll();
  if (filter.agencyId !== undefined) query = query.where('agency_id', '=', filter.agencyId);
  if (filter.documentId !== undefined) query = query.where('document_id', '=', filter.documentId);
  const rows = await query.orderBy('id').limit(Math.min(Math.max(filter.limit ?? 1000, 1), 10_000)).execute();
  return rows.map(toAuditEvent);
}

/** Filters for reading one agency's audit trail, newest first (the console's audit view). */
export interface AuditQuery {
  agencyId: string;
  actor?: string | undefined;
  /** Exact action, e.g. `draft.approved`. */
  action?: string | undefined;
  /** Actions starting with this, e.g. `draft.` for every draft event. */
  actionPrefix?: string | undefined;
  documentId?: string | undefined;
  /** at >= fromIso */
  fromIso?: string | null | undefined;
  /** at < beforeIso */
  beforeIso?: string | null | undefined;
  /** Only events older than this id (keyset paging: pass the last id of the previous page). */
  beforeId?: number | undefined;
  limit: number;
}

/** An audit event with the acting console user's name and e-mail, when the actor is `user:<id>`. */
export interface AuditEventWithActor extends AuditEvent {
  actorName: string | null;
  actorEmail: string | null;
}

/**
 * One page of an agency's events, newest first: by time, then by id for events of the same millisecond. Keyset paging
 * after the event `beforeId` (its time is looked up), walking the (agency_id, at) index backwards — SQLite keeps the
 * rowid as the index's last column, so no sort is needed and the 100,000th event costs what the first does. (Paging by
 * id alone made SQLite sort every event of the agency for each page: 22 s to export 100,000 events, against ~3 s now.)
 */
export async function queryAuditEvents(db: Executor, q: AuditQuery): Promise<AuditEventWithActor[]> {
  let query = db.selectFrom('audit_events').selectAll().where('agency_id', '=', q.agencyId);
  if (q.actor !== undefined) query = query.where('actor', '=', q.actor);
  if (q.action !== undefined) query = query.where('action', '=', q.action);
  if (q.actionPrefix !== undefined) {
    // Actions are [a-z0-9._-] (checked on write); "_" is a LIKE wildcard, so escape it along with % and \.
    query = query.where(sql<SqlBool>`action like ${`${q.actionPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`);
  }
  if (q.documentId !== undefined) query = query.where('document_id', '=', q.documentId);
  if (q.fromIso) query = query.where('at', '>=', q.fromIso);
  if (q.beforeIso) query = query.where('at', '<', q.beforeIso);
  if (q.beforeId !== undefined) {
    const after = await db.selectFrom('audit_events').select('at').where('id', '=', q.beforeId).where('agency_id', '=', q.agencyId).executeTakeFirst();
    if (!after) return [];
    const { at } = after;
    const beforeId = q.beforeId;
    query = query.where('at', '<=', at).where((eb) => eb.or([eb('at', '<', at), eb('id', '<', beforeId)]));
  }
  const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(Math.min(Math.max(q.limit, 1), 10_000)).execute();
  const events = rows.map(toAuditEvent);

  const userIds = [...new Set(events.filter((e) => e.actor.startsWith('user:')).map((e) => e.actor.slice(5)))];
  const users = userIds.length
    ? await db.selectFrom('users').select(['id', 'display_name', 'email']).where('id', 'in', userIds).execute()
    : [];
  const byId = new Map(users.map((u) => [u.id, u]));
  return events.map((e) => {
    const u = e.actor.startsWith('user:') ? byId.get(e.actor.slice(5)) : undefined;
    return { ...e, actorName: u?.display_name ?? null, actorEmail: u?.email ?? null };
  });
}

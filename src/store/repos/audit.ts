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

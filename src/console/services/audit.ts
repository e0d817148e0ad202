import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { formulaGuarded } from '../../domain/spreadsheet-guard.js';
import { formatThaiDate } from '../../domain/thai-date.js';
import { queryAuditEvents, type AuditEventWithActor, type Executor } from '../../store/index.js';
import { requireRole, type ActingOfficer } from './acting-officer.js';
import { bangkokDayRange } from './bangkok-days.js';
import { inputError } from './input-problems.js';

export type { AuditEventWithActor } from '../../store/index.js';

/** Filters as the audit page sends them. */
export interface AuditFilters {
  actor?: unknown;
  /** Exact action (`draft.approved`) or a family (`draft.*`). */
  action?: unknown;
  documentId?: unknown;
  /** Bangkok calendar days, YYYY-MM-DD, inclusive. */
  from?: unknown;
  to?: unknown;
  limit?: unknown;
  /** The last id of the previous page. */
  beforeId?: unknown;
}

const ACTION = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;
const ACTION_FAMILY = /^([a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*)\.\*$/;
const ACTOR = /^[\x21-\x7e]{1,200}$/;
const DOCUMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

function positiveInt(field: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw inputError(field, { th: `${field} ต้องเป็นจำนวนเต็ม ${min}–${max}`, en: `${field} must be a whole number from ${min} to ${max}` }, 'range');
  }
  return n;
}

function checkedQuery(officer: ActingOfficer, f: AuditFilters) {
  const q: Parameters<typeof queryAuditEvents>[1] = { agencyId: officer.agencyId, limit: 100 };
  if (present(f.actor)) {
    if (typeof f.actor !== 'string' || !ACTOR.test(f.actor)) {
      throw inputError('actor', { th: 'ผู้กระทำต้องอยู่ในรูปแบบ เช่น user:<รหัส> หรือ apikey:<รหัส>', en: 'actor must look like user:<id>, apikey:<id>, cli or system' }, 'pattern');
    }
    q.actor = f.actor;
  }
  if (present(f.action)) {
    const family = typeof f.action === 'string' ? ACTION_FAMILY.exec(f.action) : null;
    if (family) q.actionPrefix = `${family[1]}.`;
    else if (typeof f.action === 'string' && f.action.length <= 100 && ACTION.test(f.action)) q.action = f.action;
    else throw inputError('action', { th: 'การกระทำต้องอยู่ในรูปแบบ เช่น draft.approved หรือ draft.*', en: 'action must look like draft.approved, or draft.* for the family' }, 'pattern');
  }
  if (present(f.documentId)) {
    if (typeof f.documentId !== 'string' || !DOCUMENT_ID.test(f.documentId)) {
      throw inputError('documentId', { th: 'รหัสเอกสารไม่ถูกต้อง', en: 'documentId must be a document id (letters, digits, "-" and "_")' }, 'pattern');
    }
    q.documentId = f.documentId;
  }
  const { startIso, endIso } = bangkokDayRange(f.from, f.to);
  q.fromIso = startIso;
  q.beforeIso = endIso;
  if (present(f.limit)) q.limit = positiveInt('limit', f.limit, 1, 1000);
  if (present(f.beforeId)) q.beforeId = positiveInt('beforeId', f.beforeId, 1, Number.MAX_SAFE_INTEGER);
  return q;
}

/**
 * One page of the agency's audit trail, newest first (default 100 events). Agency administrators and auditors only.
 * For the next, older page pass the last event's id as `beforeId`; a page shorter than `limit` is the last.
 */
export async function queryAudit(db: Executor, officer: ActingOfficer, filters: AuditFilters = {}): Promise<AuditEventWithActor[]> {
  requireRole(officer, 'agency_admin', 'auditor');
  return queryAuditEvents(db, checkedQuery(officer, filters ?? {}));
}

/**
 * Every event matching the filters (limit and beforeId ignored), newest first, fetched 500 at a time: an export of
 * 100,000 events holds one page in memory. The role is checked before the first page.
 */
export function auditEventsForExport(db: Executor, officer: ActingOfficer, filters: AuditFilters = {}): AsyncGenerator<AuditEventWithActor> {
  // Checked now, not at the first read: a refused export fails before the HTTP response starts.
  requireRole(officer, 'agency_admin', 'auditor');
  const q = { ...checkedQuery(officer, { ...filters, limit: undefined, beforeId: undefined }), limit: EXPORT_PAGE };
  return pages(db, q);
}

const EXPORT_PAGE = 500;

async function* pages(db: Executor, q: Parameters<typeof queryAuditEvents>[1]): AsyncGenerator<AuditEventWithActor> {
  for (;;) {
    const page = await queryAuditEvents(db, q);
    yield* page;
    if (page.length < q.limit) return;
    q.beforeId = page[page.length - 1]!.id;
  }
}

export const AUDIT_CSV_COLUMNS = ['id', 'at', 'at_thai', 'actor', 'actor_name', 'action', 'document_id', 'source', 'details'] as const;
const BOM = '\uFEFF';
// Same RFC 4180 settings as the bulk results CSV: CRLF records, and a CR or LF inside a cell is quoted.
const CSV_OPTIONS = { record_delimiter: '\r\n', quote_record_delimiter: true, eof: true } as const;

/** "15 มกราคม พ.ศ. 2568 เวลา 10:30:05 น." — Bangkok time, Buddhist era. */
export function thaiDateTime(iso: string): string {
  const t = new Date(Date.parse(iso) + 7 * 3_600_000);
  const hh = String(t.getUTCHours()).padStart(2, '0');
  const mm = String(t.getUTCMinutes()).padStart(2, '0');
  const ss = String(t.getUTCSeconds()).padStart(2, '0');
  return `${formatThaiDate(iso)} เวลา ${hh}:${mm}:${ss} น.`;
}

/** The header line, after a UTF-8 BOM (without it Excel shows Thai as mojibake). */
export function auditCsvHeader(): string {
  return BOM + stringify([[...AUDIT_CSV_COLUMNS]], CSV_OPTIONS);
}

/**
 * One CRLF-terminated record. Every cell is formula-guarded: names, e-mails and details can carry text someone typed
 * (a display name "=HYPERLINK(…)" from the identity provider). Ids the registry made never start with a formula
 * character, so the guard does not alter them.
 */
export function auditCsvLine(e: AuditEventWithActor): string {
  const cells = [
    String(e.id),
    e.at,
    thaiDateTime(e.at),
    e.actor,
    e.actorName ?? '',
    e.action,
    e.documentId ?? '',
    e.source ?? '',
    JSON.stringify(e.details),
  ].map(formulaGuarded);
  return stringify([cells], CSV_OPTIONS);
}

/**
 * The audit export: the agency's events matching the filters as a UTF-8 CSV stream (BOM, CRLF), newest first, read
 * from the database one page at a time as the response drains. Role and filters are checked before it returns.
 */
export async function auditCsv(db: Executor, officer: ActingOfficer, filters: AuditFilters = {}): Promise<Readable> {
  return auditCsvStream(auditEventsForExport(db, officer, filters));
}

/** Any events as the CSV byte stream, pulling the next event only when the reader wants more (backpressure). */
export function auditCsvStream(events: AsyncIterable<AuditEventWithActor> | Iterable<AuditEventWithActor>): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield auditCsvHeader();
    for await (const e of events) yield auditCsvLine(e);
  }
  return Readable.from(lines(), { objectMode: false });
}

import type { Kysely } from 'kysely';
import { AppError } from '../domain/errors.js';
import { isDocumentId } from '../domain/identifiers.js';
import { isStatusReason, STATUS_REASON_CODES, transition, type LifecycleAction, type StatusReason } from '../domain/lifecycle.js';
import { getDocumentById, updateDocumentStatus, withTransaction, type Database, type StoredDocument } from '../store/index.js';
import { recordDocumentEvent } from './document-events.js';

export interface LifecycleDeps {
  db: Kysely<Database>;
  publicUrl: string;
  now?: () => Date;
  /** Called after a change commits (e.g. to integrate the log and send webhooks at once rather than on the next tick). */
  afterCommit?: () => void;
}

export interface StatusChangeRequest {
  /** The caller's agency: only the issuing agency changes a document's status. */
  agencyId: string;
  documentId: string;
  reason: unknown;
  note?: unknown;
  /** ISO 8601 with a zone; default now. May lie in the past (e.g. fraud found later), not in the future. */
  effectiveAt?: unknown;
  actor: string;
  /** Client IP of a console officer, for the audit trail. */
  source?: string | null;
}

const invalid = (field: string, th: string, en: string) =>
  new AppError('validation_failed', 422, { th: 'ข้อมูลไม่ถูกต้อง', en: 'The request is invalid' }, [{ field, problem: 'invalid', message: { th, en } }]);

/** Checks the reason, note and effective time of a change; returns them normalised, or throws a 422 naming the field. */
export function validateChange(req: { reason: unknown; note?: unknown; effectiveAt?: unknown }, doc: StoredDocument, now: Date): { reason: StatusReason; note: string | null; effectiveAt: string } {
  if (!isStatusReason(req.reason)) {
    throw invalid('reason', `เหตุผลต้องเป็นหนึ่งใน ${STATUS_REASON_CODES.join(', ')}`, `reason must be one of ${STATUS_REASON_CODES.join(', ')}`);
  }
  let note: string | null = null;
  if (req.note !== undefined && req.note !== null) {
    if (typeof req.note !== 'string' || req.note.length > 1000) throw invalid('note', 'บันทึกต้องเป็นข้อความไม่เกิน 1,000 ตัวอักษร', 'note must be text of at most 1,000 characters');
    note = req.note.trim() || null;
  }
  let effective = now;
  if (req.effectiveAt !== undefined && req.effectiveAt !== null) {
    const ok = typeof req.effectiveAt === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(req.effectiveAt);
    const t = ok ? new Date(req.effectiveAt as string) : new Date(NaN);
    if (Number.isNaN(t.getTime())) throw invalid('effectiveAt', 'เวลามีผลต้องเป็นรูปแบบ ISO 8601 พร้อมเขตเวลา', 'effectiveAt must be an ISO 8601 timestamp with a zone');
    if (t.getTime() > now.getTime() + 60_000) throw invalid('effectiveAt', 'เวลามีผลต้องไม่อยู่ในอนาคต', 'effectiveAt must not be in the future');
    if (t.getTime() < Date.parse(doc.issuedAt)) throw invalid('effectiveAt', 'เวลามีผลต้องไม่ก่อนวันที่ออกเอกสาร', 'effectiveAt must not be before the document was issued');
    effective = t;
  }
  return { reason: req.reason, note, effectiveAt: effective.toISOString() };
}

export function documentNotFound(): AppError {
  return new AppError('not_found', 404, { th: 'ไม่พบเอกสาร', en: 'Document not found' });
}

/** Loads a document of the caller's agency (another agency's document is "not found", as for reads). */
export async function ownDocument(db: Kysely<Database>, agencyId: string, id: string): Promise<StoredDocument> {
  const d = isDocumentId(id) ? await getDocumentById(db, id) : null;
  if (!d || d.agencyId !== agencyId) throw documentNotFound();
  return d;
}

export function refused(message: { th: string; en: string }, current: string): AppError {
  return new AppError('invalid_transition', 409, message, { status: current });
}

/** Another request changed the document between our read and our conditional update. */
export function changedMeanwhile(current: string): AppError {
  return refused({ th: 'สถานะเอกสารเพิ่งถูกเปลี่ยนโดยคำขออื่น โปรดลองใหม่', en: 'The document status was just changed by another request; try again' }, current);
}

/**
 * Revokes, suspends or reinstates a document: the status row, the audit event, the transparency-log event and the
 * webhook deliveries in one transaction. A concurrent change to the same document makes this fail with 409 rather
 * than overwrite it.
 */
export async function changeDocumentStatus(deps: LifecycleDeps, action: Exclude<LifecycleAction, 'supersede'>, req: StatusChangeRequest): Promise<StoredDocument> {
  const now = (deps.now ?? (() => new Date()))();
  const doc = await ownDocument(deps.db, req.agencyId, req.documentId);
  const change = validateChange(req, doc, now);
  const t = transition(doc.status, action);
  if ('refused' in t) throw refused(t.refused, doc.status);
  const updated = await withTransaction(deps.db, async (trx) => {
    const ok = await updateDocumentStatus(trx, doc.id, { from: doc.status, to: t.to, reason: change.reason, note: change.note, effectiveAt: change.effectiveAt });
    if (!ok) throw changedMeanwhile(doc.status);
    await recordDocumentEvent(
      trx,
      {
        kind: t.kind,
        document: { id: doc.id, agencyId: doc.agencyId, typeId: doc.typeId, pdfSha256: doc.pdfSha256 },
        at: now,
        actor: req.actor,
        source: req.source ?? null,
        effectiveAt: change.effectiveAt,
        reason: change.reason,
        note: change.note,
      },
      deps.publicUrl,
    );
    return (await getDocumentById(trx, doc.id))!;
  });
  deps.afterCommit?.();
  return updated;
}

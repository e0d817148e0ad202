import type { LogEventKind } from '../domain/lifecycle.js';
import { activeSubscriptions, appendAuditEvent, appendAuditEvents, appendLogEvent, appendLogEvents, enqueueWebhookDelivery, type Executor } from '../store/index.js';

/** The public facts of a document an event is about (no personal data). */
export interface EventDocument {
  id: string;
  agencyId: string;
  typeId: string;
  pdfSha256: string;
}

export interface DocumentEvent {
  kind: LogEventKind;
  document: EventDocument;
  /** When it was recorded. */
  at: Date;
  actor: string;
  /** Where the action came from (client IP of a console officer), for the audit trail. */
  source?: string | null;
  /** When the change takes effect (defaults to `at`). */
  effectiveAt?: string;
  reason?: string | null;
  /** Internal note: goes to the audit trail only, never to the log or to webhooks. */
  note?: string | null;
  successorId?: string | null;
  /** Extra audit details (ids, serials, digests only). */
  audit?: Record<string, unknown>;
}

/** What a relying party receives for a status change (HMAC-signed by the dispatcher). */
export interface WebhookPayload {
  id: string;
  event: `document.${LogEventKind}`;
  occurredAt: string;
  effectiveAt: string;
  document: { id: string; agency: string; type: string; statusUrl: string };
  status: string;
  reason: string | null;
  successor: string | null;
}

const STATUS_AFTER: Record<LogEventKind, string> = {
  issued: 'active',
  revoked: 'revoked',
  suspended: 'suspended',
  reinstated: 'active',
  superseded: 'superseded',
  expired: 'expired',
};

/** The audit event of a document event: ids, type, digest and reason — the note, but never personal data. */
function auditOf(e: DocumentEvent, eventId: number, effectiveAt: string) {
  return {
    actor: e.actor,
    source: e.source ?? null,
    action: `document.${e.kind}`,
    agencyId: e.document.agencyId,
    documentId: e.document.id,
    at: e.at,
    details: {
      typeId: e.document.typeId,
      pdfSha256: e.document.pdfSha256,
      logEventId: eventId,
      ...(e.kind === 'issued' ? {} : { effectiveAt, reason: e.reason ?? null, ...(e.note ? { note: e.note } : {}) }),
      ...(e.successorId ? { successorId: e.successorId } : {}),
      ...(e.audit ?? {}),
    },
  };
}

/**
 * Issuance events of many documents at once (bulk: one statement for the log events, one for the audit events).
 * Issuances notify no webhooks, so nothing else is written.
 */
export async function recordIssuedEvents(trx: Executor, events: readonly DocumentEvent[]): Promise<void> {
  if (events.some((e) => e.kind !== 'issued')) throw new Error('recordIssuedEvents takes issuance events only');
  const ids = await appendLogEvents(
    trx,
    events.map((e) => ({ at: e.at, kind: e.kind, agencyId: e.document.agencyId, typeId: e.document.typeId, documentId: e.document.id, pdfSha256: e.document.pdfSha256, successorId: e.successorId ?? null })),
  );
  await appendAuditEvents(trx, events.map((e) => auditOf(e, ids.get(e.document.id)!, e.at.toISOString())));
}

/**
 * Writes everything one issuance or status change leaves behind, inside the caller's transaction: the transparency-log
 * event (outbox), the audit event, and — for status changes — a queued webhook delivery per subscription. Either the
 * change and all of these commit together, or none of them does.
 */
export async function recordDocumentEvent(trx: Executor, e: DocumentEvent, publicUrl: string): Promise<number> {
  const effectiveAt = e.effectiveAt ?? e.at.toISOString();
  const eventId = await appendLogEvent(trx, {
    at: e.at,
    kind: e.kind,
    agencyId: e.document.agencyId,
    typeId: e.document.typeId,
    documentId: e.document.id,
    pdfSha256: e.document.pdfSha256,
    successorId: e.successorId ?? null,
  });
  await appendAuditEvent(trx, auditOf(e, eventId, effectiveAt));
  if (e.kind !== 'issued') {
    const payload: WebhookPayload = {
      id: String(eventId),
      event: `document.${e.kind}`,
      occurredAt: e.at.toISOString(),
      effectiveAt,
      document: { id: e.document.id, agency: e.document.agencyId, type: e.document.typeId, statusUrl: `${publicUrl}/api/v1/documents/${e.document.id}/status` },
      status: STATUS_AFTER[e.kind],
      reason: e.reason ?? null,
      successor: e.successorId ?? null,
    };
    for (const s of await activeSubscriptions(trx, e.document.agencyId, e.document.typeId)) {
      await enqueueWebhookDelivery(trx, { subscriptionId: s.id, eventId, payloadJson: JSON.stringify(payload), at: e.at });
    }
  }
  return eventId;
}

import { findDueForExpiry, updateDocumentStatus, withTransaction } from '../store/index.js';
import type { LifecycleDeps } from './change-status.js';
import { recordDocumentEvent } from './document-events.js';

/**
 * Marks active documents whose valid-until has passed as expired, each with its log and audit event (effective at
 * the valid-until time). Verification already reports EXPIRED from the date alone; this makes the registry, the
 * status list and the public log say so too. Safe to run from several processes: a document changed meanwhile is
 * skipped. Returns how many were expired.
 */
export async function expireDueDocuments(deps: LifecycleDeps, limit = 500): Promise<number> {
  const now = (deps.now ?? (() => new Date()))();
  let count = 0;
  for (const doc of await findDueForExpiry(deps.db, now, limit)) {
    const changed = await withTransaction(deps.db, async (trx) => {
      const ok = await updateDocumentStatus(trx, doc.id, { from: 'active', to: 'expired', reason: null, note: null, effectiveAt: doc.validUntil! });
      if (!ok) return false;
      await recordDocumentEvent(
        trx,
        {
          kind: 'expired',
          document: { id: doc.id, agencyId: doc.agencyId, typeId: doc.typeId, pdfSha256: doc.pdfSha256 },
          at: now,
          actor: 'system',
          effectiveAt: doc.validUntil!,
        },
        deps.publicUrl,
      );
      return true;
    });
    if (changed) count++;
  }
  if (count) deps.afterCommit?.();
  return count;
}


import { issueDocument, type IssuanceDeps, type IssueResult } from '../issuance/issue-document.js';
import { transition } from '../domain/lifecycle.js';
import { getDocumentById, updateDocumentStatus, type StoredDocument } from '../store/index.js';
import { changedMeanwhile, ownDocument, refused, validateChange, type LifecycleDeps } from './change-status.js';
import { recordDocumentEvent } from './document-events.js';

export interface SupersedeRequest {
  agencyId: string;
  documentId: string;
  /** The corrected document's data (same type as the one it replaces). */
  data: unknown;
  /** Default "replaced". */
  reason?: unknown;
  note?: unknown;
  actor: string;
  source?: string | null;
}

/**
 * Issues a corrected successor and marks the old document superseded, pointing to it — in one transaction: either
 * both documents change, with their log and audit events, or neither does.
 */
export async function supersedeDocument(deps: LifecycleDeps & { issuance: IssuanceDeps }, req: SupersedeRequest): Promise<{ old: StoredDocument; successor: IssueResult }> {
  const now = (deps.now ?? (() => new Date()))();
  const old = await ownDocument(deps.db, req.agencyId, req.documentId);
  const change = validateChange({ reason: req.reason ?? 'replaced', note: req.note }, old, now);
  const t = transition(old.status, 'supersede');
  if ('refused' in t) throw refused(t.refused, old.status);
  const successor = await issueDocument(deps.issuance, {
    agencyId: req.agencyId,
    typeId: old.typeId,
    data: req.data,
    actor: req.actor,
    source: req.source ?? null,
    alsoInTransaction: async (trx, created) => {
      const ok = await updateDocumentStatus(trx, old.id, {
        from: old.status,
        to: 'superseded',
        reason: change.reason,
        note: change.note,
        effectiveAt: created.issuedAt,
        successorId: created.id,
      });
      if (!ok) throw changedMeanwhile(old.status);
      await recordDocumentEvent(
        trx,
        {
          kind: 'superseded',
          document: { id: old.id, agencyId: old.agencyId, typeId: old.typeId, pdfSha256: old.pdfSha256 },
          at: new Date(created.issuedAt),
          actor: req.actor,
          source: req.source ?? null,
          effectiveAt: created.issuedAt,
          reason: change.reason,
          note: change.note,
          successorId: created.id,
        },
        deps.publicUrl,
      );
    },
  });
  deps.afterCommit?.();
  return { old: (await getDocumentById(deps.db, old.id))!, successor };
}

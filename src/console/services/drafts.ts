import type { Kysely } from 'kysely';
import { AppError } from '../../domain/errors.js';
import type { LoadedType } from '../../doctypes/load-types.js';
import { notEntitled, unknownType } from '../../issuance/issue-document.js';
import { appendAuditEvent, isEntitled, withTransaction, type Database, type Executor } from '../../store/index.js';
import {
  DRAFT_STATES,
  getDraftInScope,
  insertDraft,
  listDraftsInScope,
  transitionDraft,
  type Draft,
  type DraftState,
} from '../../store/repos/drafts.js';
import { actorOf, notFoundError, requireMember, requireRole, type ActingOfficer } from './acting-officer.js';
import { inputError } from './input-problems.js';

/** A live document issued from a draft. `idempotencyKey` is the draft's: a retry after a crash returns the same document. */
export type LiveIssueRequest = SpecimenIssueRequest & { idempotencyKey: string };

/** A training specimen issued from a sandbox draft. */
export interface SpecimenIssueRequest {
  agencyId: string;
  typeId: string;
  data: Record<string, unknown>;
  actor: string;
  source: string | null;
  draftId: string;
}

export interface DraftDeps {
  db: Kysely<Database>;
  types: Map<string, LoadedType>;
  /** The real issuance (issueDocument); never called for sandbox drafts. */
  issueLive(req: LiveIssueRequest): Promise<{ documentId: string; serial: string }>;
  /** Training issuance (SPECIMEN watermark, sandbox key, `specimens` table). */
  issueSpecimen(req: SpecimenIssueRequest): Promise<{ specimenId: string; serial: string }>;
  isApprovalRequired(agencyId: string, typeId: string): Promise<boolean>;
  now?: () => Date;
}

/** What submit and approve answer: the draft as it now is, and the document (or specimen) when one was issued. */
export type DraftOutcome = Draft & { issued: { documentId: string; serial: string } | null };

const DRAFT = { th: 'ร่างเอกสาร', en: 'Draft' };
const draftIdempotencyKey = (draftId: string): string => `draft:${draftId}`;

const stateError = (draft: Draft, expected: string): AppError =>
  new AppError(
    'draft_state',
    409,
    { th: `ร่างเอกสารนี้อยู่ในสถานะ "${draft.state}" จึงทำรายการนี้ไม่ได้ (ต้องเป็น ${expected})`, en: `The draft is ${draft.state}; this needs it to be ${expected}` },
    { state: draft.state },
  );

const notDrafter = (): AppError =>
  new AppError('not_drafter', 403, { th: 'เฉพาะผู้จัดทำร่างเท่านั้นที่แก้ไขหรือส่งร่างนี้ได้', en: 'Only the drafter can edit or submit this draft' });

const selfApproval = (): AppError =>
  new AppError('self_approval', 403, { th: 'ผู้จัดทำร่างอนุมัติร่างของตนเองไม่ได้', en: 'The drafter cannot approve their own draft' });

const selfRejection = (): AppError =>
  new AppError('self_approval', 403, { th: 'ผู้จัดทำร่างตีกลับร่างของตนเองไม่ได้', en: 'The drafter cannot reject their own draft' });

function typeOf(deps: DraftDeps, typeId: unknown): LoadedType {
  if (typeof typeId !== 'string') throw inputError('typeId', { th: 'ต้องระบุประเภทเอกสาร', en: 'typeId is required' }, 'required');
  const type = deps.types.get(typeId);
  if (!type) throw unknownType(typeId);
  return type;
}

/** The document data checked against the type's schema; problems come back per field for the form (422 invalid_data). */
function validData(type: LoadedType, data: unknown): Record<string, unknown> {
  const checked = type.validate(data);
  if (!checked.ok) {
    throw new AppError('invalid_data', 422, { th: 'ข้อมูลเอกสารไม่ถูกต้อง', en: 'The document data is invalid' }, checked.errors);
  }
  return checked.value;
}

/**
 * Read through the executor in hand: inside a transaction that is `trx` — on SQLite the transaction holds the only
 * connection, so reading through `deps.db` there would wait for itself.
 */
async function loadDraft(db: Executor, officer: ActingOfficer, id: unknown): Promise<Draft> {
  const draft = typeof id === 'string' ? await getDraftInScope(db, officer, id) : null;
  if (!draft) throw notFoundError(DRAFT);
  return draft;
}

const now = (deps: DraftDeps): Date => (deps.now ?? (() => new Date()))();

function audit(officer: ActingOfficer, action: string, draft: Draft, details: Record<string, unknown>, documentId: string | null = null) {
  return {
    actor: actorOf(officer),
    action,
    agencyId: officer.agencyId,
    documentId,
    source: officer.source,
    // Ids and the type only: the draft's data is personal data and stays out of the audit trail.
    details: { draftId: draft.id, typeId: draft.typeId, mode: draft.mode, ...details },
  };
}

export async function createDraft(deps: DraftDeps, officer: ActingOfficer, input: { typeId: string; data: unknown }): Promise<Draft> {
  requireRole(officer, 'issuing_officer');
  const type = typeOf(deps, input?.typeId);
  if (!(await isEntitled(deps.db, officer.agencyId, type.definition.id))) throw notEntitled(officer.agencyId, type.definition);
  const data = validData(type, input.data);
  return withTransaction(deps.db, async (trx) => {
    const draft = await insertDraft(trx, {
      agencyId: officer.agencyId,
      typeId: type.definition.id,
      typeVersion: type.definition.version,
      mode: officer.mode,
      data,
      createdBy: officer.userId,
      at: now(deps),
    });
    await appendAuditEvent(trx, audit(officer, 'draft.created', draft, { typeVersion: draft.typeVersion }));
    return draft;
  });
}

/** The drafter edits a draft not yet submitted, or one sent back; a rejected draft returns to `draft`. */
export async function updateDraft(deps: DraftDeps, officer: ActingOfficer, id: string, data: unknown): Promise<Draft> {
  requireRole(officer, 'issuing_officer');
  const draft = await loadDraft(deps.db, officer, id);
  if (draft.createdBy !== officer.userId) throw notDrafter();
  if (draft.state !== 'draft' && draft.state !== 'rejected') throw stateError(draft, 'draft หรือ rejected / draft or rejected');
  const type = typeOf(deps, draft.typeId);
  const valid = validData(type, data);
  const ok = await transitionDraft(deps.db, {
    id: draft.id,
    agencyId: officer.agencyId,
    from: ['draft', 'rejected'],
    createdBy: officer.userId,
    set: { state: 'draft', data: valid },
    at: now(deps),
  });
  if (!ok) throw stateError(await loadDraft(deps.db, officer, id), 'draft หรือ rejected / draft or rejected');
  return loadDraft(deps.db, officer, id);
}

/**
 * The drafter sends the draft on. Without maker-checker for the type it is issued at once; with it, it waits for an
 * approving officer.
 */
export async function submitDraft(deps: DraftDeps, officer: ActingOfficer, id: string): Promise<DraftOutcome> {
  requireRole(officer, 'issuing_officer');
  const draft = await loadDraft(deps.db, officer, id);
  if (draft.createdBy !== officer.userId) throw notDrafter();
  if (draft.state !== 'draft') throw stateError(draft, 'draft');
  const approvalRequired = await deps.isApprovalRequired(officer.agencyId, draft.typeId);
  const at = now(deps);
  const target: DraftState = approvalRequired ? 'submitted' : 'issuing';
  await withTransaction(deps.db, async (trx) => {
    const ok = await transitionDraft(trx, {
      id: draft.id,
      agencyId: officer.agencyId,
      from: ['draft'],
      createdBy: officer.userId,
      // The previous rejection is answered by this resubmission; the audit trail keeps that it happened.
      set: { state: target, submittedAt: at.toISOString(), rejectionReason: null, decidedBy: null, decidedAt: null },
      at,
    });
    if (!ok) throw stateError(await loadDraft(trx, officer, id), 'draft');
    await appendAuditEvent(trx, audit(officer, 'draft.submitted', draft, { approvalRequired }));
  });
  if (approvalRequired) return { ...(await loadDraft(deps.db, officer, id)), issued: null };
  const issued = await issueClaimed(deps, officer, draft, 'draft', null);
  return { ...(await loadDraft(deps.db, officer, id)), issued };
}

/** An approving officer — not the drafter — approves a submitted draft, which is then issued exactly once. */
export async function approveDraft(deps: DraftDeps, officer: ActingOfficer, id: string): Promise<DraftOutcome> {
  requireRole(officer, 'approving_officer');
  const draft = await loadDraft(deps.db, officer, id);
  if (draft.createdBy === officer.userId) throw selfApproval();
  if (draft.state !== 'submitted') throw stateError(draft, 'submitted');
  // The claim: of two approvers, the database lets one move submitted → issuing; the other is told it moved on.
  const claimed = await transitionDraft(deps.db, {
    id: draft.id,
    agencyId: officer.agencyId,
    from: ['submitted'],
    set: { state: 'issuing', decidedBy: officer.userId },
    at: now(deps),
  });
  if (!claimed) throw stateError(await loadDraft(deps.db, officer, id), 'submitted');
  const issued = await issueClaimed(deps, officer, draft, 'submitted', officer.userId);
  return { ...(await loadDraft(deps.db, officer, id)), issued };
}

/**
 * Issues a draft this call has moved to `issuing`: live → the registry, sandbox → a specimen. On failure the draft
 * goes back to `revertTo` (an approver's draft stays submitted) and the error is passed on; on success the draft
 * records the document and the outcome is audited in the same transaction.
 */
async function issueClaimed(
  deps: DraftDeps,
  officer: ActingOfficer,
  draft: Draft,
  revertTo: 'draft' | 'submitted',
  approver: string | null,
): Promise<{ documentId: string; serial: string }> {
  const common = { agencyId: officer.agencyId, typeId: draft.typeId, data: draft.data, actor: actorOf(officer), source: officer.source, draftId: draft.id };
  let issued: { documentId: string; serial: string };
  try {
    if (draft.mode === 'sandbox') {
      const s = await deps.issueSpecimen(common);
      issued = { documentId: s.specimenId, serial: s.serial };
    } else {
      issued = await deps.issueLive({ ...common, idempotencyKey: draftIdempotencyKey(draft.id) });
    }
  } catch (e) {
    await transitionDraft(deps.db, {
      id: draft.id,
      agencyId: officer.agencyId,
      from: ['issuing'],
      set: { state: revertTo, ...(revertTo === 'submitted' ? { decidedBy: null } : { submittedAt: null }) },
      at: now(deps),
    }).catch(() => undefined);
    throw e;
  }
  const at = now(deps);
  await withTransaction(deps.db, async (trx) => {
    await transitionDraft(trx, {
      id: draft.id,
      agencyId: officer.agencyId,
      from: ['issuing'],
      set: { state: 'issued', documentId: issued.documentId, decidedBy: approver, decidedAt: approver ? at.toISOString() : null },
      at,
    });
    // Which draft became which document: `draft.approved` under maker-checker, `draft.issued` when the drafter's
    // submission issued it directly.
    const live = draft.mode === 'live';
    await appendAuditEvent(
      trx,
      audit(
        officer,
        approver ? 'draft.approved' : 'draft.issued',
        draft,
        live ? { serial: issued.serial } : { specimenId: issued.documentId, serial: issued.serial },
        live ? issued.documentId : null,
      ),
    );
  });
  return issued;
}

/**
 * An approving officer sends a draft back with a reason (1–500 characters) the drafter reads. The audit event keeps the
 * reason's length, not its text: the approver may quote the citizen's data ("name misspelt: …"), and the audit trail
 * holds no personal data; the text itself lives on the draft row.
 */
export async function rejectDraft(deps: DraftDeps, officer: ActingOfficer, id: string, reason: unknown): Promise<Draft> {
  requireRole(officer, 'approving_officer');
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 500) {
    throw inputError('reason', { th: 'ต้องระบุเหตุผลที่ตีกลับ (1–500 ตัวอักษร)', en: 'A reason of 1–500 characters is required' }, 'reason');
  }
  const draft = await loadDraft(deps.db, officer, id);
  if (draft.createdBy === officer.userId) throw selfRejection();
  if (draft.state !== 'submitted') throw stateError(draft, 'submitted');
  const at = now(deps);
  await withTransaction(deps.db, async (trx) => {
    const ok = await transitionDraft(trx, {
      id: draft.id,
      agencyId: officer.agencyId,
      from: ['submitted'],
      set: { state: 'rejected', rejectionReason: reason.trim(), decidedBy: officer.userId, decidedAt: at.toISOString() },
      at,
    });
    if (!ok) throw stateError(await loadDraft(trx, officer, id), 'submitted');
    await appendAuditEvent(trx, audit(officer, 'draft.rejected', draft, { reasonLength: reason.trim().length }));
  });
  return loadDraft(deps.db, officer, id);
}

/** Drafts of the officer's agency in the officer's mode (live and training never mix); any member may read. */
export async function listDrafts(deps: Pick<DraftDeps, 'db'>, officer: ActingOfficer, filter: { state?: unknown; mine?: unknown } = {}): Promise<Draft[]> {
  requireMember(officer);
  let state: DraftState | undefined;
  if (filter.state !== undefined && filter.state !== null && filter.state !== '') {
    if (typeof filter.state !== 'string' || !(DRAFT_STATES as readonly string[]).includes(filter.state)) {
      throw inputError('state', { th: `สถานะต้องเป็นค่าใดค่าหนึ่ง: ${DRAFT_STATES.join(', ')}`, en: `state must be one of ${DRAFT_STATES.join(', ')}` }, 'enum');
    }
    state = filter.state as DraftState;
  }
  if (filter.mine !== undefined && typeof filter.mine !== 'boolean') {
    throw inputError('mine', { th: 'mine ต้องเป็น true หรือ false', en: 'mine must be true or false' }, 'type');
  }
  return listDraftsInScope(deps.db, { agencyId: officer.agencyId, mode: officer.mode, state, createdBy: filter.mine ? officer.userId : undefined });
}

export async function getDraft(deps: Pick<DraftDeps, 'db'>, officer: ActingOfficer, id: string): Promise<Draft> {
  requireMember(officer);
  return loadDraft(deps.db, officer, id);
}

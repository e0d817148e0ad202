import { newDocumentId } from '../../domain/identifiers.js';
import type { Selectable } from 'kysely';
import type { Executor } from '../db/transaction.js';
import type { DraftsTable } from '../db/schema.js';
import { integer, json, oneOf, slug, text } from '../validate.js';

/**
 * Documents being prepared in the console (maker-checker). The row holds the document data, which is personal data
 * like a document's own; audit events about drafts carry only ids.
 *
 * States: draft → submitted → issuing → issued, or submitted → rejected → (edited) draft → submitted …
 * `issuing` is the short moment between an approver's claim and the signed document: moving a draft into it is a
 * conditional update, so of two approvers clicking at once exactly one issues. A draft left in `issuing` by a crash
 * is visible as such; issuing it again is safe because issuance uses the draft id as its idempotency key.
 */
export const DRAFT_STATES = ['draft', 'submitted', 'issuing', 'rejected', 'issued'] as const;
export type DraftState = (typeof DRAFT_STATES)[number];
export const DRAFT_MODES = ['live', 'sandbox'] as const;
export type DraftMode = (typeof DRAFT_MODES)[number];

export interface Draft {
  id: string;
  agencyId: string;
  typeId: string;
  typeVersion: number;
  mode: DraftMode;
  state: DraftState;
  data: Record<string, unknown>;
  createdBy: string;
  /** The drafter's display name (joined from users), for lists. */
  createdByName: string | null;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  decidedBy: string | null;
  /** The approver's (or rejecter's) display name. */
  decidedByName: string | null;
  decidedAt: string | null;
  /** The approver's words when rejected (kept until the drafter resubmits). */
  rejectionReason: string | null;
  /** The issued document (live) or specimen (sandbox). */
  documentId: string | null;
}

type DraftRow = Selectable<DraftsTable> & { created_by_name?: string | null; decided_by_name?: string | null };

function toDraft(row: DraftRow): Draft {
  return {
    id: row.id,
    agencyId: row.agency_id,
    typeId: row.type_id,
    typeVersion: row.type_version,
    mode: row.mode as DraftMode,
    state: row.state as DraftState,
    data: JSON.parse(row.data_json) as Record<string, unknown>,
    createdBy: row.created_by,
    createdByName: row.created_by_name ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    submittedAt: row.submitted_at,
    decidedBy: row.decided_by,
    decidedByName: row.decided_by_name ?? null,
    decidedAt: row.decided_at,
    rejectionReason: row.rejection_reason,
    documentId: row.document_id,
  };
}

export interface NewDraftInput {
  agencyId: string;
  typeId: string;
  typeVersion: number;
  mode: DraftMode;
  data: Record<string, unknown>;
  createdBy: string;
  at?: Date;
}

export async function insertDraft(db: Executor, input: NewDraftInput): Promise<Draft> {
  const at = (input.at ?? new Date()).toISOString();
  const row: DraftRow = {
    // 128 random bits, URL-safe (draft ids appear in console addresses), never starting with '-'.
    id: newDocumentId(),
    agency_id: slug('draft.agencyId', input.agencyId),
    type_id: slug('draft.typeId', input.typeId),
    type_version: integer('draft.typeVersion', input.typeVersion, 1, 1_000_000),
    mode: oneOf('draft.mode', input.mode, DRAFT_MODES),
    state: 'draft',
    data_json: json('draft.data', input.data),
    created_by: text('draft.createdBy', input.createdBy, { max: 64 }),
    created_at: at,
    updated_at: at,
    submitted_at: null,
    decided_by: null,
    decided_at: null,
    rejection_reason: null,
    document_id: null,
  };
  await db.insertInto('drafts').values(row).execute();
  return toDraft(row);
}

function draftsWithNames(db: Executor) {
  return db
    .selectFrom('drafts')
    .leftJoin('users as drafter', 'drafter.id', 'drafts.created_by')
    .leftJoin('users as decider', 'decider.id', 'drafts.decided_by')
    .selectAll('drafts')
    .select(['drafter.display_name as created_by_name', 'decider.display_name as decided_by_name']);
}

/** One draft of an agency in one mode; null when absent or another agency's or mode's (callers answer 404 alike). */
export async function getDraftInScope(db: Executor, scope: { agencyId: string; mode: DraftMode }, id: string): Promise<Draft | null> {
  if (typeof id !== 'string' || id.length > 64) return null;
  const row = await draftsWithNames(db)
    .where('drafts.id', '=', id)
    .where('drafts.agency_id', '=', scope.agencyId)
    .where('drafts.mode', '=', scope.mode)
    .executeTakeFirst();
  return row ? toDraft(row) : null;
}

export interface DraftListFilter {
  agencyId: string;
  mode: DraftMode;
  state?: DraftState | undefined;
  createdBy?: string | undefined;
  limit?: number | undefined;
}

/** Newest change first. */
export async function listDraftsInScope(db: Executor, filter: DraftListFilter): Promise<Draft[]> {
  let q = draftsWithNames(db).where('drafts.agency_id', '=', filter.agencyId).where('drafts.mode', '=', filter.mode);
  if (filter.state !== undefined) q = q.where('drafts.state', '=', filter.state);
  if (filter.createdBy !== undefined) q = q.where('drafts.created_by', '=', filter.createdBy);
  const rows = await q
    .orderBy('drafts.updated_at', 'desc')
    .orderBy('drafts.id')
    .limit(Math.min(Math.max(filter.limit ?? 200, 1), 1000))
    .execute();
  return rows.map(toDraft);
}

/** Changes allowed on a draft; each applies only while the draft is in one of `from` (a conditional update). */
export interface DraftTransition {
  id: string;
  agencyId: string;
  from: readonly DraftState[];
  /** Only this user's draft (edits and submission are the drafter's). */
  createdBy?: string;
  set: Partial<{
    state: DraftState;
    data: Record<string, unknown>;
    submittedAt: string | null;
    decidedBy: string | null;
    decidedAt: string | null;
    rejectionReason: string | null;
    documentId: string | null;
  }>;
  at?: Date;
}

/**
 * Applies a transition if the draft is still in an expected state; returns whether it did. Two officers acting on the
 * same draft at once: the database applies one update, the other finds the state already moved and gets false.
 */
export async function transitionDraft(db: Executor, t: DraftTransition): Promise<boolean> {
  const set: Partial<Selectable<DraftsTable>> = { updated_at: (t.at ?? new Date()).toISOString() };
  if (t.set.state !== undefined) set.state = oneOf('draft.state', t.set.state, DRAFT_STATES);
  if (t.set.data !== undefined) set.data_json = json('draft.data', t.set.data);
  if (t.set.submittedAt !== undefined) set.submitted_at = t.set.submittedAt;
  if (t.set.decidedBy !== undefined) set.decided_by = t.set.decidedBy;
  if (t.set.decidedAt !== undefined) set.decided_at = t.set.decidedAt;
  if (t.set.rejectionReason !== undefined) set.rejection_reason = t.set.rejectionReason;
  if (t.set.documentId !== undefined) set.document_id = t.set.documentId;
  let q = db.updateTable('drafts').set(set).where('id', '=', t.id).where('agency_id', '=', t.agencyId).where('state', 'in', [...t.from]);
  if (t.createdBy !== undefined) q = q.where('created_by', '=', t.createdBy);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

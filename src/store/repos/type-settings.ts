import { AppError } from '../../domain/errors.js';
import { inTransaction, type Executor } from '../db/transaction.js';
import { appendAuditEvent } from './audit.js';
import { nowIso, optionalText, slug, text } from '../validate.js';

/**
 * Per-agency settings of the types it is entitled to. Today one: "approval required" (maker-checker) — a document of
 * the type is signed only after a second officer approves it. Stored on the entitlement, so a type the agency is not
 * entitled to has no settings; the drafts service enforces the rule.
 */

export interface AgencyTypeSetting {
  typeId: string;
  approvalRequired: boolean;
  grantedAt: string;
}

/**
 * Turns maker-checker on or off for one type of one agency and records `type.approval-changed`. Setting the value it
 * already has changes nothing and records nothing. The time it was first required is kept while it stays on.
 */
export async function setApprovalRequired(
  db: Executor,
  agencyId: string,
  typeId: string,
  required: boolean,
  actor: string,
  source?: string | null,
): Promise<{ approvalRequired: boolean; changed: boolean }> {
  slug('typeSetting.agencyId', agencyId);
  slug('typeSetting.typeId', typeId);
  text('typeSetting.actor', actor, { max: 200 });
  optionalText('typeSetting.source', source, { max: 100 });
  if (typeof required !== 'boolean') throw new AppError('invalid_input', 400, { th: 'ค่า "ต้องอนุมัติ" ต้องเป็นจริงหรือเท็จ', en: 'approvalRequired must be true or false' });

  return inTransaction(db, async (trx) => {
    const row = await trx
      .selectFrom('type_entitlements')
      .select('approval_required_at')
      .where('agency_id', '=', agencyId)
      .where('type_id', '=', typeId)
      .executeTakeFirst();
    if (!row) {
      throw new AppError('not_entitled', 404, {
        th: `หน่วยงานนี้ไม่มีสิทธิ์ออกเอกสารประเภท "${typeId}"`,
        en: `This agency is not entitled to the document type "${typeId}"`,
      });
    }
    const current = row.approval_required_at !== null;
    if (current === required) return { approvalRequired: required, changed: false };
    await trx
      .updateTable('type_entitlements')
      .set({ approval_required_at: required ? nowIso() : null })
      .where('agency_id', '=', agencyId)
      .where('type_id', '=', typeId)
      .execute();
    await appendAuditEvent(trx, { actor, action: 'type.approval-changed', agencyId, details: { typeId, approvalRequired: required }, source: source ?? null });
    return { approvalRequired: required, changed: true };
  });
}

/** Whether documents of this type from this agency need a second officer's approval; false when not entitled. */
export async function isApprovalRequired(db: Executor, agencyId: string, typeId: string): Promise<boolean> {
  const row = await db
    .selectFrom('type_entitlements')
    .select('approval_required_at')
    .where('agency_id', '=', agencyId)
    .where('type_id', '=', typeId)
    .executeTakeFirst();
  return row !== undefined && row.approval_required_at !== null;
}

export async function listAgencyTypeSettings(db: Executor, agencyId: string): Promise<AgencyTypeSetting[]> {
  const rows = await db
    .selectFrom('type_entitlements')
    .select(['type_id', 'approval_required_at', 'granted_at'])
    .where('agency_id', '=', agencyId)
    .orderBy('type_id')
    .execute();
  return rows.map((r) => ({ typeId: r.type_id, approvalRequired: r.approval_required_at !== null, grantedAt: r.granted_at }));
}

import type { Executor } from '../db/transaction.js';
import { nowIso, sha256Hex, slug, text } from '../validate.js';

/**
 * The issuer directory: which agency may issue which document type (entitlements) and which signing certificates
 * belong to which agency. Together they let a verifier reject a genuine signature made by the wrong agency.
 */

export interface AgencyCertificate {
  agencyId: string;
  certificateSha256: string;
  certificateDer: Uint8Array;
  subject: string;
  notAfter: string;
  addedAt: string;
}

/** Grants an agency the right to issue a type. Granting twice is harmless. */
export async function grantTypeEntitlement(db: Executor, agencyId: string, typeId: string): Promise<void> {
  await db
    .insertInto('type_entitlements')
    .values({ agency_id: slug('entitlement.agencyId', agencyId), type_id: slug('entitlement.typeId', typeId), granted_at: nowIso() })
    .onConflict((oc) => oc.columns(['agency_id', 'type_id']).doNothing())
    .execute();
}

export async function revokeTypeEntitlement(db: Executor, agencyId: string, typeId: string): Promise<boolean> {
  const r = await db.deleteFrom('type_entitlements').where('agency_id', '=', agencyId).where('type_id', '=', typeId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function isEntitled(db: Executor, agencyId: string, typeId: string): Promise<boolean> {
  const row = await db
    .selectFrom('type_entitlements')
    .select('type_id')
    .where('agency_id', '=', agencyId)
    .where('type_id', '=', typeId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function listTypeEntitlements(db: Executor): Promise<{ agencyId: string; typeId: string }[]> {
  const rows = await db.selectFrom('type_entitlements').select(['agency_id', 'type_id']).orderBy('agency_id').orderBy('type_id').execute();
  return rows.map((r) => ({ agencyId: r.agency_id, typeId: r.type_id }));
}

const toBase64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/** Records a signing certificate as the agency's (kept forever: documents signed with it stay verifiable). */
export async function recordAgencyCertificate(
  db: Executor,
  input: { agencyId: string; certificateSha256: string; certificateDer: Uint8Array; subject: string; notAfter: Date | string },
): Promise<void> {
  const notAfter = typeof input.notAfter === 'string' ? input.notAfter : input.notAfter.toISOString();
  await db
    .insertInto('agency_certificates')
    .values({
      agency_id: slug('certificate.agencyId', input.agencyId),
      certificate_sha256: sha256Hex('certificate.sha256', input.certificateSha256),
      certificate_der_b64: toBase64(input.certificateDer),
      subject: text('certificate.subject', input.subject, { max: 2000, allowEmpty: true }),
      not_after: text('certificate.notAfter', notAfter, { max: 40 }),
      added_at: nowIso(),
    })
    .onConflict((oc) => oc.columns(['agency_id', 'certificate_sha256']).doNothing())
    .execute();
}

export async function listAgencyCertificates(db: Executor, agencyId?: string): Promise<AgencyCertificate[]> {
  let q = db.selectFrom('agency_certificates').selectAll().orderBy('agency_id').orderBy('added_at');
  if (agencyId !== undefined) q = q.where('agency_id', '=', agencyId);
  const rows = await q.execute();
  return rows.map((r) => ({
    agencyId: r.agency_id,
    certificateSha256: r.certificate_sha256,
    certificateDer: new Uint8Array(Buffer.from(r.certificate_der_b64, 'base64')),
    subject: r.subject,
    notAfter: r.not_after,
    addedAt: r.added_at,
  }));
}

import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import { AppError } from '../../../src/domain/errors.js';
import type { ActingOfficer, AgencyRole } from '../../../src/console/services/acting-officer.js';
import type { Database } from '../../../src/store/db/schema.js';

/** A console user with roles in one agency, inserted directly (sign-in is helper A's; these tests need only rows). */
export async function addOfficer(
  db: Kysely<Database>,
  opts: { agencyId: string; roles: AgencyRole[]; name: string; email?: string; mode?: 'live' | 'sandbox'; source?: string | null },
): Promise<ActingOfficer> {
  const id = randomBytes(12).toString('base64url');
  const now = new Date().toISOString();
  await db
    .insertInto('users')
    .values({ id, email: opts.email ?? `${id.toLowerCase()}@example.go.th`, display_name: opts.name, oidc_key: null, system_admin_at: null, created_at: now, last_login_at: null, disabled_at: null })
    .execute();
  for (const role of opts.roles) {
    await db.insertInto('memberships').values({ user_id: id, agency_id: opts.agencyId, role, granted_at: now, granted_by: 'test' }).execute();
  }
  return { userId: id, agencyId: opts.agencyId, roles: opts.roles, mode: opts.mode ?? 'live', source: opts.source === undefined ? '203.0.113.7' : opts.source };
}

export const inSandbox = (o: ActingOfficer): ActingOfficer => ({ ...o, mode: 'sandbox' });

/** Awaits a promise expected to fail with an AppError of this status and code; returns the error for more checks. */
export async function expectAppError(p: Promise<unknown>, status: number, code: string): Promise<AppError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected AppError ${status} ${code}`).toBeInstanceOf(AppError);
  const err = caught as AppError;
  expect({ status: err.httpStatus, code: err.code }).toEqual({ status, code });
  expect(err.text.th.length).toBeGreaterThan(0);
  expect(err.text.en.length).toBeGreaterThan(0);
  return err;
}

/**
 * A specimen issuer for these tests (helper B's real one renders and signs a SPECIMEN PDF): it writes a specimens row
 * with a made-up PDF digest, which is all the draft service needs to see.
 */
export function testSpecimenIssuer(db: Kysely<Database>) {
  const calls: { draftId: string; typeId: string }[] = [];
  let n = 0;
  return {
    calls,
    async issueSpecimen(req: { agencyId: string; typeId: string; data: Record<string, unknown>; actor: string; draftId: string }) {
      calls.push({ draftId: req.draftId, typeId: req.typeId });
      const id = randomBytes(16).toString('base64url');
      const serial = `SPECIMEN-${++n}`;
      const bytes = Buffer.from(`specimen ${id}`);
      await db
        .insertInto('specimens')
        .values({
          id,
          agency_id: req.agencyId,
          type_id: req.typeId,
          type_version: 1,
          serial,
          data_json: JSON.stringify(req.data),
          pdf_sha256: createHash('sha256').update(bytes).digest('hex'),
          pdf_size: bytes.length,
          blob_key: id,
          issued_by: req.actor,
          draft_id: req.draftId,
          created_at: new Date().toISOString(),
        })
        .execute();
      return { specimenId: id, serial };
    },
  };
}

/** Maker-checker on or off for an agency's type (type_entitlements.approval_required_at). */
export async function setApproval(db: Kysely<Database>, agencyId: string, typeId: string, required: boolean): Promise<void> {
  await db
    .updateTable('type_entitlements')
    .set({ approval_required_at: required ? new Date().toISOString() : null })
    .where('agency_id', '=', agencyId)
    .where('type_id', '=', typeId)
    .execute();
}

export async function approvalRequired(db: Kysely<Database>, agencyId: string, typeId: string): Promise<boolean> {
  const r = await db.selectFrom('type_entitlements').select('approval_required_at').where('agency_id', '=', agencyId).where('type_id', '=', typeId).executeTakeFirst();
  return r?.approval_required_at != null;
}

import { AppError } from '../../domain/errors.js';
import type { Bilingual } from '../../domain/document-type.js';

import { ROLES, type Role } from '../../store/repos/users.js';

/** Roles an officer holds in one agency (memberships.role): the list the store validates against. */
export const AGENCY_ROLES = ROLES;
export type AgencyRole = Role;

/**
 * Who is acting, as the console's session resolved it: the user, the agency they act for, their roles there, and
 * whether they are in the live registry or the training sandbox. Every service takes one and checks it itself, so
 * a page that forgets a check cannot leak another agency's data or let a role do what it may not.
 */
export interface ActingOfficer {
  userId: string;
  agencyId: string;
  roles: AgencyRole[];
  mode: 'live' | 'sandbox';
  /** Client IP, recorded as the audit event's source. */
  source: string | null;
  systemAdmin?: boolean;
}

export const ROLE_NAMES: Record<AgencyRole, Bilingual> = {
  agency_admin: { th: 'ผู้ดูแลระบบของหน่วยงาน', en: 'agency administrator' },
  issuing_officer: { th: 'เจ้าหน้าที่ผู้จัดทำเอกสาร', en: 'issuing officer' },
  approving_officer: { th: 'เจ้าหน้าที่ผู้อนุมัติ', en: 'approving officer' },
  auditor: { th: 'ผู้ตรวจสอบ', en: 'auditor' },
};

/** The audit trail's name for a console user: an id, never a person's name. */
export const actorOf = (officer: ActingOfficer): string => `user:${officer.userId}`;

export function hasRole(officer: ActingOfficer, role: AgencyRole): boolean {
  return Array.isArray(officer.roles) && officer.roles.includes(role);
}

/** 403 unless the officer holds one of `roles` in the agency they act for; the message names the roles needed. */
export function requireRole(officer: ActingOfficer, ...roles: AgencyRole[]): void {
  checkOfficer(officer);
  if (roles.some((r) => hasRole(officer, r))) return;
  const th = roles.map((r) => ROLE_NAMES[r].th).join(' หรือ ');
  const en = roles.map((r) => ROLE_NAMES[r].en).join(' or ');
  throw new AppError('forbidden', 403, { th: `ต้องมีบทบาท${th}จึงทำรายการนี้ได้`, en: `This needs the ${en} role` }, { rolesNeeded: roles });
}

/** 403 unless any role in the agency (every member may read what the agency holds). */
export function requireMember(officer: ActingOfficer): void {
  requireRole(officer, ...AGENCY_ROLES);
}

export function requireSystemAdmin(officer: ActingOfficer): void {
  if (officer?.systemAdmin === true) return;
  throw new AppError('forbidden', 403, { th: 'ต้องเป็นผู้ดูแลระบบกลางจึงทำรายการนี้ได้', en: 'This needs a system administrator' });
}

/**
 * The session builds the officer, so a malformed one is a programming error in the caller — but an empty agency id
 * would turn "where agency_id = ?" into a query that matches nothing rather than failing loudly, so it is checked.
 */
function checkOfficer(officer: ActingOfficer): void {
  if (!officer || typeof officer.userId !== 'string' || officer.userId === '' || typeof officer.agencyId !== 'string' || officer.agencyId === '') {
    throw new TypeError('ActingOfficer: userId and agencyId are required');
  }
  if (officer.mode !== 'live' && officer.mode !== 'sandbox') throw new TypeError('ActingOfficer: mode must be live or sandbox');
}

/** One answer for "does not exist" and "belongs to another agency", so ids cannot be probed across agencies. */
export function notFoundError(what: Bilingual): AppError {
  return new AppError('not_found', 404, { th: `ไม่พบ${what.th}`, en: `${what.en} not found` });
}

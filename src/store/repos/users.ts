import { DOCUMENT_ID_PATTERN, isDocumentId, newDocumentId } from '../../domain/identifiers.js';
import type { Executor } from '../db/transaction.js';
import type { UsersTable } from '../db/schema.js';
import type { Selectable } from 'kysely';
import { nowIso, oneOf, slug, StoreInputError, text } from '../validate.js';
import { getAgency } from './agencies.js';
import { deleteUserSessions } from './sessions.js';

/**
 * Console users and their roles per agency. A person exists here only because an administrator invited them (by
 * e-mail) or made them a system administrator: there is no self-registration. At first sign-in the invitation is bound
 * to the identity provider's (issuer, subject) pair, which from then on is what identifies them — e-mail addresses
 * change hands, a subject does not.
 */
export const ROLES = ['agency_admin', 'issuing_officer', 'approving_officer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  email: string | null;
  displayName: string;
  /** True once bound to an identity at the provider (first sign-in done). */
  bound: boolean;
  systemAdmin: boolean;
  createdAt: string;
  lastLoginAt: string | null;
  disabled: boolean;
}

export interface AgencyOfficer {
  userId: string;
  email: string | null;
  displayName: string;
  roles: Role[];
  lastLoginAt: string | null;
  disabled: boolean;
}

export interface UserMembership {
  agencyId: string;
  roles: Role[];
}

// Deliberately loose (one "@", a dot in the domain, no spaces): the identity provider is the authority on addresses.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type UserRow = Selectable<UsersTable>;

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    bound: row.oidc_key !== null,
    systemAdmin: row.system_admin_at !== null,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
    disabled: row.disabled_at !== null,
  };
}

export function normaliseEmail(field: string, value: unknown): string {
  const email = text(field, value, { max: 254 }).trim().toLowerCase();
  if (!EMAIL_PATTERN.test(email)) throw new StoreInputError(field, 'an e-mail address like name@agency.go.th');
  return email;
}

function displayName(field: string, value: unknown): string {
  return text(field, value, { max: 200 }).trim();
}

function userId(field: string, value: unknown): string {
  return text(field, value, { pattern: DOCUMENT_ID_PATTERN });
}

export function checkRole(field: string, value: unknown): Role {
  return oneOf(field, value, ROLES);
}

function checkRoles(field: string, value: unknown): Role[] {
  if (!Array.isArray(value) || value.length === 0) throw new StoreInputError(field, `a non-empty list of roles (${ROLES.join(', ')})`);
  return [...new Set(value.map((r, i) => checkRole(`${field}[${i}]`, r)))];
}

/** `<issuer> <subject>`: the issuer is a URL (no spaces), so the first space separates the two. */
function oidcKey(issuer: unknown, subject: unknown): string {
  const iss = text('login.issuer', issuer, { max: 500 });
  if (/\s/.test(iss)) throw new StoreInputError('login.issuer', 'an issuer URL without spaces');
  return `${iss} ${text('login.subject', subject, { max: 255 })}`;
}

async function assertAgencyExists(db: Executor, agencyId: string, field: string): Promise<void> {
  if (!(await getAgency(db, agencyId))) throw new StoreInputError(field, `an existing agency id (no agency "${agencyId}")`);
}

export async function getUser(db: Executor, id: string): Promise<User | null> {
  if (!isDocumentId(id)) return null;
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function getUserByEmail(db: Executor, email: string): Promise<User | null> {
  const normalised = normaliseEmail('email', email);
  const row = await db.selectFrom('users').selectAll().where('email', '=', normalised).executeTakeFirst();
  return row ? toUser(row) : null;
}

/** The user with this e-mail, created as an unbound invitation when there is none. */
async function ensureUser(db: Executor, email: string, name: string): Promise<{ user: User; created: boolean }> {
  const existing = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  if (existing) return { user: toUser(existing), created: false };
  const row: UserRow = {
    id: newDocumentId(),
    email,
    display_name: name,
    oidc_key: null,
    system_admin_at: null,
    created_at: nowIso(),
    last_login_at: null,
    disabled_at: null,
  };
  // A concurrent invitation of the same address loses on the unique e-mail; it then reads the winner's row.
  const inserted = await db.insertInto('users').values(row).onConflict((oc) => oc.column('email').doNothing()).executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
    const winner = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
    return { user: toUser(winner), created: false };
  }
  return { user: toUser(row), created: true };
}

export interface InviteOfficerInput {
  email: string;
  displayName: string;
  agencyId: string;
  roles: Role[] | string[];
  /** Who granted the roles: `user:<id>`, `cli`, `demo`. */
  grantedBy: string;
}

/**
 * Invites a person to an agency with these roles (or adds roles to someone already known by that e-mail). Idempotent:
 * roles already held are kept as they were. Returns the user and all their roles in that agency.
 */
export async function inviteOfficer(db: Executor, input: InviteOfficerInput): Promise<{ user: User; created: boolean; roles: Role[] }> {
  const email = normaliseEmail('officer.email', input?.email);
  const name = displayName('officer.displayName', input.displayName);
  const agencyId = slug('officer.agencyId', input.agencyId);
  const roles = checkRoles('officer.roles', input.roles);
  const grantedBy = text('officer.grantedBy', input.grantedBy, { max: 200 });
  await assertAgencyExists(db, agencyId, 'officer.agencyId');
  const { user, created } = await ensureUser(db, email, name);
  for (const role of roles) await insertMembership(db, user.id, agencyId, role, grantedBy);
  return { user, created, roles: await rolesIn(db, user.id, agencyId) };
}

async function insertMembership(db: Executor, user: string, agencyId: string, role: Role, grantedBy: string): Promise<boolean> {
  const result = await db
    .insertInto('memberships')
    .values({ user_id: user, agency_id: agencyId, role, granted_at: nowIso(), granted_by: grantedBy })
    .onConflict((oc) => oc.columns(['user_id', 'agency_id', 'role']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

async function rolesIn(db: Executor, user: string, agencyId: string): Promise<Role[]> {
  const rows = await db
    .selectFrom('memberships')
    .select('role')
    .where('user_id', '=', user)
    .where('agency_id', '=', agencyId)
    .orderBy('role')
    .execute();
  return rows.map((r) => r.role as Role);
}

/** Grants one role; false when the user already had it. */
export async function grantRole(db: Executor, input: { userId: string; agencyId: string; role: Role | string; grantedBy: string }): Promise<boolean> {
  const id = userId('membership.userId', input?.userId);
  const agencyId = slug('membership.agencyId', input.agencyId);
  const role = checkRole('membership.role', input.role);
  const grantedBy = text('membership.grantedBy', input.grantedBy, { max: 200 });
  if (!(await getUser(db, id))) throw new StoreInputError('membership.userId', 'an existing user id');
  await assertAgencyExists(db, agencyId, 'membership.agencyId');
  return insertMembership(db, id, agencyId, role, grantedBy);
}

/** Withdraws one role; false when the user did not have it. */
export async function revokeRole(db: Executor, input: { userId: string; agencyId: string; role: Role | string }): Promise<boolean> {
  const id = userId('membership.userId', input?.userId);
  const agencyId = slug('membership.agencyId', input.agencyId);
  const role = checkRole('membership.role', input.role);
  const result = await db
    .deleteFrom('memberships')
    .where('user_id', '=', id)
    .where('agency_id', '=', agencyId)
    .where('role', '=', role)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Everyone with at least one role in the agency, by display name, each with their roles there. */
export async function listAgencyOfficers(db: Executor, agencyId: string): Promise<AgencyOfficer[]> {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email', 'users.display_name', 'users.last_login_at', 'users.disabled_at', 'memberships.role'])
    .where('memberships.agency_id', '=', slug('agencyId', agencyId))
    .orderBy('users.display_name')
    .orderBy('users.id')
    .orderBy('memberships.role')
    .execute();
  const byUser = new Map<string, AgencyOfficer>();
  for (const r of rows) {
    let officer = byUser.get(r.id);
    if (!officer) {
      officer = { userId: r.id, email: r.email, displayName: r.display_name, roles: [], lastLoginAt: r.last_login_at, disabled: r.disabled_at !== null };
      byUser.set(r.id, officer);
    }
    officer.roles.push(r.role as Role);
  }
  return [...byUser.values()];
}

/** The agencies a user belongs to (by agency id), with their roles in each. */
export async function listUserMemberships(db: Executor, id: string): Promise<UserMembership[]> {
  const rows = await db
    .selectFrom('memberships')
    .select(['agency_id', 'role'])
    .where('user_id', '=', id)
    .orderBy('agency_id')
    .orderBy('role')
    .execute();
  const out: UserMembership[] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && last.agencyId === r.agency_id) last.roles.push(r.role as Role);
    else out.push({ agencyId: r.agency_id, roles: [r.role as Role] });
  }
  return out;
}

/**
 * Makes the person with this e-mail a system administrator, inviting them first when unknown. This (through the CLI)
 * is how a production installation gets its first administrator: there are no built-in accounts.
 */
export async function makeSystemAdmin(db: Executor, input: { email: string; displayName: string }): Promise<User> {
  const email = normaliseEmail('admin.email', input?.email);
  const name = displayName('admin.displayName', input.displayName);
  const { user } = await ensureUser(db, email, name);
  await db.updateTable('users').set({ system_admin_at: nowIso() }).where('id', '=', user.id).where('system_admin_at', 'is', null).execute();
  return (await getUser(db, user.id))!;
}

/** Disabling also ends every session of the user (deleting the rows: a session cannot outlive its user's access). */
export async function setUserDisabled(db: Executor, id: string, disabled: boolean): Promise<boolean> {
  const checked = userId('user.id', id);
  const result = await db
    .updateTable('users')
    .set({ disabled_at: disabled ? nowIso() : null })
    .where('id', '=', checked)
    .where('disabled_at', disabled ? 'is' : 'is not', null)
    .executeTakeFirst();
  if (disabled) await deleteUserSessions(db, checked);
  return Number(result.numUpdatedRows) > 0;
}

export interface LoginIdentity {
  /** The identity provider's issuer URL. */
  issuer: string;
  /** The provider's subject identifier (`sub`). */
  subject: string;
  email?: string | null;
  /** Only a provider-verified e-mail may bind an invitation. */
  emailVerified?: boolean | null;
}

/**
 * The user this identity signs in as, or null (no self-registration: an unknown person is refused).
 * 1. A user already bound to (issuer, subject).
 * 2. Otherwise an invitation (unbound user) with the same e-mail — only when the provider vouches that the e-mail is
 *    verified; it is then bound to this identity. A user bound to another identity is never re-bound by e-mail, so
 *    whoever later gets the same address at the provider cannot take the account over.
 * Disabled users are returned (with disabled = true) so the caller can say why they are refused.
 */
export async function findUserForLogin(db: Executor, identity: LoginIdentity): Promise<User | null> {
  const key = oidcKey(identity?.issuer, identity.subject);
  const bound = await db.selectFrom('users').selectAll().where('oidc_key', '=', key).executeTakeFirst();
  if (bound) return toUser(bound);
  if (identity.emailVerified !== true || typeof identity.email !== 'string') return null;
  let email: string;
  try {
    email = normaliseEmail('login.email', identity.email);
  } catch {
    return null;
  }
  // Conditional on still being unbound: two first sign-ins racing for one invitation cannot both win.
  const result = await db
    .updateTable('users')
    .set({ oidc_key: key })
    .where('email', '=', email)
    .where('oidc_key', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return null;
  const row = await db.selectFrom('users').selectAll().where('oidc_key', '=', key).executeTakeFirstOrThrow();
  return toUser(row);
}

export async function recordLogin(db: Executor, id: string, at: Date = new Date()): Promise<void> {
  await db.updateTable('users').set({ last_login_at: at.toISOString() }).where('id', '=', id).execute();
}

import { createHash, randomBytes } from 'node:crypto';
import type { Executor } from '../db/transaction.js';
import type { SessionsTable } from '../db/schema.js';
import type { Selectable } from 'kysely';
import { oneOf, optionalText, slug, StoreInputError, text } from '../validate.js';

/**
 * Server-side console sessions. The browser holds a random 256-bit token; this table holds only its SHA-256, so a copy
 * of the database (a backup, a read replica, a leaked dump) contains no usable session. A session ends after 30
 * minutes without activity (sliding) and in any case 12 hours after sign-in (absolute), whichever comes first.
 */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
export const SESSION_MODES = ['live', 'sandbox'] as const;
export type SessionMode = (typeof SESSION_MODES)[number];

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface Session {
  tokenHash: string;
  userId: string;
  agencyId: string | null;
  mode: SessionMode;
  csrfToken: string;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export interface CreatedSession extends Session {
  /** The cookie value. Not stored; only its hash is. */
  token: string;
}

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    agencyId: row.agency_id,
    mode: row.mode as SessionMode,
    csrfToken: row.csrf_token,
    ip: row.ip,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Idle deadline from `seen`, never past the absolute deadline from `created`. */
function expiryFor(created: Date, seen: Date): string {
  return new Date(Math.min(seen.getTime() + SESSION_IDLE_MS, created.getTime() + SESSION_ABSOLUTE_MS)).toISOString();
}

export async function createSession(
  db: Executor,
  input: { userId: string; agencyId: string | null; mode?: SessionMode; ip?: string | null; now?: Date },
): Promise<CreatedSession> {
  const now = input?.now ?? new Date();
  const token = randomBytes(32).toString('base64url');
  const row = {
    token_hash: hashSessionToken(token),
    user_id: text('session.userId', input.userId, { max: 64 }),
    agency_id: input.agencyId === null ? null : slug('session.agencyId', input.agencyId),
    mode: oneOf('session.mode', input.mode ?? 'live', SESSION_MODES),
    csrf_token: randomBytes(32).toString('base64url'),
    ip: optionalText('session.ip', input.ip, { max: 100 }),
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: expiryFor(now, now),
  };
  await db.insertInto('sessions').values(row).execute();
  return { ...toSession(row), token };
}

/** The live session for a presented cookie value, or null (malformed, unknown, expired — not said which). */
export async function findSession(db: Executor, token: unknown, now: Date = new Date()): Promise<Session | null> {
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return null;
  const row = await db.selectFrom('sessions').selectAll().where('token_hash', '=', hashSessionToken(token)).executeTakeFirst();
  if (!row || row.expires_at <= now.toISOString()) return null;
  return toSession(row);
}

/** Slides the idle deadline forward (bounded by the absolute one). Returns the new expiry. */
export async function touchSession(db: Executor, session: Pick<Session, 'tokenHash' | 'createdAt'>, now: Date = new Date()): Promise<string> {
  const expires = expiryFor(new Date(session.createdAt), now);
  await db
    .updateTable('sessions')
    .set({ last_seen_at: now.toISOString(), expires_at: expires })
    .where('token_hash', '=', session.tokenHash)
    .execute();
  return expires;
}

/** Changes the acting agency and/or mode. The caller checks that the user may act for the agency. */
export async function updateSessionContext(
  db: Executor,
  tokenHash: string,
  change: { agencyId?: string | null; mode?: SessionMode },
): Promise<void> {
  const set: { agency_id?: string | null; mode?: string } = {};
  if (change.agencyId !== undefined) set.agency_id = change.agencyId === null ? null : slug('session.agencyId', change.agencyId);
  if (change.mode !== undefined) set.mode = oneOf('session.mode', change.mode, SESSION_MODES);
  if (Object.keys(set).length === 0) throw new StoreInputError('session', 'an agency or a mode to change');
  await db.updateTable('sessions').set(set).where('token_hash', '=', tokenHash).execute();
}

export async function deleteSession(db: Executor, tokenHash: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Signs a user out everywhere (e.g. when disabled or when their roles are withdrawn). */
export async function deleteUserSessions(db: Executor, userId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Housekeeping: expired rows are refused anyway, this only reclaims space. */
export async function deleteExpiredSessions(db: Executor, now: Date = new Date()): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now.toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}

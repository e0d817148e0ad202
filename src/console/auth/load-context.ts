import type { Kysely } from 'kysely';
import type { Database } from '../../store/db/schema.js';
import { findSession, touchSession } from '../../store/repos/sessions.js';
import { getUser, listUserMemberships } from '../../store/repos/users.js';
import type { ConsoleContext } from './context.js';

/** Sliding expiry is refreshed at most once a minute per session, not on every request (one write saved per click). */
const TOUCH_EVERY_MS = 60 * 1000;

/**
 * The console context for a presented session token, or null (no session, expired, user gone or disabled). Roles are
 * read afresh each time, so withdrawing a role or disabling a user takes effect on the officer's next request.
 */
export async function loadConsoleContext(db: Kysely<Database>, token: unknown, now: Date = new Date()): Promise<ConsoleContext | null> {
  const session = await findSession(db, token, now);
  if (!session) return null;
  const user = await getUser(db, session.userId);
  if (!user || user.disabled) return null;
  const memberships = await listUserMemberships(db, user.id);
  let agencyId = session.agencyId;
  const member = memberships.find((m) => m.agencyId === agencyId);
  if (agencyId !== null && !member && !user.systemAdmin) {
    // Their membership there was withdrawn since they chose it: fall back to an agency they still belong to.
    agencyId = memberships[0]?.agencyId ?? null;
  }
  if (now.getTime() - Date.parse(session.lastSeenAt) >= TOUCH_EVERY_MS) await touchSession(db, session, now);
  return {
    user: { id: user.id, email: user.email, displayName: user.displayName, systemAdmin: user.systemAdmin },
    agencyId,
    mode: session.mode,
    roles: memberships.find((m) => m.agencyId === agencyId)?.roles ?? [],
    agencies: memberships.map((m) => ({ id: m.agencyId, roles: m.roles })),
    csrfToken: session.csrfToken,
    tokenHash: session.tokenHash,
  };
}

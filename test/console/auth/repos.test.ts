import { expect, it } from 'vitest';
import { upsertAgency } from '../../../src/store/repos/agencies.js';
import {
  createSession,
  deleteExpiredSessions,
  deleteSession,
  deleteUserSessions,
  findSession,
  hashSessionToken,
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
  touchSession,
  updateSessionContext,
} from '../../../src/store/repos/sessions.js';
import {
  findUserForLogin,
  getUser,
  getUserByEmail,
  grantRole,
  inviteOfficer,
  listAgencyOfficers,
  listUserMemberships,
  makeSystemAdmin,
  recordLogin,
  revokeRole,
  setUserDisabled,
} from '../../../src/store/repos/users.js';
import { describeEachDialect, useTestDatabase } from '../../helpers/databases.js';
import { runOfficerCommand } from '../../../src/cli/officer-commands.js';
import { listAuditEvents } from '../../../src/store/repos/audit.js';

const ISSUER = 'https://idp.example.go.th';

describeEachDialect('console users and sessions', (dialect) => {
  const t = useTestDatabase(dialect);

  it('invite: e-mail lower-cased, 128-bit id, idempotent roles; grant/revoke; lists per agency and per user', async () => {
    const { db } = t();
    await upsertAgency(db, { id: 'agency-a', nameTh: 'หน่วยงานเอ', nameEn: 'A', addressTh: '' });
    await upsertAgency(db, { id: 'agency-b', nameTh: 'หน่วยงานบี', nameEn: 'B', addressTh: '' });
    const first = await inviteOfficer(db, { email: ' Somchai@Agency.GO.th ', displayName: 'สมชาย ใจดี', agencyId: 'agency-a', roles: ['issuing_officer'], grantedBy: 'cli' });
    expect(first.created).toBe(true);
    expect(first.user.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(first.user.id, 'base64url')).toHaveLength(16);
    expect(first.user).toMatchObject({ email: 'somchai@agency.go.th', displayName: 'สมชาย ใจดี', bound: false, systemAdmin: false, disabled: false });
    const again = await inviteOfficer(db, { email: 'somchai@agency.go.th', displayName: 'x', agencyId: 'agency-a', roles: ['issuing_officer', 'auditor', 'auditor'], grantedBy: 'cli' });
    expect(again).toMatchObject({ created: false, roles: ['auditor', 'issuing_officer'] });
    expect(again.user.id).toBe(first.user.id);
    expect(again.user.displayName).toBe('สมชาย ใจดี');

    expect(await grantRole(db, { userId: first.user.id, agencyId: 'agency-b', role: 'approving_officer', grantedBy: 'user:x' })).toBe(true);
    expect(await grantRole(db, { userId: first.user.id, agencyId: 'agency-b', role: 'approving_officer', grantedBy: 'user:x' })).toBe(false);
    const other = await inviteOfficer(db, { email: 'anong@agency.go.th', displayName: 'อนงค์', agencyId: 'agency-a', roles: ['agency_admin'], grantedBy: 'cli' });

    expect(await listAgencyOfficers(db, 'agency-a')).toEqual([
      { userId: first.user.id, email: 'somchai@agency.go.th', displayName: 'สมชาย ใจดี', roles: ['auditor', 'issuing_officer'], lastLoginAt: null, disabled: false },
      { userId: other.user.id, email: 'anong@agency.go.th', displayName: 'อนงค์', roles: ['agency_admin'], lastLoginAt: null, disabled: false },
    ].sort((a, b) => (a.displayName < b.displayName ? -1 : 1)));
    expect(await listUserMemberships(db, first.user.id)).toEqual([
      { agencyId: 'agency-a', roles: ['auditor', 'issuing_officer'] },
      { agencyId: 'agency-b', roles: ['approving_officer'] },
    ]);
    expect(await revokeRole(db, { userId: first.user.id, agencyId: 'agency-a', role: 'auditor' })).toBe(true);
    expect(await revokeRole(db, { userId: first.user.id, agencyId: 'agency-a', role: 'auditor' })).toBe(false);
    expect((await listUserMemberships(db, first.user.id))[0]).toEqual({ agencyId: 'agency-a', roles: ['issuing_officer'] });
  });

  it('invalid input names the field; unknown agency and role are refused', async () => {
    const { db } = t();
    const base = { email: 'a@b.go.th', displayName: 'ก', agencyId: 'agency-a', roles: ['auditor'], grantedBy: 'cli' };
    await expect(inviteOfficer(db, { ...base, email: 'not-an-email' })).rejects.toMatchObject({ field: 'officer.email' });
    await expect(inviteOfficer(db, { ...base, agencyId: 'no-such' })).rejects.toMatchObject({ field: 'officer.agencyId' });
    await expect(inviteOfficer(db, { ...base, roles: ['superuser'] })).rejects.toMatchObject({ field: 'officer.roles[0]' });
    await expect(inviteOfficer(db, { ...base, roles: [] })).rejects.toMatchObject({ field: 'officer.roles' });
    await expect(inviteOfficer(db, { ...base, displayName: '  ' })).rejects.toMatchObject({ field: 'officer.displayName' });
    expect(await getUserByEmail(db, 'a@b.go.th')).toBeNull();
  });

  it('sign-in binding: by (issuer, subject); an invitation only by a verified e-mail; never re-bound; unknown → null', async () => {
    const { db } = t();
    const invited = await inviteOfficer(db, { email: 'wipa@agency.go.th', displayName: 'วิภา', agencyId: 'agency-a', roles: ['auditor'], grantedBy: 'cli' });
    expect(await findUserForLogin(db, { issuer: ISSUER, subject: 's-1', email: 'wipa@agency.go.th', emailVerified: false })).toBeNull();
    expect(await findUserForLogin(db, { issuer: ISSUER, subject: 's-1', email: 'wipa@agency.go.th' })).toBeNull();
    expect((await getUser(db, invited.user.id))!.bound).toBe(false);
    const bound = await findUserForLogin(db, { issuer: ISSUER, subject: 's-1', email: 'WIPA@agency.go.th', emailVerified: true });
    expect(bound).toMatchObject({ id: invited.user.id, bound: true });
    const row = await db.selectFrom('users').select('oidc_key').where('id', '=', invited.user.id).executeTakeFirstOrThrow();
    expect(row.oidc_key).toBe(`${ISSUER} s-1`);
    // Later sign-ins match the subject even when the e-mail changed at the provider.
    expect((await findUserForLogin(db, { issuer: ISSUER, subject: 's-1', email: 'new@else.th', emailVerified: true }))?.id).toBe(invited.user.id);
    // Another subject with the same verified e-mail does not take the account; nor does the same subject at another issuer.
    expect(await findUserForLogin(db, { issuer: ISSUER, subject: 's-2', email: 'wipa@agency.go.th', emailVerified: true })).toBeNull();
    expect(await findUserForLogin(db, { issuer: 'https://other-idp.example', subject: 's-1', email: 'wipa@agency.go.th', emailVerified: true })).toBeNull();
    expect(await findUserForLogin(db, { issuer: ISSUER, subject: 'nobody', email: 'nobody@x.th', emailVerified: true })).toBeNull();
    await recordLogin(db, invited.user.id, new Date('2025-01-15T03:00:00.000Z'));
    expect((await getUser(db, invited.user.id))!.lastLoginAt).toBe('2025-01-15T03:00:00.000Z');
  });

  it('system administrator: created when unknown, promoted when known; no agency needed', async () => {
    const { db } = t();
    const admin = await makeSystemAdmin(db, { email: 'Root@DGA.or.th', displayName: 'ผู้ดูแลระบบ' });
    expect(admin).toMatchObject({ email: 'root@dga.or.th', systemAdmin: true, bound: false });
    const promoted = await makeSystemAdmin(db, { email: 'wipa@agency.go.th', displayName: 'ignored' });
    expect(promoted).toMatchObject({ systemAdmin: true, displayName: 'วิภา' });
    expect(await listUserMemberships(db, admin.id)).toEqual([]);
  });

  it('sessions: only the SHA-256 of a 256-bit token is stored; idle 30 min sliding, absolute 12 h; touch, switch, delete', async () => {
    const { db } = t();
    const user = (await getUserByEmail(db, 'wipa@agency.go.th'))!;
    const t0 = new Date('2030-01-01T00:00:00.000Z');
    const s = await createSession(db, { userId: user.id, agencyId: 'agency-a', ip: '203.0.113.7', now: t0 });
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(s.token, 'base64url')).toHaveLength(32);
    expect(s.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.tokenHash).toBe(hashSessionToken(s.token));
    const rows = await db.selectFrom('sessions').selectAll().where('user_id', '=', user.id).execute();
    expect(rows).toHaveLength(1);
    expect(Object.values(rows[0]!)).not.toContain(s.token);
    expect(rows[0]).toMatchObject({ mode: 'live', agency_id: 'agency-a', ip: '203.0.113.7', expires_at: new Date(t0.getTime() + SESSION_IDLE_MS).toISOString() });

    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect((await findSession(db, s.token, at(SESSION_IDLE_MS - 1)))?.userId).toBe(user.id);
    expect(await findSession(db, s.token, at(SESSION_IDLE_MS))).toBeNull();
    expect(await findSession(db, `${s.token.slice(0, -1)}${s.token.endsWith('A') ? 'B' : 'A'}`, at(1))).toBeNull();
    expect(await findSession(db, 'short', at(1))).toBeNull();
    // Activity every 20 minutes keeps it alive — until 12 hours after sign-in, whatever the activity.
    for (let m = 20; m < 12 * 60; m += 20) {
      expect(await findSession(db, s.token, at(m * 60_000)), `minute ${m}`).not.toBeNull();
      await touchSession(db, s, at(m * 60_000));
    }
    const row = await db.selectFrom('sessions').select('expires_at').where('token_hash', '=', s.tokenHash).executeTakeFirstOrThrow();
    expect(row.expires_at).toBe(at(SESSION_ABSOLUTE_MS).toISOString());
    expect(await findSession(db, s.token, at(SESSION_ABSOLUTE_MS))).toBeNull();

    const s2 = await createSession(db, { userId: user.id, agencyId: null, now: at(SESSION_ABSOLUTE_MS) });
    await updateSessionContext(db, s2.tokenHash, { agencyId: 'agency-b', mode: 'sandbox' });
    expect(await findSession(db, s2.token)).toMatchObject({ agencyId: 'agency-b', mode: 'sandbox' });
    await expect(updateSessionContext(db, s2.tokenHash, { mode: 'prod' as never })).rejects.toMatchObject({ field: 'session.mode' });
    expect(await deleteExpiredSessions(db, at(SESSION_ABSOLUTE_MS))).toBe(1);
    expect(await deleteSession(db, s2.tokenHash)).toBe(true);
    expect(await findSession(db, s2.token)).toBeNull();
    await createSession(db, { userId: user.id, agencyId: null });
    await createSession(db, { userId: user.id, agencyId: null });
    expect(await deleteUserSessions(db, user.id)).toBe(2);
  });

  it('disabling a user ends their sessions; enabling does not revive them', async () => {
    const { db } = t();
    const user = (await getUserByEmail(db, 'wipa@agency.go.th'))!;
    const s = await createSession(db, { userId: user.id, agencyId: 'agency-a' });
    expect(await setUserDisabled(db, user.id, true)).toBe(true);
    expect(await setUserDisabled(db, user.id, true)).toBe(false);
    expect(await findSession(db, s.token)).toBeNull();
    expect((await getUser(db, user.id))!.disabled).toBe(true);
    expect((await listAgencyOfficers(db, 'agency-a')).find((o) => o.userId === user.id)?.disabled).toBe(true);
    expect(await setUserDisabled(db, user.id, false)).toBe(true);
    expect(await findSession(db, s.token)).toBeNull();
  });

  it('CLI officers add / list / revoke / system-admin, with audit events and clear errors', async () => {
    const { db } = t();
    const add = await runOfficerCommand(['add', '--email', 'Pim@Agency.go.th', '--name', 'พิมพ์ใจ', '--agency', 'agency-b', '--role', 'issuing_officer,approving_officer'], db);
    expect(add[0]).toMatch(/^invited\t[A-Za-z0-9_-]{22}\tpim@agency\.go\.th\tagency-b\tapproving_officer,issuing_officer$/);
    const list = await runOfficerCommand(['list', '--agency', 'agency-b'], db);
    expect(list.some((l) => /\tpim@agency\.go\.th\tพิมพ์ใจ\tapproving_officer,issuing_officer\tnever signed in$/.test(l))).toBe(true);
    expect((await runOfficerCommand(['revoke', '--email', 'pim@agency.go.th', '--agency', 'agency-b', '--role', 'approving_officer'], db))[0]).toMatch(/^revoked\t/);
    expect((await runOfficerCommand(['revoke', '--email', 'pim@agency.go.th', '--agency', 'agency-b', '--role', 'approving_officer'], db))[0]).toMatch(/^not held\t/);
    const events = (await listAuditEvents(db, { agencyId: 'agency-b' })).filter((e) => e.actor === 'cli');
    expect(events.map((e) => e.action)).toEqual(['officer.invited', 'officer.role-revoked']);
    expect(JSON.stringify(events)).not.toMatch(/pim@|พิมพ์ใจ/);
    expect((await runOfficerCommand(['system-admin', '--email', 'boss@dga.or.th', '--name', 'หัวหน้า'], db))[0]).toMatch(/^system administrator\t/);
    expect((await getUserByEmail(db, 'boss@dga.or.th'))!.systemAdmin).toBe(true);

    await expect(runOfficerCommand(['add', '--email', 'x@y.th', '--name', 'x', '--agency', 'agency-b'], db)).rejects.toMatchObject({ code: 'usage', httpStatus: 2 });
    await expect(runOfficerCommand(['add', '--email', 'x@y.th', '--name', 'x', '--agency', 'agency-b', '--role', 'boss'], db)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^--role: expected one of agency_admin/),
    });
    await expect(runOfficerCommand(['add', '--email', 'bad', '--name', 'x', '--agency', 'agency-b', '--role', 'auditor'], db)).rejects.toMatchObject({ message: expect.stringMatching(/^--email: expected/) });
    await expect(runOfficerCommand(['list', '--agency', 'nope'], db)).rejects.toMatchObject({ code: 'unknown_agency' });
    await expect(runOfficerCommand(['frobnicate'], db)).rejects.toMatchObject({ code: 'usage' });
    await expect(runOfficerCommand(['list', '--bogus', 'x'], db)).rejects.toMatchObject({ code: 'usage' });
  });
});

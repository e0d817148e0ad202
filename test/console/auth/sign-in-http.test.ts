import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSessionToken } from '../../../src/store/repos/sessions.js';
import { getUserByEmail, inviteOfficer } from '../../../src/store/repos/users.js';
import { listAuditEvents } from '../../../src/store/repos/audit.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/databases.js';
import { CookieBrowser, parseForm, signInOverHttp } from './cookie-browser.js';
import { OTHER_AGENCY, startAuthHarness, TEST_PASSWORD, type AuthHarness } from './harness.js';

/**
 * Sign-in end to end over real HTTP: the console plugin on Fastify, the demo OpenID provider (oidc-provider) on its own
 * port, openid-client in between, SQLite underneath (the repositories are tested on both engines separately).
 */
describe('console sign-in over HTTP with the demo identity provider', () => {
  let t: TestDatabase;
  let h: AuthHarness;
  const session = 'ekasarn_session';

  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    h = await startAuthHarness(t.db);
  });
  afterAll(async () => {
    await h?.close();
    await t?.destroy();
  });

  async function me(b: CookieBrowser): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await b.request(`${h.baseUrl}/console`, { headers: { accept: 'application/json' } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('login page offers the provider, Thai first, and says why a sign-in failed', async () => {
    const res = await fetch(`${h.baseUrl}/console/login?error=expired`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('เข้าสู่ระบบด้วย Demo ID / Sign in with Demo ID');
    expect(html).toContain('href="/console/login/start"');
    expect(html.indexOf('การเข้าสู่ระบบใช้เวลานานเกินไป')).toBeLessThan(html.indexOf('The sign-in took too long'));
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    // Unknown codes are not echoed.
    expect(await (await fetch(`${h.baseUrl}/console/login?error=<script>`)).text()).not.toContain('<script>');
  });

  it('signs in through the provider: PKCE + state + nonce, a session bound to the user, cookie flags, audit', async () => {
    const b = new CookieBrowser();
    const end = await signInOverHttp(b, h.baseUrl, 'issuer', TEST_PASSWORD);
    expect(end.url).toBe(`${h.baseUrl}/console`);
    const start = b.hops[0]!;
    const authorize = new URL(start.location!);
    expect(authorize.origin).toBe(h.idp.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('prompt')).toBe('login');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${h.baseUrl}/console/auth/callback`);
    expect(start.setCookies[0]).toMatch(/^ekasarn_signin=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600$/);

    const callback = b.hops.find((x) => x.url.startsWith(`${h.baseUrl}/console/auth/callback`))!;
    expect(callback.status).toBe(303);
    expect(callback.location).toBe('/console');
    const set = callback.setCookies.find((c) => c.startsWith(`${session}=`))!;
    expect(set).toMatch(/^ekasarn_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(callback.setCookies.some((c) => c.startsWith('ekasarn_signin=;') && c.includes('Max-Age=0'))).toBe(true);

    const { status, body } = await me(b);
    expect(status).toBe(200);
    const user = await getUserByEmail(t.db, 'issuer@demo.ekasarn.invalid');
    expect(body).toMatchObject({ userId: user!.id, displayName: 'สมชาย รักงาน', agencyId: 'demo', mode: 'live', roles: ['issuing_officer'], systemAdmin: false });
    expect(user!.bound).toBe(true);
    expect(user!.lastLoginAt).not.toBeNull();

    // The table holds the SHA-256 of the cookie value, never the value itself.
    const token = b.cookie(h.baseUrl, session)!;
    const rows = await t.db.selectFrom('sessions').selectAll().where('user_id', '=', user!.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(hashSessionToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]!.ip).toBe('127.0.0.1');

    const audit = (await listAuditEvents(t.db, { agencyId: 'demo' })).filter((e) => e.action === 'officer.signed-in');
    expect(audit.at(-1)).toMatchObject({ actor: `user:${user!.id}`, source: '127.0.0.1', details: { issuer: h.idp.issuer } });
    expect(JSON.stringify(audit)).not.toMatch(/issuer@demo|สมชาย/);
  });

  it('signing in again in the same browser replaces the previous session', async () => {
    const b = new CookieBrowser();
    await signInOverHttp(b, h.baseUrl, 'issuer2', TEST_PASSWORD);
    const first = b.cookie(h.baseUrl, session)!;
    // The provider still has issuer2's session: it ends it (auto-submitted form) before signing approver in.
    expect((await signInOverHttp(b, h.baseUrl, 'approver', TEST_PASSWORD)).url).toBe(`${h.baseUrl}/console`);
    const second = b.cookie(h.baseUrl, session)!;
    expect(second).not.toBe(first);
    expect(await t.db.selectFrom('sessions').select('token_hash').where('token_hash', '=', hashSessionToken(first)).executeTakeFirst()).toBeUndefined();
    expect((await me(b)).body.displayName).toBe('ประเสริฐ มั่นคง');
  });

  it('wrong password at the provider shows its form again; no session', async () => {
    const b = new CookieBrowser();
    const end = await signInOverHttp(b, h.baseUrl, 'issuer', 'wrong');
    expect(end.res.status).toBe(401);
    expect(await end.res.text()).toContain('Wrong username or password');
    expect(b.cookie(h.baseUrl, session)).toBeUndefined();
  });

  it('an identity the console does not know is refused with a bilingual 403 page (no self-registration)', async () => {
    const b = new CookieBrowser();
    const end = await signInOverHttp(b, h.baseUrl, 'stranger', TEST_PASSWORD);
    expect(end.url).toContain('/console/auth/callback');
    expect(end.res.status).toBe(403);
    const html = await end.res.text();
    expect(html).toContain('บัญชีของท่านยังไม่ได้ลงทะเบียน');
    expect(html).toContain('ask your agency administrator'.replace('ask', 'Ask'));
    expect(b.cookie(h.baseUrl, session)).toBeUndefined();
    expect(await getUserByEmail(t.db, 'stranger@example.org')).toBeNull();
  });

  it('an invitation is bound only when the provider says the e-mail is verified', async () => {
    await inviteOfficer(t.db, { email: 'unverified@example.org', displayName: 'ยังไม่ยืนยัน', agencyId: 'demo', roles: ['auditor'], grantedBy: 'test' });
    const refused = await signInOverHttp(new CookieBrowser(), h.baseUrl, 'unverified', TEST_PASSWORD);
    expect(refused.res.status).toBe(403);
    expect((await getUserByEmail(t.db, 'unverified@example.org'))!.bound).toBe(false);

    // Invited in lower case; the provider sends "Newbie@Example.org": same address.
    await inviteOfficer(t.db, { email: 'newbie@example.org', displayName: 'เจ้าหน้าที่ใหม่', agencyId: OTHER_AGENCY, roles: ['approving_officer'], grantedBy: 'test' });
    const b = new CookieBrowser();
    const ok = await signInOverHttp(b, h.baseUrl, 'newbie', TEST_PASSWORD);
    expect(ok.url).toBe(`${h.baseUrl}/console`);
    expect((await me(b)).body).toMatchObject({ agencyId: OTHER_AGENCY, roles: ['approving_officer'] });
    expect((await getUserByEmail(t.db, 'newbie@example.org'))!.bound).toBe(true);
  });

  it('an account already bound cannot be taken over by another identity with the same e-mail', async () => {
    // 'issuer' signed in above, so its invitation is bound to that subject.
    const end = await signInOverHttp(new CookieBrowser(), h.baseUrl, 'impostor', TEST_PASSWORD);
    expect(end.res.status).toBe(403);
  });

  it('CSRF: a write without the token, with a wrong one, or from another origin is 403; with the token it passes', async () => {
    const b = new CookieBrowser();
    await signInOverHttp(b, h.baseUrl, 'approver', TEST_PASSWORD);
    const { body } = await me(b);
    const csrf = body.csrfToken as string;
    const json = { accept: 'application/json' };
    const missing = await b.request(`${h.baseUrl}/console/probe`, { form: { x: '1' }, headers: json });
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('csrf');
    expect((await b.request(`${h.baseUrl}/console/probe`, { form: { _csrf: `${csrf}x` }, headers: json })).status).toBe(403);
    expect((await b.request(`${h.baseUrl}/console/probe`, { form: { _csrf: csrf }, headers: { ...json, origin: 'https://evil.example' } })).status).toBe(403);
    expect((await b.request(`${h.baseUrl}/console/probe`, { form: { _csrf: csrf }, headers: { ...json, 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    const ok = await b.request(`${h.baseUrl}/console/probe`, { form: { _csrf: csrf }, headers: { ...json, origin: h.baseUrl, 'sec-fetch-site': 'same-origin' } });
    expect(ok.status).toBe(200);
    const viaHeader = await b.request(`${h.baseUrl}/console/probe`, { method: 'POST', headers: { ...json, 'x-csrf-token': csrf } });
    expect(viaHeader.status).toBe(200);
    // Another session's token does not work for this one.
    const other = new CookieBrowser();
    await signInOverHttp(other, h.baseUrl, 'auditor', TEST_PASSWORD);
    const otherCsrf = (await me(other)).body.csrfToken as string;
    expect((await b.request(`${h.baseUrl}/console/probe`, { form: { _csrf: otherCsrf }, headers: json })).status).toBe(403);
  });

  it('switching agency: only to an agency the officer belongs to (any for a system admin); mode live|sandbox', async () => {
    const b = new CookieBrowser();
    await signInOverHttp(b, h.baseUrl, 'issuer2', TEST_PASSWORD);
    const csrf = (await me(b)).body.csrfToken as string;
    const denied = await b.request(`${h.baseUrl}/console/session`, { form: { _csrf: csrf, agency: OTHER_AGENCY } });
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain('ท่านไม่ได้เป็นเจ้าหน้าที่ของหน่วยงานนี้');
    expect((await me(b)).body.agencyId).toBe('demo');
    expect((await b.request(`${h.baseUrl}/console/session`, { form: { _csrf: csrf, mode: 'production' } })).status).toBe(422);
    expect((await b.request(`${h.baseUrl}/console/session`, { form: { agency: 'demo', mode: 'sandbox' } })).status).toBe(403);
    const switched = await b.request(`${h.baseUrl}/console/session`, { form: { _csrf: csrf, mode: 'sandbox' } });
    expect(switched.status).toBe(303);
    expect(switched.headers.get('location')).toBe('/console');
    expect((await me(b)).body).toMatchObject({ agencyId: 'demo', mode: 'sandbox' });

    const admin = new CookieBrowser();
    await signInOverHttp(admin, h.baseUrl, 'sysadmin', TEST_PASSWORD);
    const a = await me(admin);
    expect(a.body).toMatchObject({ systemAdmin: true, agencyId: null, roles: [], agencies: [] });
    const res = await admin.request(`${h.baseUrl}/console/session`, { form: { _csrf: a.body.csrfToken as string, agency: OTHER_AGENCY }, headers: { accept: 'application/json' } });
    expect(await res.json()).toEqual({ agencyId: OTHER_AGENCY, mode: 'live' });
    expect((await me(admin)).body).toMatchObject({ agencyId: OTHER_AGENCY, roles: [] });
    const nowhere = await admin.request(`${h.baseUrl}/console/session`, { form: { _csrf: a.body.csrfToken as string, agency: 'no-such-agency' } });
    expect(nowhere.status).toBe(403);
  });

  it('logout (CSRF-checked) deletes the session and clears the cookie; the old cookie no longer works', async () => {
    const b = new CookieBrowser();
    await signInOverHttp(b, h.baseUrl, 'admin', TEST_PASSWORD);
    const { body } = await me(b);
    const token = b.cookie(h.baseUrl, session)!;
    expect((await b.request(`${h.baseUrl}/console/logout`, { form: {} })).status).toBe(403);
    const out = await b.request(`${h.baseUrl}/console/logout`, { form: { _csrf: body.csrfToken as string } });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/console/login');
    expect(out.headers.getSetCookie().some((c) => c.startsWith(`${session}=;`) && c.includes('Max-Age=0'))).toBe(true);
    expect(b.cookie(h.baseUrl, session)).toBeUndefined();
    expect(await t.db.selectFrom('sessions').select('token_hash').where('token_hash', '=', hashSessionToken(token)).executeTakeFirst()).toBeUndefined();
    // Replaying the old cookie: not signed in.
    const replay = new CookieBrowser();
    replay.setCookie(h.baseUrl, session, token);
    expect((await me(replay)).status).toBe(401);
  });

  it('an expired session (idle or absolute) is refused', async () => {
    const b = new CookieBrowser();
    await signInOverHttp(b, h.baseUrl, 'auditor', TEST_PASSWORD);
    expect((await me(b)).status).toBe(200);
    const hash = hashSessionToken(b.cookie(h.baseUrl, session)!);
    await t.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('token_hash', '=', hash).execute();
    const { status, body } = await me(b);
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('a disabled user is signed out at once and refused at the next sign-in', async () => {
    const b = new CookieBrowser();
    await signInOverHttp(b, h.baseUrl, 'newbie', TEST_PASSWORD);
    expect((await me(b)).status).toBe(200);
    const user = await getUserByEmail(t.db, 'newbie@example.org');
    const { setUserDisabled } = await import('../../../src/store/repos/users.js');
    await setUserDisabled(t.db, user!.id, true);
    expect((await me(b)).status).toBe(401);
    const again = await signInOverHttp(new CookieBrowser(), h.baseUrl, 'newbie', TEST_PASSWORD);
    expect(again.res.status).toBe(403);
    expect(await again.res.text()).toContain('ถูกระงับ');
    await setUserDisabled(t.db, user!.id, false);
  });

  it('a callback without the sign-in cookie, or with a forged state, goes back to the login page with a reason', async () => {
    const b = new CookieBrowser();
    const start = await b.request(`${h.baseUrl}/console/login/start`);
    const authorize = new URL(start.headers.get('location')!);
    const state = authorize.searchParams.get('state')!;
    const bare = await fetch(`${h.baseUrl}/console/auth/callback?code=x&state=${state}`, { redirect: 'manual' });
    expect(bare.status).toBe(303);
    expect(bare.headers.get('location')).toBe('/console/login?error=expired');
    const forged = await b.request(`${h.baseUrl}/console/auth/callback?code=x&state=not-the-state&iss=${encodeURIComponent(h.idp.issuer)}`);
    expect(forged.headers.get('location')).toBe('/console/login?error=provider');
    // The provider's page itself: a login form with labelled fields.
    const page = await new CookieBrowser().navigate(`${h.baseUrl}/console/login/start`);
    const html = await page.res.text();
    expect(html).toMatch(/<label for="username">/);
    expect(html).toMatch(/<label for="password">/);
    expect(parseForm(html, page.url).action).toContain('/interaction/');
  });
});

describe('console sign-in rate limit', () => {
  let t: TestDatabase;
  let h: AuthHarness;
  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    h = await startAuthHarness(t.db, { rateLimit: { max: 10, timeWindowMs: 60_000 } });
  });
  afterAll(async () => {
    await h?.close();
    await t?.destroy();
  });

  it('the 11th request within a minute from one IP is 429 with a bilingual page', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await fetch(`${h.baseUrl}/console/login/start`, { redirect: 'manual' });
      statuses.push(res.status);
      if (i === 10) {
        const html = await res.text();
        expect(html).toContain('มีการพยายามเข้าสู่ระบบมากเกินไป');
        expect(html).toContain('Too many sign-in attempts');
        expect(res.headers.get('content-type')).toContain('text/html');
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([...Array(10).fill(303), 429]);
    // The callback has its own budget, and the login page is not limited.
    expect((await fetch(`${h.baseUrl}/console/auth/callback`, { redirect: 'manual' })).status).toBe(303);
    expect((await fetch(`${h.baseUrl}/console/login`)).status).toBe(200);
  });
});

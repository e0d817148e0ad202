/**
 * A server started without an identity provider (`ekasarn serve` with no EKASARN_OIDC_ISSUER and no demo provider):
 * nobody can sign in to the console — no built-in users, no backdoor — even though officers exist in its database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('console without an identity provider', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
    base = t.config.publicUrl;
  });
  afterAll(async () => t?.destroy());

  it('has officers in its database yet offers no way to sign in', async () => {
    const users = await t.app.database.db.selectFrom('users').select('email').execute();
    expect(users.length).toBeGreaterThan(0);
    const login = await fetch(`${base}/console/login`);
    expect(login.status).toBe(200);
    const page = await login.text();
    expect(page).toContain('EKASARN_OIDC_ISSUER');
    expect(page).not.toContain('/console/login/start');
    const start = await fetch(`${base}/console/login/start`, { redirect: 'manual' });
    expect(start.status).toBe(303);
    expect(new URL(start.headers.get('location')!, base).pathname).toBe('/console/login');
    // Every console page sends the visitor to sign in; a made-up session cookie changes nothing.
    for (const path of ['/console', '/console/issue', '/console/admin', '/console/system', '/console/audit.csv']) {
      const r = await fetch(`${base}${path}`, { redirect: 'manual', headers: { cookie: 'ekasarn_session=forged-token' } });
      expect(r.status, path).toBe(303);
      expect(r.headers.get('location'), path).toBe('/console/login');
    }
    const post = await fetch(`${base}/console/drafts/x/approve`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'ekasarn_session=forged-token' }, body: '_csrf=x' });
    expect(post.status).toBe(401);
  });
});

import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/databases.js';
import { startAuthHarness, TEST_PASSWORD, type AuthHarness } from './harness.js';
import { CHROMIUM_LAUNCH, signInWithChromium } from './sign-in.js';

/** The whole sign-in in real Chromium, keyboard only, through the demo provider's own login page. */
describe('console sign-in in Chromium', () => {
  let t: TestDatabase;
  let h: AuthHarness;
  let browser: Browser;

  beforeAll(async () => {
    t = await createTestDatabase('sqlite');
    h = await startAuthHarness(t.db);
    browser = await chromium.launch(CHROMIUM_LAUNCH);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await t?.destroy();
  });

  it('signs in by Tab, typing and Enter; the session cookie is HttpOnly and SameSite=Lax', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const started = Date.now();
    await signInWithChromium(page, h.baseUrl, 'approver', TEST_PASSWORD);
    const ms = Date.now() - started;
    expect(new URL(page.url()).pathname).toBe('/console');
    const me = JSON.parse((await page.textContent('body'))!) as Record<string, unknown>;
    expect(me).toMatchObject({ displayName: 'ประเสริฐ มั่นคง', agencyId: 'demo', roles: ['approving_officer'] });
    const cookie = (await context.cookies(h.baseUrl)).find((c) => c.name === 'ekasarn_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false });
    console.log(`chromium keyboard sign-in: ${ms} ms`);

    // Signing out and in again as someone else in the same browser asks for credentials again (prompt=login).
    await page.goto(`${h.baseUrl}/console/login`);
    await signInWithChromium(page, h.baseUrl, 'auditor', TEST_PASSWORD);
    expect(JSON.parse((await page.textContent('body'))!)).toMatchObject({ displayName: 'อรุณี ตรวจตรา', roles: ['auditor'] });
    await context.close();
  });

  it('a wrong password is reported by the helper with the provider page text', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await expect(signInWithChromium(page, h.baseUrl, 'issuer', 'nope')).rejects.toThrow(/Wrong username or password/);
    await context.close();
  });
});

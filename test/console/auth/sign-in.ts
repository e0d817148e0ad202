import type { Page } from 'playwright-core';

/** Launch options for Debian's Chromium, as the project's other browser tests use them. */
export const CHROMIUM_LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};

async function activeId(page: Page): Promise<string | undefined> {
  return page.evaluate(() => document.activeElement?.id || undefined);
}

/** Presses Tab until the element with this id has focus (keyboard-only navigation, as an officer without a mouse would). */
async function tabTo(page: Page, id: string, maxTabs = 20): Promise<void> {
  for (let i = 0; i < maxTabs && (await activeId(page)) !== id; i++) await page.keyboard.press('Tab');
  const now = await activeId(page);
  if (now !== id) throw new Error(`keyboard: could not reach #${id} with Tab (focus is on ${now ?? 'nothing'})`);
}

/**
 * Signs in to the console in a real browser using only the keyboard: on /console/login, Tab to the sign-in button and
 * press Enter; on the identity provider's page type the username, Tab, type the password, press Enter. Resolves when
 * the browser is back on the console signed in (normally at `${baseUrl}/console`); throws with the page's text when
 * the sign-in was refused or failed. Works with the demo provider (src/app/demo-idp.ts), whose username field has
 * autofocus; a browser context that already has a session is simply signed in again.
 */
export async function signInWithChromium(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  const origin = new URL(baseUrl).origin;
  await page.goto(`${baseUrl}/console/login`);
  await tabTo(page, 'sign-in');
  await Promise.all([page.waitForURL((u) => u.origin !== origin), page.keyboard.press('Enter')]);
  await page.waitForSelector('#username');
  if ((await activeId(page)) !== 'username') await tabTo(page, 'username');
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await Promise.all([
    page.waitForURL((u) => u.origin === origin || u.pathname.endsWith('/login'), { waitUntil: 'load' }),
    page.keyboard.press('Enter'),
  ]);
  const url = new URL(page.url());
  if (url.origin !== origin || url.pathname.startsWith('/console/auth/') || url.pathname.startsWith('/console/login')) {
    const text = (await page.textContent('body'))?.replace(/\s+/g, ' ').trim().slice(0, 300);
    throw new Error(`sign-in as ${username} did not complete: at ${url.pathname}: ${text}`);
  }
}

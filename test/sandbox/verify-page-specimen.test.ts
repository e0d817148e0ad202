/**
 * A training specimen on the public /verify page, in real Chromium against a real `ekasarn serve`: the verdict is
 * SPECIMEN in warning colours (not green) with the sentence and a notice, the registry is not asked about it, and
 * the file never leaves the browser. Screenshot: test-artifacts/e2e/specimen-verify-page.png.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { CHROMIUM, launchChromium } from '../e2e/lib/browser.js';
import { recordRequests } from '../e2e/lib/network-log.js';
import { openVerifyPage, uploadAndWait } from '../e2e/lib/verify-page-driver.js';
import { createRenderer, type Renderer } from '../../src/render/index.js';
import { issueSpecimen, type SpecimenResult } from '../../src/issuance/issue-specimen.js';
import { sandboxSigners } from '../../src/app/sandbox-keys.js';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'e2e');
const sample = JSON.parse(readFileSync(join(REPO_ROOT, 'types', 'training-certificate', 'sample.json'), 'utf8')) as Record<string, unknown>;

describe.skipIf(!CHROMIUM)('a specimen on the public verify page (Chromium)', { timeout: 180_000 }, () => {
  let t: TestApp;
  let renderer: Renderer;
  let browser: Browser;
  let context: BrowserContext;
  let specimen: SpecimenResult;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createTestApp('sqlite');
    renderer = createRenderer();
    specimen = await issueSpecimen(
      { db: t.app.database.db, blobs: t.app.blobs, types: t.app.types, renderer, sandboxSignerFor: sandboxSigners(t.config, t.app.database.db), publicUrl: t.config.publicUrl },
      { agencyId: 'demo', typeId: 'training-certificate', data: sample, actor: 'user:u-trainer' },
    );
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: t.config.publicUrl, viewport: { width: 1000, height: 900 } });
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    renderer?.close();
    await t?.destroy();
  });

  it('shows SPECIMEN in warning colours with its sentence, asks the registry nothing, uploads nothing', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const requests = recordRequests(page);
    await openVerifyPage(page, '/verify');
    expect(await uploadAndWait(page, { name: 'specimen.pdf', bytes: specimen.pdf })).toBe('SPECIMEN');

    const box = page.locator('#verdict');
    const classes = (await box.getAttribute('class')) ?? '';
    expect(classes).toContain('specimen');
    expect(classes).toContain('warn');
    expect(classes).not.toMatch(/\bok\b/);
    expect(await box.innerText()).toContain('เอกสารตัวอย่างสำหรับฝึกอบรม ไม่ใช่เอกสารราชการ');
    // Not green: the computed background is the page's warning colour family, never the VALID green.
    const background = await box.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).not.toBe('rgb(230, 244, 234)');
    expect(await page.locator('#specimen-notice').innerText()).toContain('SPECIMEN');
    expect(await page.getAttribute('#registry-status', 'data-status')).toBe('specimen');
    // Its id is shown but not linked to a status page the registry could not fill.
    expect(await page.locator(`#result a[href*="${specimen.specimen.id}"]`).count()).toBe(0);
    expect(await page.locator('#result').innerText()).toContain(specimen.specimen.id);
    await page.screenshot({ path: join(ARTIFACTS, 'specimen-verify-page.png'), fullPage: true });

    // The specimen's id never goes to the server (no status look-up, no log proof), nor does the file.
    for (const r of requests) {
      expect(r.url).not.toContain(specimen.specimen.id);
      expect(r.method === 'GET' || r.method === 'HEAD', `${r.method} ${r.url}`).toBe(true);
    }
    expect(errors).toEqual([]);
  });
});

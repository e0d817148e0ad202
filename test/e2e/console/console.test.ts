/**
 * The issuer console as officers use it, in real Chromium against a real `ekasarn serve` with the bundled demo
 * identity provider: every role signs in through the real OpenID Connect flow; an issuing officer fills the issue form
 * by keyboard with inline validation and a DRAFT preview; maker-checker approval (and the refusal of self-approval);
 * rejection with a reason; revocation; agencies that cannot see each other (UI and API); bulk upload with live
 * progress; a broken template that cannot be published; the training sandbox's SPECIMEN; the audit view and its CSV.
 * Screenshots of the main screens are kept in test-artifacts/console/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { CHROMIUM, launchChromium } from '../lib/browser.js';
import { signInWithChromium } from '../../console/auth/sign-in.js';
import { BAD_ROWS_FIXTURE } from '../../bulk/e2e/bad-rows-fixture.js';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'console');
const PASSWORD = 'e2e-demo-password';
const TEN_K_FIXTURE = '/work/shared/fixtures/training-certificates-10k.csv';
const SLOW = 240_000;
const training = JSON.parse(readFileSync(join(REPO_ROOT, 'types', 'training-certificate', 'sample.json'), 'utf8')) as Record<string, string>;
const factory = JSON.parse(readFileSync(join(REPO_ROOT, 'types', 'factory-licence', 'sample.json'), 'utf8')) as Record<string, string | number>;

describe.skipIf(!CHROMIUM)('issuer console in Chromium (e2e)', { timeout: SLOW }, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let scratch: string;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  // Shared between the steps, in order.
  let issuedDocumentId = '';
  let issuerDraftUrl = '';

  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  /** A fresh browser (own cookies) signed in as a demo officer. */
  async function officer(username: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
    await signInWithChromium(page, base, username, PASSWORD);
    return page;
  }

  const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
  async function tabTo(page: Page, id: string, max = 60): Promise<number> {
    for (let i = 0; i < max; i++) {
      if ((await activeId(page)) === id) return i;
      await page.keyboard.press('Tab');
    }
    throw new Error(`keyboard: #${id} not reached with Tab (focus on #${await activeId(page)})`);
  }

  /** Fills the generated issue form (fields f-<name>) without the keyboard, for the steps that are not about it. */
  async function fillForm(page: Page, data: Record<string, string | number>): Promise<void> {
    for (const [k, v] of Object.entries(data)) {
      const sel = `#f-${k}`;
      if ((await page.locator(sel).evaluate((e) => e.tagName)) === 'SELECT') await page.selectOption(sel, String(v));
      else await page.fill(sel, String(v));
    }
  }

  /** POSTs a form from the signed-in page itself (its cookies and CSRF token), as a hand-made request would. */
  async function postFromPage(page: Page, path: string, fields: Record<string, string> = {}): Promise<number> {
    return page.evaluate(
      async ({ path, fields }) => {
        const csrf = (document.querySelector('input[name="_csrf"]') as HTMLInputElement).value;
        const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, ...fields }), redirect: 'manual' });
        return res.status;
      },
      { path, fields },
    );
  }

  const count = async (table: 'documents' | 'log_events' | 'specimens' | 'document_types', where?: [string, string]) => {
    let q = t.app.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
    if (where) q = q.where(where[0] as never, '=', where[1] as never);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    scratch = mkdtempSync(join(tmpdir(), 'ekasarn-console-'));
    t = await createTestApp('sqlite', { EKASARN_DEMO_IDP: 'on', EKASARN_DEMO_PASSWORD: PASSWORD, EKASARN_DEMO_IDP_PORT: '0', EKASARN_BULK_WORKERS: '1', EKASARN_LOGIN_RATE_LIMIT: '1000' });
    base = t.config.publicUrl;
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.destroy();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('every role signs in through the real OpenID Connect flow and sees only its own menu', async () => {
    const expectations: [string, string, string[], string[]][] = [
      ['sysadmin', 'สมศักดิ์ ดูแลระบบ', ['หน่วยงานทั้งหมด'], ['ออกเอกสาร']],
      ['admin', 'สมหญิง ใจดี', ['ตั้งค่าหน่วยงาน', 'ประเภทเอกสาร', 'บันทึกการใช้งาน'], ['ออกเอกสาร', 'หน่วยงานทั้งหมด']],
      ['issuer', 'สมชาย รักงาน', ['ออกเอกสาร', 'ออกเป็นชุด', 'ค้นหาเอกสาร'], ['ตั้งค่าหน่วยงาน', 'บันทึกการใช้งาน']],
      ['approver', 'ประเสริฐ มั่นคง', ['ร่างเอกสาร', 'ค้นหาเอกสาร'], ['ออกเอกสาร', 'ตั้งค่าหน่วยงาน']],
      ['auditor', 'อรุณี ตรวจตรา', ['บันทึกการใช้งาน', 'ค้นหาเอกสาร'], ['ออกเอกสาร', 'ตั้งค่าหน่วยงาน']],
    ];
    for (const [user, name, sees, doesNotSee] of expectations) {
      const page = await officer(user);
      expect(new URL(page.url()).pathname).toBe('/console');
      expect(await page.locator('header.top').innerText()).toContain(name);
      const nav = (await page.locator('nav.main').count()) ? await page.locator('nav.main').innerText() : '';
      for (const s of sees) expect(nav, `${user} sees ${s}`).toContain(s);
      for (const s of doesNotSee) expect(nav, `${user} does not see ${s}`).not.toContain(s);
      await shot(page, `home-${user}`);
    }
    // The session cookie is HttpOnly: page scripts cannot read it.
    const page = await officer('auditor');
    expect(await page.evaluate(() => document.cookie)).not.toContain('ekasarn_session');
    // A person the provider knows but no agency registered is refused, with what to do next: "other" has no agency yet.
    await expect(officer('other')).rejects.toThrow(/ยังไม่ได้ลงทะเบียนกับหน่วยงานใด/);
  });

  it('an issuing officer fills the issue form by keyboard, with inline validation and a DRAFT preview, and sends it for approval', async () => {
    const page = await officer('issuer');
    await page.goto(`${base}/console/issue/training-certificate`);
    // From the top of the page: the skip link first, then on into the form.
    await page.keyboard.press('Tab');
    expect(await activeId(page)).toBe('');
    expect(await page.evaluate(() => (document.activeElement as HTMLAnchorElement).getAttribute('href'))).toBe('#content');
    await tabTo(page, 'f-citizen_id');
    await page.keyboard.type('1234');
    await page.keyboard.press('Tab');
    // Leaving the field asks the server's validator; the message appears under the field, in Thai and English.
    await expect.poll(() => page.locator('#f-citizen_id').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-citizen_id-error').innerText()).toMatch(/เลขประจำตัวประชาชน/);
    expect(await activeId(page)).toBe('f-title_th');
    await shot(page, 'issue-inline-error');
    // Back to fix it (Shift+Tab), then every field in order by keyboard.
    await page.keyboard.press('Shift+Tab');
    expect(await activeId(page)).toBe('f-citizen_id');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(training.citizen_id!);
    const order = ['f-title_th', 'f-first_name_th', 'f-last_name_th', 'f-first_name_en', 'f-last_name_en', 'f-course_th', 'f-completed_on', 'f-result'];
    for (const id of order) {
      // A date input is several tab stops (month, day, year): Tab until focus leaves the field.
      const from = await activeId(page);
      for (let i = 0; i < 3 && (await activeId(page)) === from; i++) await page.keyboard.press('Tab');
      expect(await activeId(page), 'tab order follows the form').toBe(id);
      const name = id.slice(2);
      if (name === 'title_th' || name === 'result') {
        // A select: choose by arrow keys until the wanted option is selected.
        for (let i = 0; i < 10 && (await page.locator(`#${id}`).inputValue()) !== training[name]; i++) await page.keyboard.press('ArrowDown');
        expect(await page.locator(`#${id}`).inputValue()).toBe(training[name]);
      } else if (name === 'completed_on') {
        const [y, m, d] = training.completed_on!.split('-');
        await page.keyboard.type(`${m}${d}${y}`);
        expect(await page.locator(`#${id}`).inputValue()).toBe(training.completed_on);
      } else {
        await page.keyboard.type(training[name]!);
      }
    }
    await expect.poll(() => page.locator('#f-citizen_id').getAttribute('aria-invalid')).toBeNull();
    // Preview: the real rendering, watermarked, not signed.
    await page.locator('button[value=preview]').focus();
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const previews = page.locator('.preview img');
    expect(await previews.count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#preview-h').innerText()).toContain('ร่าง');
    expect(await page.locator('#f-first_name_th').inputValue()).toBe(training.first_name_th);
    await shot(page, 'issue-preview');
    await page.locator('button[value=save]').focus();
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(page.url()).toMatch(/\/console\/drafts\/[A-Za-z0-9_-]+\?done=saved$/);
    await page.locator('#submit-draft').focus();
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.locator('#draft-state').getAttribute('data-state')).toBe('submitted');
    issuerDraftUrl = page.url().split('?')[0]!;
    await shot(page, 'draft-submitted');
  });

  it('another officer approves: the document is signed then, and verifies', async () => {
    const before = await count('documents');
    const page = await officer('approver');
    await page.goto(`${base}/console/drafts?state=submitted`);
    await shot(page, 'approvals-queue');
    await page.goto(issuerDraftUrl);
    // The DRAFT preview pages load from their own (compressed) URL.
    await page.waitForFunction(() => {
      const imgs = Array.from(document.querySelectorAll<HTMLImageElement>('.preview img'));
      return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    });
    await shot(page, 'draft-to-approve');
    await Promise.all([page.waitForNavigation(), page.click('#approve')]);
    expect(await page.locator('#draft-state').getAttribute('data-state')).toBe('issued');
    expect(await count('documents')).toBe(before + 1);
    await Promise.all([page.waitForNavigation(), page.click('#issued-document')]);
    issuedDocumentId = page.url().split('/').pop()!.split('?')[0]!;
    await shot(page, 'document');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href$="/pdf"]')]);
    const path = join(scratch, 'approved.pdf');
    await download.saveAs(path);
    const pdf = readFileSync(path);
    const report = await t.app.verify(pdf);
    expect(report.verdict).toBe('VALID');
    const pdfsig = execFileSync('pdfsig', [path], { encoding: 'utf8' });
    expect(pdfsig).toContain('Signature is Valid');
    // The audit trail says who approved, from where.
    const events = await t.app.database.db.selectFrom('audit_events').selectAll().where('document_id', '=', issuedDocumentId).execute();
    const issued = events.find((e) => e.action === 'document.issued')!;
    expect(issued.actor).toMatch(/^user:/);
    expect(issued.source).toBe('127.0.0.1');
  });

  it('the drafter cannot approve their own draft, even holding both roles', async () => {
    // The administrator gives the approving officer the issuing role too (roles are edited in the console).
    const admin = await officer('admin');
    await admin.goto(`${base}/console/admin`);
    await shot(admin, 'agency-settings');
    const row = admin.locator('tr', { hasText: 'ประเสริฐ มั่นคง' });
    await row.locator('input[value=issuing_officer]').check();
    await Promise.all([admin.waitForNavigation(), row.locator('button[type=submit]').click()]);
    expect(admin.url()).toContain('done=role');

    const page = await officer('approver');
    await page.goto(`${base}/console/issue/training-certificate`);
    await fillForm(page, { ...training, first_name_th: 'สมใจ' });
    await Promise.all([page.waitForNavigation(), page.click('button[value=save]')]);
    await Promise.all([page.waitForNavigation(), page.click('#submit-draft')]);
    expect(await page.locator('#draft-state').getAttribute('data-state')).toBe('submitted');
    // No approve button, and a note saying why.
    expect(await page.locator('#approve').count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain('จึงอนุมัติเองไม่ได้');
    // A hand-made request is refused by the server as well.
    const draftPath = new URL(page.url()).pathname;
    expect(await postFromPage(page, `${draftPath}/approve`)).toBe(403);
    await page.reload();
    expect(await page.locator('#draft-state').getAttribute('data-state')).toBe('submitted');
  });

  it('a rejection with a reason goes back to the drafter', async () => {
    const maker = await officer('issuer2');
    await maker.goto(`${base}/console/issue/training-certificate`);
    await fillForm(maker, { ...training, first_name_th: 'วิไล' });
    await Promise.all([maker.waitForNavigation(), maker.click('button[value=save]')]);
    await Promise.all([maker.waitForNavigation(), maker.click('#submit-draft')]);
    const url = maker.url().split('?')[0]!;
    const checker = await officer('approver');
    await checker.goto(url);
    await checker.fill('#reason', 'สะกดชื่อหลักสูตรไม่ตรงกับคำสั่ง');
    await Promise.all([checker.waitForNavigation(), checker.click('#reject')]);
    await maker.goto(url);
    expect(await maker.locator('#draft-state').getAttribute('data-state')).toBe('rejected');
    expect(await maker.locator('#rejection-reason').innerText()).toBe('สะกดชื่อหลักสูตรไม่ตรงกับคำสั่ง');
    expect(await maker.locator('a[href$="/edit"]').count()).toBe(1);
    await shot(maker, 'draft-rejected');
  });

  it('search finds the document by serial, subject id, name and status', async () => {
    const page = await officer('auditor');
    await page.goto(`${base}/console/documents`);
    await page.fill('#s-subject', training.citizen_id!);
    await Promise.all([page.waitForNavigation(), page.click('form[role=search] button[type=submit]')]);
    expect(await page.locator('#results tbody tr').count()).toBe(1);
    const serial = (await t.app.database.db.selectFrom('documents').select('serial').where('id', '=', issuedDocumentId).executeTakeFirstOrThrow()).serial;
    await page.goto(`${base}/console/documents?serial=${encodeURIComponent(serial)}`);
    expect(await page.locator('#results tbody tr').count()).toBe(1);
    expect(await page.locator('#results').innerText()).toContain(serial);
    await page.goto(`${base}/console/documents?name=${encodeURIComponent(training.first_name_th!)}&status=active`);
    expect(await page.locator('#results').innerText()).toContain(training.first_name_th);
    await shot(page, 'search');
  });

  it('an approving officer revokes with a reason; the public status says so', async () => {
    const page = await officer('approver');
    await page.goto(`${base}/console/documents/${issuedDocumentId}`);
    await page.selectOption('#revoke-reason', 'issued_in_error');
    await page.fill('#revoke-note', 'ออกซ้ำ');
    await Promise.all([page.waitForNavigation(), page.click('#revoke-button')]);
    expect(await page.locator('#doc-status').getAttribute('data-status')).toBe('revoked');
    await shot(page, 'document-revoked');
    const pub = (await (await fetch(`${base}/api/v1/documents/${issuedDocumentId}/status`)).json()) as { status: string };
    expect(pub.status).toBe('revoked');
  });

  it("an officer of another agency cannot open agency A's document or draft (UI and API)", async () => {
    // The system administrator adds agency B with "other" as its administrator.
    const sys = await officer('sysadmin');
    await sys.goto(`${base}/console/system`);
    await sys.fill('#ag-id', 'agency-b');
    await sys.fill('#ag-th', 'กรมทดสอบที่สอง');
    await sys.fill('#ag-en', 'Second Test Department');
    await sys.fill('#ag-addr', 'ถนนทดสอบ กรุงเทพมหานคร');
    await sys.fill('#ag-admin', 'other@demo.ekasarn.invalid');
    await sys.fill('#ag-admin-name', 'มานพ ต่างกรม');
    await Promise.all([sys.waitForNavigation(), sys.click('form[action="/console/system/agencies"] button[type=submit]')]);
    expect(await sys.locator('main').innerText()).toContain('agency-b');
    await shot(sys, 'system-agencies');

    const other = await officer('other');
    expect(await other.locator('header.top').innerText()).toContain('กรมทดสอบที่สอง');
    for (const path of [`/console/documents/${issuedDocumentId}`, `/console/documents/${issuedDocumentId}/pdf`, new URL(issuerDraftUrl).pathname]) {
      const res = await other.goto(`${base}${path}`);
      expect(res?.status(), path).toBe(404);
    }
    await shot(other, 'cross-agency-404');
    // B's API key cannot read A's document either; A's key can.
    await other.goto(`${base}/console/admin`);
    await other.fill('#key-label', 'ระบบทะเบียนของกรม B');
    await other.check('input[name=scopes][value="documents:read"]');
    await Promise.all([other.waitForNavigation(), other.click('form[action="/console/admin/api-keys"] button[type=submit]')]);
    const keyB = await other.locator('#new-key').inputValue();
    const asB = await fetch(`${base}/api/v1/documents/${issuedDocumentId}`, { headers: { authorization: `Bearer ${keyB}` } });
    expect(asB.status).toBe(404);
    const asA = await fetch(`${base}/api/v1/documents/${issuedDocumentId}`, { headers: { authorization: `Bearer ${t.apiKey}` } });
    expect(asA.status).toBe(200);
  });

  it('bulk upload shows live progress and the per-row results', async () => {
    const page = await officer('issuer');
    await page.goto(`${base}/console/bulk`);
    await page.selectOption('#bulk-type', 'training-certificate');
    await page.setInputFiles('#bulk-file', BAD_ROWS_FIXTURE);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/console/bulk"] button[type=submit]')]);
    expect(page.url()).toMatch(/\/console\/bulk\/[A-Za-z0-9_-]{22}$/);
    await page.locator('#batch-links').waitFor({ state: 'visible', timeout: 120_000 });
    const counts = await page.locator('#batch-counts').innerText();
    expect(counts).toContain('ออกแล้ว 7');
    expect(counts).toContain('ผิดพลาด 7');
    expect(await page.locator('#batch-progress').getAttribute('value')).toBe('14');
    await shot(page, 'bulk-progress');
    const csv = await page.request.get(`${page.url()}/results.csv`);
    expect(csv.status()).toBe(200);
    expect((await csv.body()).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));

    // A bigger file, to watch the bar move: the page's script follows the server-sent events as rows are issued.
    const lines = readFileSync(TEN_K_FIXTURE, 'utf8').split(/\r?\n/).slice(0, 241);
    const file = join(scratch, 'wave-240.csv');
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    await page.goto(`${base}/console/bulk`);
    await page.selectOption('#bulk-type', 'training-certificate');
    await page.setInputFiles('#bulk-file', file);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/console/bulk"] button[type=submit]')]);
    const seen = await page.evaluate(
      () =>
        new Promise<number[]>((resolve) => {
          const values: number[] = [];
          const bar = document.getElementById('batch-progress') as HTMLProgressElement;
          const timer = setInterval(() => {
            if (values[values.length - 1] !== bar.value) values.push(bar.value);
            if (document.getElementById('batch')!.dataset.state === 'completed') {
              clearInterval(timer);
              resolve(values);
            }
          }, 50);
        }),
    );
    expect(seen[seen.length - 1]).toBe(240);
    expect(seen.some((v) => v > 0 && v < 240), `intermediate progress values seen: ${seen.join(', ')}`).toBe(true);
    expect(await page.locator('#batch-counts').innerText()).toContain('ออกแล้ว 240');
  });

  it('an approving officer supersedes a document with a corrected one', async () => {
    const active = await t.app.database.db.selectFrom('documents').select(['id', 'serial']).where('status', '=', 'active').where('type_id', '=', 'training-certificate').orderBy('issued_at').executeTakeFirstOrThrow();
    const page = await officer('approver');
    await page.goto(`${base}/console/documents/${active.id}/supersede`);
    expect(await page.locator('main').innerText()).toContain(active.serial);
    await page.selectOption('#f-result', 'ผ่าน (ดีเยี่ยม)');
    await page.fill('#note', 'แก้ผลการอบรมตามคำสั่งที่ 12/2569');
    await Promise.all([page.waitForNavigation(), page.click('#issue-form button[type=submit]')]);
    const successorId = page.url().split('/').pop()!.split('?')[0]!;
    expect(successorId).not.toBe(active.id);
    expect(await page.locator('#doc-status').getAttribute('data-status')).toBe('active');
    const old = await t.app.database.db.selectFrom('documents').select(['status', 'successor_id']).where('id', '=', active.id).executeTakeFirstOrThrow();
    expect(old).toEqual({ status: 'superseded', successor_id: successorId });
    await shot(page, 'document-superseding');
  });

  it('a type with a broken template cannot be published', async () => {
    const page = await officer('admin');
    await page.goto(`${base}/console/types/new`);
    await shot(page, 'type-editor');
    const definition = JSON.parse(await page.locator('#src-definition').inputValue()) as Record<string, unknown>;
    await page.fill('#src-definition', JSON.stringify({ ...definition, id: 'broken-type' }, null, 2));
    await page.fill('#src-template', '#let x = (\n= หัวเรื่องที่ไม่มีวันจบ');
    await Promise.all([page.waitForNavigation(), page.click('button[value=save]')]);
    expect(page.url()).toMatch(/\/console\/types\/broken-type\/1\?done=saved$/);
    await Promise.all([page.waitForNavigation(), page.click('#publish')]);
    expect(await page.locator('#type-problems').innerText()).toMatch(/template/);
    await shot(page, 'type-not-publishable');
    expect(await count('document_types', ['type_id', 'broken-type'])).toBe(0);
    await page.goto(`${base}/console/types`);
    expect(await page.locator('main').innerText()).not.toContain('broken-type v1 ออกแล้ว');
  });

  it('the training sandbox issues a SPECIMEN that never reaches the public log', async () => {
    const logBefore = await count('log_events');
    const docsBefore = await count('documents');
    const page = await officer('issuer');
    await Promise.all([page.waitForNavigation(), page.click('#mode-switch')]);
    expect(await page.locator('.sandbox-banner').innerText()).toContain('SPECIMEN');
    await page.goto(`${base}/console/issue/factory-licence`);
    await fillForm(page, factory);
    await Promise.all([page.waitForNavigation(), page.click('button[value=save]')]);
    await Promise.all([page.waitForNavigation(), page.click('#submit-draft')]);
    expect(await page.locator('#draft-state').getAttribute('data-state')).toBe('issued');
    await shot(page, 'sandbox-issued');
    await Promise.all([page.waitForNavigation(), page.click('#issued-document')]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href$="/pdf"]')]);
    const path = join(scratch, 'specimen.pdf');
    await download.saveAs(path);
    const report = await t.app.verify(readFileSync(path));
    expect(report.verdict).toBe('SPECIMEN');
    expect(execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' })).toContain('SPECIMEN');
    expect(await count('log_events')).toBe(logBefore);
    expect(await count('documents')).toBe(docsBefore);
    expect(await count('specimens')).toBe(1);
  });

  it('the audit view filters and exports CSV', async () => {
    const page = await officer('auditor');
    await page.goto(`${base}/console/audit?action=draft.approved`);
    const rows = page.locator('#audit tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('ประเสริฐ มั่นคง');
    await page.goto(`${base}/console/audit`);
    await shot(page, 'audit');
    const csv = await page.request.get(`${base}/console/audit.csv?action=document.revoked`);
    const text = (await csv.body()).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('document.revoked');
    expect(text).toContain('\r\n');
    writeFileSync(join(ARTIFACTS, 'audit-export.csv'), text);
    expect(pageErrors).toEqual([]);
  });
});

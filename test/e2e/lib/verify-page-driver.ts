/** Small steps a person takes on the verify page, written once for every test. */
import type { Page } from 'playwright-core';

export interface PdfFile {
  name: string;
  bytes: Uint8Array;
}

const asPayload = (f: PdfFile) => ({ name: f.name, mimeType: 'application/pdf', buffer: Buffer.from(f.bytes) });

/** Resolves once main.ts has finished a verification and shown it (or throws after `timeoutMs`). */
export async function waitForResult(page: Page, timeoutMs = 60_000): Promise<string> {
  await page.waitForFunction(
    () => {
      const w = window as unknown as { ekasarnLastVerification?: unknown };
      const result = document.getElementById('result');
      return !!w.ekasarnLastVerification && !!result && !result.hidden && !!document.getElementById('verdict');
    },
    undefined,
    { timeout: timeoutMs },
  );
  return (await page.getAttribute('#verdict', 'data-verdict')) ?? '';
}

/** Forgets the previous result so the next wait sees only the new one. */
export async function forgetLastResult(page: Page): Promise<void> {
  await page.evaluate(() => {
    delete (window as unknown as { ekasarnLastVerification?: unknown }).ekasarnLastVerification;
  });
}

/** Chooses `file` in the #file input (as the file chooser would) and waits for the verdict. */
export async function uploadAndWait(page: Page, file: PdfFile): Promise<string> {
  await forgetLastResult(page);
  // Clearing first makes the next choice a real change even when it is the same file again.
  await page.setInputFiles('#file', []);
  await page.setInputFiles('#file', asPayload(file));
  return waitForResult(page);
}

export async function openVerifyPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  // main.ts marks the document once its listeners are attached.
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
}

export const activeId = (page: Page): Promise<string> => page.evaluate(() => document.activeElement?.id ?? '');

/**
 * Presses Tab (or Shift+Tab) until `reached` holds for the focused element, at most `max` times; returns how many
 * presses it took. Throws naming what had focus, so a broken tab order is easy to read from the failure.
 */
export async function tabUntil(page: Page, reached: () => boolean, opts: { max?: number; back?: boolean } = {}): Promise<number> {
  const max = opts.max ?? 40;
  const seen: string[] = [];
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
    if (await page.evaluate(reached)) return i;
    seen.push(await page.evaluate(() => {
      const a = document.activeElement;
      return a ? `${a.tagName.toLowerCase()}${a.id ? `#${a.id}` : ''}` : '(none)';
    }));
  }
  throw new Error(`focus never reached the target after ${max} presses; it went: ${seen.join(' → ')}`);
}

export { asPayload };

import { existsSync } from 'node:fs';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeTypstPdf, qpdfCheck } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';

// The reader/writer must be isomorphic: bundle it for the browser (esbuild fails on any Node built-in) and run it.
describe.skipIf(!existsSync(CHROMIUM))('in a browser (Chromium)', () => {
  it('bundles without Node built-ins, then reads and signs a PDF inside Chromium', async () => {
    const bundle = await build({
      entryPoints: [new URL('../../src/pdf/index.ts', import.meta.url).pathname],
      bundle: true, platform: 'browser', format: 'iife', globalName: 'ekasarnPdf', write: false, logLevel: 'silent',
    });
    const code = bundle.outputFiles[0]!.text;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      await page.addScriptTag({ content: code });
      const input = Array.from(makeTypstPdf());
      const result = await page.evaluate((bytes) => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const lib = (globalThis as any).ekasarnPdf;
        const pdf = new Uint8Array(bytes);
        const prepared = lib.prepareSignature(pdf, { kind: 'signature', contentsBytes: 1024, reason: 'อนุมัติ' });
        const out = lib.embedSignature(prepared, new Uint8Array([1, 2, 3]));
        const sigs = lib.findSignatureFields(lib.openPdf(out));
        return { out: Array.from(out as Uint8Array), reason: sigs[0].reason, revisions: lib.openPdf(out).revisions.length };
      }, input);
      expect(result.reason).toBe('อนุมัติ');
      expect(result.revisions).toBe(2);
      const r = qpdfCheck(new Uint8Array(result.out), 'browser-signed.pdf');
      expect(r.status).toBe(0);
    } finally {
      await browser.close();
    }
  });
});

// The engine actually running inside Chromium (Debian package, driven by playwright-core): the same bundle the
// verify page will load, fed a CMS made by openssl.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePki, type Pki } from './helpers/openssl-pki.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

describe.skipIf(!CHROMIUM)('verification engine in a real browser', () => {
  let pki: Pki;
  let browser: Browser;
  let bundle: string;

  beforeAll(async () => {
    pki = makePki();
    const out = await build({
      entryPoints: [join(import.meta.dirname, '../../src/verify/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'EkasarnVerify',
      target: 'es2022',
      minify: true,
      write: false,
      logLevel: 'silent',
    });
    bundle = out.outputFiles[0]!.text;
    browser = await chromium.launch({
      executablePath: CHROMIUM!,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    pki?.cleanup();
  });

  it('verifies a valid RSA and P-256 signature and detects a changed byte, in Chromium', async () => {
    const page = await browser.newPage();
    // Serve from http://localhost: a secure context, so WebCrypto is available as on the real site.
    await page.route('http://localhost/**', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>verify</title>' }));
    await page.goto('http://localhost/verify');
    await page.addScriptTag({ content: bundle });
    const rsa = pki.sign({ signer: 'signer-rsa.pem', key: 'signer-rsa.key' });
    const ec = pki.sign({ signer: 'signer-ec.pem', key: 'signer-ec.key' });
    const verdicts = await page.evaluate(
      async ({ rsa, ec, data, root }) => {
        const V = (globalThis as unknown as { EkasarnVerify: typeof import('../../src/verify/index.js') }).EkasarnVerify;
        const u8 = (a: number[]) => new Uint8Array(a);
        const run = async (cms: number[], content: Uint8Array) => {
          const r = await V.verifyCmsSignature({ cms: u8(cms), signedContent: [content], trustRoots: [u8(root)] });
          return { verdict: V.decideVerdict(r.checks), failed: r.checks.filter((c) => c.status === 'failed').map((c) => c.id), cn: r.signer?.commonName };
        };
        const changed = u8(data);
        changed[7] = changed[7]! ^ 1;
        return { rsa: await run(rsa, u8(data)), ec: await run(ec, u8(data)), tampered: await run(rsa, changed), garbage: await run([1, 2, 3], u8(data)) };
      },
      { rsa: [...rsa], ec: [...ec], data: [...pki.data], root: [...pki.rootDer] },
    );
    expect(verdicts.rsa).toEqual({ verdict: 'VALID', failed: [], cn: 'ผู้ลงนาม ทดสอบ' });
    expect(verdicts.ec).toEqual({ verdict: 'VALID', failed: [], cn: 'EC Signer' });
    expect(verdicts.tampered).toMatchObject({ verdict: 'TAMPERED', failed: ['cms.message-digest'] });
    expect(verdicts.garbage).toMatchObject({ verdict: 'MALFORMED', failed: ['cms.parse'] });
    await page.close();
  });
});

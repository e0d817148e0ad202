// src/revocation/check must run in a browser: no Node built-ins, esbuild bundles it for the browser, and in
// Chromium it fetches revocation data from our responder (CORS) and decides the status at a point in time.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { createServer, type Server } from 'node:http';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createDevRootCa, issueAgencySigningCertificate } from '../../src/signing/index.js';
import { createRevocationHttpServer, recordIssuedCertificate, revokeCertificate } from '../../src/revocation/ca/index.js';
import { getParsedCertificate } from '../../src/verify/cms/parsed-certificate.js';
import { HOUR, close, listen, scratchDir } from './tools.js';

const ROOT = join(import.meta.dirname, '../../src/revocation/check');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]!]));

const tsFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });

async function bundle(format: 'esm' | 'iife') {
  return build({
    entryPoints: [join(ROOT, 'index.ts')],
    bundle: true,
    platform: 'browser',
    format,
    ...(format === 'iife' ? { globalName: 'EkasarnRevocation' } : {}),
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    metafile: true,
  });
}

describe('browser safety of src/revocation/check', () => {
  it('imports no node: module or Node built-in, and uses no Node globals', () => {
    const files = tsFiles(ROOT);
    expect(files.length).toBeGreaterThan(8);
    const problems: string[] = [];
    const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      for (const m of code.matchAll(specifier)) {
        const spec = m[1]!;
        if (spec.startsWith('node:') || NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split('/')[0]!)) problems.push(`${relative(ROOT, file)} imports ${spec}`);
      }
      const code2 = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      for (const global of ['Buffer', 'process', '__dirname', 'require']) if (new RegExp(`\\b${global}\\b`).test(code2)) problems.push(`${relative(ROOT, file)} uses ${global}`);
    }
    expect(problems).toEqual([]);
  });

  it('bundles with esbuild for the browser (every transitive import included) without errors', async () => {
    const result = await bundle('esm');
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.some((i) => i.includes('pkijs'))).toBe(true);
    expect(inputs.filter((i) => i.startsWith('node:'))).toEqual([]);
    const text = result.outputFiles[0]!.text;
    expect(text).toContain('checkRevocation');
    console.log(`src/revocation/check browser bundle: ${(text.length / 1024).toFixed(0)} KiB unminified`);
  });

  it.skipIf(!CHROMIUM)('in Chromium: fetches CRL + OCSP from our responder and checks a revoked certificate at T ± 1 h', async () => {
    const ca = await createDevRootCa();
    const stateDir = scratchDir('revocation-browser');
    const server: Server = createRevocationHttpServer({ ca, stateDir });
    const base = await listen(server);
    // The page comes from another loopback origin: fetching the CRL and POSTing OCSP is then a real cross-origin
    // request (CORS preflight included). Chromium refuses routed/"public" pages access to loopback addresses.
    const pageServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>verify</title>');
    });
    const pageBase = await listen(pageServer);
    const browser = await chromium.launch({
      executablePath: CHROMIUM!,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const leaf = await issueAgencySigningCertificate(ca, { agencyNameEn: 'Browser Agency', keyAlgorithm: 'P-256', crlUrl: `${base}/crl/dev-ca.crl`, ocspUrl: `${base}/ocsp` });
      await recordIssuedCertificate(stateDir, leaf.certificate);
      const { revokedAt } = await revokeCertificate(stateDir, (await getParsedCertificate(leaf.certificate)).serialHex, { reason: 'affiliationChanged' });
      const code = (await bundle('iife')).outputFiles[0]!.text;
      const page = await browser.newPage();
      await page.goto(`${pageBase}/verify`);
      await page.addScriptTag({ content: code });
      const out = await page.evaluate(
        async ({ cert, issuer, T, hour }) => {
          const R = (globalThis as unknown as { EkasarnRevocation: typeof import('../../src/revocation/check/index.js') }).EkasarnRevocation;
          const c = new Uint8Array(cert);
          const i = new Uint8Array(issuer);
          const data = await R.fetchRevocationData(c, i, { timeoutMs: 5000 });
          const at = (ms: number) => new Date(Date.parse(T) + ms);
          const before = await R.checkRevocation({ certificate: c, issuer: i, ...data, at: at(-hour) });
          const after = await R.checkRevocation({ certificate: c, issuer: i, ...data, at: at(hour) });
          return {
            counts: [data.crls.length, data.ocspResponses.length, data.errors.length],
            before: { status: before.status, revokedAfter: before.revokedAfter, reason: before.reason },
            after: { status: after.status, revokedAt: after.revokedAt?.toISOString(), source: after.source },
          };
        },
        { cert: [...leaf.certificate], issuer: [...ca.certificate], T: revokedAt, hour: HOUR },
      );
      expect(out.counts).toEqual([1, 1, 0]);
      expect(out.before).toEqual({ status: 'good', revokedAfter: true, reason: 'affiliationChanged' });
      expect(out.after).toEqual({ status: 'revoked', revokedAt, source: 'ocsp' });
    } finally {
      await browser.close();
      await close(server);
      await close(pageServer);
    }
  }, 60_000);
});

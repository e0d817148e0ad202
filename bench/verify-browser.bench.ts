/**
 * In-browser verification of a one-page document: Debian Chromium (headless, driven by playwright-core) opens /verify
 * on a real `ekasarn serve` child process and is given the issued PDF through the page's <input type=file id=file>.
 *
 * Measured, per document level (B-B always, B-LT unless BENCH_LT=0):
 *   - fresh:  a new browser context each time (empty HTTP cache) → page load → first verification;
 *   - reload: the same context, page reloaded (verify.js from the HTTP cache) → first verification after load;
 *   - warm:   the same page, the input set again (engine and trust bundle already loaded).
 * For each: the engine time the page itself records (window.ekasarnLastVerification.ms, around verifyPdf — includes
 * the registry status request), the in-page wall time from the input's change event to #verdict being in the DOM and
 * to the next painted frame, the wall time seen from Node (setInputFiles → #verdict found; adds DevTools round trips),
 * the number of HTTP requests made, and, for page loads, the time from navigation start to <html data-ready>.
 * Also the size of /assets/verify.js (bytes, gzip and brotli bytes, and what the server actually sends).
 *
 *   npx tsx bench/verify-browser.bench.ts
 *   BENCH_SKIP_BUILD=1 BENCH_N=5 npx tsx bench/verify-browser.bench.ts
 *
 * Settings: BENCH_N (20 per group), BENCH_LT (1; 0 leaves B-LT out), BENCH_SKIP_BUILD, CHROMIUM (/usr/bin/chromium).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { onInterrupt } from './lib/cleanup.js';
import { latency } from './lib/latency.js';
import { loadAverage } from './lib/proc-usage.js';
import { buildUnlessSkipped, repoRoot, startServedDemo, type IssuedPdf, type ServedDemo } from './lib/served-demo.js';
import { fmt, table } from './lib/stats.js';

const N = (() => {
  const raw = process.env.BENCH_N ?? '20';
  if (!/^[1-9][0-9]*$/.test(raw)) throw new Error(`BENCH_N must be a positive whole number, got "${raw}"`);
  return Number(raw);
})();
const WITH_LT = process.env.BENCH_LT !== '0';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const STEP_TIMEOUT_MS = 30_000;

/** What one verification in the page measured (all ms). */
interface Sample {
  engineMs: number;
  changeToVerdictMs: number;
  changeToPaintMs: number;
  nodeWallMs: number;
  requests: number;
  /** Sum of the durations of the requests made during the verification (they run one after another). */
  networkMs: number;
  paths: string[];
  verdict: string;
  /** Page loads only: navigation start → <html data-ready="true">, from the page's own clock. */
  readyMs?: number;
}

/**
 * Installed before any page script: records when data-ready appears on <html>, when the file input changes (capture
 * phase, so before the page's own listener starts verifying), and when #verdict is added and then painted.
 */
const PROBE = `(() => {
  const b = (window.__bench = { readyAt: null, changeAt: null, verdictAt: null, paintAt: null });
  // At this point <html> may not exist yet: watch the whole document for the attribute.
  new MutationObserver((_, obs) => {
    if (document.documentElement && document.documentElement.dataset.ready === 'true') { b.readyAt = performance.now(); obs.disconnect(); }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
  document.addEventListener('change', (e) => { if (e.target && e.target.id === 'file') b.changeAt = performance.now(); }, true);
  const watch = () => new MutationObserver(() => {
    if (b.verdictAt === null && document.getElementById('verdict')) {
      b.verdictAt = performance.now();
      requestAnimationFrame(() => requestAnimationFrame(() => { b.paintAt = performance.now(); }));
    }
  }).observe(document.body, { childList: true, subtree: true });
  if (document.body) watch(); else document.addEventListener('DOMContentLoaded', watch);
})();`;

interface BenchWindow {
  __bench: { readyAt: number | null; changeAt: number | null; verdictAt: number | null; paintAt: number | null };
  ekasarnLastVerification?: { report: { verdict: string }; ms: number };
}

/** Opens /verify and waits for the script to be ready; returns navigation start → data-ready in ms. */
async function load(page: Page, url: string, how: 'goto' | 'reload'): Promise<number> {
  if (how === 'goto') await page.goto(url, { waitUntil: 'load', timeout: STEP_TIMEOUT_MS });
  else await page.reload({ waitUntil: 'load', timeout: STEP_TIMEOUT_MS });
  await page.waitForFunction(() => (window as unknown as BenchWindow).__bench.readyAt !== null, undefined, { timeout: STEP_TIMEOUT_MS });
  return page.evaluate(() => (window as unknown as BenchWindow).__bench.readyAt!);
}

/** Gives the page the file and waits for a painted verdict; the previous result is cleared first. */
async function verifyOnce(page: Page, doc: IssuedPdf, requestCounter: { n: number }): Promise<Sample> {
  await page.evaluate(() => {
    const w = window as unknown as BenchWindow;
    w.__bench.changeAt = w.__bench.verdictAt = w.__bench.paintAt = null;
    w.ekasarnLastVerification = undefined;
    document.getElementById('result')?.replaceChildren();
    performance.clearResourceTimings();
  });
  // An empty selection first, so that setting the same file again is a change (the page ignores an empty one).
  await page.setInputFiles('#file', []);
  const requests0 = requestCounter.n;
  const t0 = performance.now();
  await page.setInputFiles('#file', doc.path);
  await page.waitForSelector('#verdict', { state: 'attached', timeout: STEP_TIMEOUT_MS });
  const nodeWallMs = performance.now() - t0;
  await page.waitForFunction(() => (window as unknown as BenchWindow).__bench.paintAt !== null, undefined, { timeout: STEP_TIMEOUT_MS });
  const m = await page.evaluate(() => {
    const w = window as unknown as BenchWindow;
    // Network time inside the verification: every fetch that started after the change event (registry check,
    // revocation data, type labels), by the browser's own Resource Timing.
    const since = w.__bench.changeAt ?? 0;
    const fetches = performance.getEntriesByType('resource').filter((e) => e.startTime >= since) as PerformanceResourceTiming[];
    const networkMs = fetches.reduce((a, e) => a + e.duration, 0);
    const paths = fetches.map((e) => new URL(e.name).pathname);
    return { ...w.__bench, networkMs, paths, engineMs: w.ekasarnLastVerification?.ms ?? null, verdict: document.getElementById('verdict')?.dataset.verdict ?? '?' };
  });
  if (m.engineMs === null || m.changeAt === null || m.verdictAt === null || m.paintAt === null) throw new Error('the page did not record its verification time');
  if (m.verdict !== 'VALID') throw new Error(`${doc.level}: the page says ${m.verdict}, expected VALID`);
  return {
    engineMs: m.engineMs,
    changeToVerdictMs: m.verdictAt - m.changeAt,
    changeToPaintMs: m.paintAt - m.changeAt,
    nodeWallMs,
    requests: requestCounter.n - requests0,
    networkMs: m.networkMs,
    paths: m.paths,
    verdict: m.verdict,
  };
}

async function newContext(browser: Browser, counter: { n: number }): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.addInitScript(PROBE);
  context.on('request', () => counter.n++);
  context.on('page', (p) => p.on('pageerror', (e) => console.error(`page error: ${e.message}`)));
  return context;
}

async function assetSize(server: ServedDemo): Promise<Record<string, number | string>> {
  const res = await fetch(`${server.baseUrl}/assets/verify.js`, { headers: { 'accept-encoding': 'gzip, br' } });
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`/assets/verify.js: HTTP ${res.status}`);
  return {
    bytes: body.length,
    gzipBytes: gzipSync(body).length,
    gzip9Bytes: gzipSync(body, { level: 9 }).length,
    brotliBytes: brotliCompressSync(body).length,
    servedContentEncoding: res.headers.get('content-encoding') ?? 'none',
    cacheControl: res.headers.get('cache-control') ?? 'none',
  };
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM=/path/to/chromium)`);
  const benchStart = performance.now();
  const loadAtStart = loadAverage();
  const buildMs = buildUnlessSkipped();
  console.log(`ekasarn in-browser verification — Node ${process.version}, ${cpus().length} CPU(s), Chromium ${CHROMIUM}, N=${N} per group`);
  console.log(`load average at start: ${loadAtStart}${buildMs === null ? ' (build skipped)' : `; npm run build took ${fmt(buildMs / 1000, 1)} s`}`);

  const server = await startServedDemo({ levels: WITH_LT ? ['B-B', 'B-LT'] : ['B-B'] });
  let browser: Browser | undefined;
  const closeBrowser = async () => {
    await browser?.close();
    browser = undefined;
  };
  const unregister = onInterrupt(closeBrowser);
  const groups = new Map<string, Sample[]>();
  const add = (key: string, s: Sample) => {
    const list = groups.get(key) ?? [];
    list.push(s);
    groups.set(key, list);
  };
  let asset: Record<string, number | string> = {};
  let browserVersion = '';
  try {
    asset = await assetSize(server);
    const t = performance.now();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const launchMs = performance.now() - t;
    browserVersion = browser.version();
    console.log(`Chromium ${browserVersion} launched in ${fmt(launchMs, 0)} ms; server ${server.baseUrl}`);
    const url = `${server.baseUrl}/verify?lang=en`;
    const counter = { n: 0 };

    for (const doc of server.documents) {
      process.stdout.write(`  ${doc.level}: fresh… `);
      // Not counted: the first ever load (Chromium's own start-up costs land here).
      {
        const ctx = await newContext(browser, counter);
        const page = await ctx.newPage();
        await load(page, url, 'goto');
        await verifyOnce(page, doc, counter);
        await ctx.close();
      }
      for (let i = 0; i < N; i++) {
        const ctx = await newContext(browser, counter);
        const page = await ctx.newPage();
        const readyMs = await load(page, url, 'goto');
        add(`${doc.level} fresh`, { ...(await verifyOnce(page, doc, counter)), readyMs });
        await ctx.close();
      }
      process.stdout.write('reload… ');
      const ctx = await newContext(browser, counter);
      const page = await ctx.newPage();
      await load(page, url, 'goto');
      for (let i = 0; i < N; i++) {
        const readyMs = await load(page, url, 'reload');
        add(`${doc.level} reload`, { ...(await verifyOnce(page, doc, counter)), readyMs });
      }
      process.stdout.write('warm… ');
      for (let i = 0; i < N; i++) add(`${doc.level} warm`, await verifyOnce(page, doc, counter));
      await ctx.close();
      console.log('done');
    }
  } finally {
    unregister();
    await closeBrowser();
    await server.stop();
  }

  const loadAtEnd = loadAverage();
  const stat = (xs: number[]) => latency(xs);
  const rows: (string | number)[][] = [];
  const summary: Record<string, unknown> = {};
  for (const [key, samples] of groups) {
    const engine = stat(samples.map((s) => s.engineMs));
    const toVerdict = stat(samples.map((s) => s.changeToVerdictMs));
    const toPaint = stat(samples.map((s) => s.changeToPaintMs));
    const nodeWall = stat(samples.map((s) => s.nodeWallMs));
    const ready = samples[0]?.readyMs !== undefined ? stat(samples.map((s) => s.readyMs!)) : null;
    const requests = stat(samples.map((s) => s.requests));
    const network = stat(samples.map((s) => s.networkMs));
    summary[key] = { n: samples.length, engineMs: engine, changeToVerdictMs: toVerdict, changeToPaintMs: toPaint, nodeWallMs: nodeWall, networkMs: network, requestPaths: samples[0]?.paths, readyMs: ready, requestsPerVerification: requests, samples };
    const trio = (l: ReturnType<typeof latency>) => `${fmt(l.min, 1)} / ${fmt(l.p50, 1)} / ${fmt(l.p90, 1)}`;
    rows.push([key, samples.length, trio(engine), trio(toVerdict), trio(toPaint), trio(nodeWall), trio(network), ready ? trio(ready) : '–', fmt(requests.p50, 0)]);
  }
  console.log(`\nmin / median / p90, ms\n`);
  console.log(table(['group', 'n', 'engine (page ms)', 'change→#verdict', 'change→painted', 'Node wall', 'network', 'nav→data-ready', 'requests'], rows));
  for (const [key, samples] of groups) console.log(`requests during a ${key} verification: ${samples[0]?.paths.join(', ') || 'none'}`);
  console.log(
    `\n/assets/verify.js: ${asset.bytes} bytes (${fmt(Number(asset.bytes) / 1024, 0)} KiB), gzip ${asset.gzipBytes} (${fmt(Number(asset.gzipBytes) / 1024, 0)} KiB; -9: ${asset.gzip9Bytes}), ` +
      `brotli ${asset.brotliBytes}; served with content-encoding: ${asset.servedContentEncoding}, cache-control: ${asset.cacheControl}`,
  );
  const totalS = (performance.now() - benchStart) / 1000;
  console.log(`load average at end: ${loadAtEnd}; whole bench ${fmt(totalS, 0)} s`);

  const outDir = join(repoRoot, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, 'verify-browser.json');
  writeFileSync(
    out,
    JSON.stringify(
      { bench: 'verify-browser', at: new Date().toISOString(), node: process.version, cpus: cpus().length, chromium: browserVersion, n: N, loadAverage: { start: loadAtStart, end: loadAtEnd }, buildMs, asset, groups: summary, totalSeconds: totalS },
      null,
      2,
    ),
  );
  console.log(`results: ${out}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

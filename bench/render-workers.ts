/**
 * Throughput of rendering with 1…W worker threads, each holding its own warm Typst compiler (the engine is
 * single-threaded per compiler). Prints renders/s and the speed-up over one worker.
 *
 *   npx tsx bench/render-workers.ts          EXP_N=150 rows per type, workers 1 and 2 (or WORKERS=1,2,3)
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadTypes } from '../src/doctypes/load-types.js';
import { documentInputs } from './lib/document-inputs.js';
import { renderInputFor } from './lib/render-inputs.js';
import { inputsFor } from './lib/render-variants.js';
import { fmt, mib, RssSampler, table } from './lib/stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const fixturesDir = resolve(repoRoot, '..', 'shared', 'fixtures');
const WARMUP = 20;

function parseWorkers(raw: string | undefined): number[] {
  const list = (raw ?? '1,2').split(',').map((s) => s.trim());
  if (!list.every((s) => /^[1-9][0-9]?$/.test(s))) throw new Error(`WORKERS must be a comma-separated list of 1–99, got "${raw}"`);
  return list.map(Number);
}

async function runWith(workers: number, inputs: ReturnType<typeof inputsFor>): Promise<{ wall: number; renders: number }> {
  const shares = Array.from({ length: workers }, (_, w) => inputs.filter((_, k) => k % workers === w));
  const threads = shares.map(
    (share) =>
      // A .ts worker entry needs tsx's loader registered inside the worker before the entry is imported.
      new Worker(
        `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(new URL('./lib/render-worker.ts', import.meta.url).href)}); })`,
        {
          eval: true,
          workerData: { inputs: [...inputs.slice(0, WARMUP), ...share], warmup: WARMUP },
        },
      ),
  );
  const once = (w: Worker, key: string) =>
    new Promise<Record<string, unknown>>((res, rej) => {
      const onMsg = (m: Record<string, unknown>) => {
        if (m[key]) {
          w.off('message', onMsg);
          res(m);
        }
      };
      w.on('message', onMsg);
      w.once('error', rej);
    });
  await Promise.all(threads.map((w) => once(w, 'ready')));
  const t0 = performance.now();
  const done = threads.map((w) => once(w, 'done'));
  for (const w of threads) w.postMessage('go');
  const results = await Promise.all(done);
  const wall = performance.now() - t0;
  await Promise.all(threads.map((w) => w.terminate()));
  return { wall, renders: results.reduce((s, r) => s + (r.renders as number), 0) };
}

async function main(): Promise<void> {
  const counts = parseWorkers(process.env.WORKERS);
  const n = Number(process.env.EXP_N ?? 150);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`EXP_N must be a positive whole number`);
  const types = [...(await loadTypes(resolve(repoRoot, 'types'))).values()];
  const rows = new Map(types.map((t) => [t.definition.id, documentInputs(t, n, existsSync(fixturesDir) ? fixturesDir : '/nonexistent').rows]));
  const inputs = inputsFor(types, rows, renderInputFor);
  const rss = new RssSampler().start(50);
  const out: (string | number)[][] = [];
  let one = Number.NaN;
  for (const w of counts) {
    const r = await runWith(w, inputs);
    const perS = (r.renders / r.wall) * 1000;
    if (w === 1) one = perS;
    out.push([`${w} worker(s)`, r.renders, fmt(r.wall, 0), fmt(perS, 1), fmt((r.wall * w) / r.renders), Number.isFinite(one) ? `${fmt(perS / one)}×` : '']);
  }
  console.log(table(['threads', 'renders', 'wall ms', 'renders/s', 'ms per render per thread', 'speed-up'], out));
  console.log(`peak RSS ${mib(rss.stop())} (all workers)`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

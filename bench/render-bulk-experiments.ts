/**
 * Issue #6 (bulk): where does per-document render time go, and how low can it go?
 *
 * Each variant of lib/render-bulk-variants.ts runs in its own child process (fresh Typst caches, clean RSS) on the
 * same fixture rows — every document distinct, the two bundled types alternating — for several interleaved rounds,
 * so load from other work on the machine hits all variants alike. Reported: process CPU ms per render (the
 * comparison column; wall time on a shared machine includes waiting for a core), compile / pdf wall ms, peak RSS.
 *
 *   npx tsx bench/render-bulk-experiments.ts [variant…]          BULK_N=150 rows per type, BULK_ROUNDS=3
 *   npx tsx bench/render-bulk-experiments.ts --threads [variant]   1 vs 2 worker threads vs 2 child processes
 *   npx tsx bench/render-bulk-experiments.ts --memory [variant]    RSS over BULK_N renders, then worker recycling
 *   npx tsx bench/render-bulk-experiments.ts --write DIR [variant…] one PDF per type per variant, for checking
 *   npx tsx bench/render-bulk-experiments.ts --check DIR [variant…] independent checks (qpdf, pdffonts, pdfdetach,
 *                                                              XMP, pixel diff vs shipped, pdf-check.sh after signing)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadTypes } from '../src/doctypes/load-types.js';
import type { RenderInput } from '../src/render/render-input.js';
import { documentInputs } from './lib/document-inputs.js';
import { renderInputFor } from './lib/render-inputs.js';
import { checkVariants } from './lib/render-bulk-check.js';
import { BULK_VARIANTS, makeRenderer, type BulkVariant } from './lib/render-bulk-variants.js';
import { inputsFor } from './lib/render-variants.js';
import { fmt, mib, RssSampler, summarize, table } from './lib/stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const fixturesDir = resolve(repoRoot, '..', 'shared', 'fixtures');
const WARMUP = 20;

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9][0-9]*$/.test(raw)) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return Number(raw);
}

function variant(name: string): BulkVariant {
  const v = BULK_VARIANTS.find((x) => x.name === name);
  if (!v) throw new Error(`unknown variant "${name}"; known: ${BULK_VARIANTS.map((x) => x.name).join(', ')}`);
  return v;
}

/** Distinct documents, types alternating (a mixed batch). Rows cycle only past the fixture size. */
async function loadInputs(perType: number): Promise<RenderInput[]> {
  const types = [...(await loadTypes(resolve(repoRoot, 'types'))).values()];
  const dir = existsSync(fixturesDir) ? fixturesDir : '/nonexistent';
  const rows = new Map(types.map((t) => [t.definition.id, documentInputs(t, perType, dir).rows]));
  return inputsFor(types, rows, renderInputFor);
}

interface ChildResult {
  name: string;
  renders: number;
  cpuMs: number;
  wallMean: number;
  compile: number;
  pdf: number;
  peakRss: number;
  kib: number;
}

async function child(name: string): Promise<ChildResult> {
  const v = variant(name);
  const rss = new RssSampler().start(50);
  const n = positiveInt('BULK_N', 150);
  let inputs = await loadInputs(n + WARMUP);
  if (name.endsWith('same-input')) inputs = inputs.map(() => inputs[0]!);
  const renderer = makeRenderer(v.spec, repoRoot);
  try {
    for (const i of inputs.slice(0, WARMUP)) renderer.render(i);
    renderer.resetTimes();
    let bytes = 0;
    const wall: number[] = [];
    const cpu0 = process.cpuUsage();
    for (const i of inputs.slice(WARMUP)) {
      const t = performance.now();
      bytes += renderer.render(i).length;
      wall.push(performance.now() - t);
    }
    const cpu = process.cpuUsage(cpu0);
    const renders = wall.length;
    return {
      name,
      renders,
      cpuMs: (cpu.user + cpu.system) / 1000 / renders,
      wallMean: summarize(wall).mean,
      compile: summarize(renderer.times.compile).mean,
      pdf: summarize(renderer.times.pdf).mean,
      peakRss: rss.stop(),
      kib: bytes / renders / 1024,
    };
  } finally {
    renderer.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function runSelf(args: string[]): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], {
    cwd: repoRoot,
    env: process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`child ${args.join(' ')} failed:\n${r.stderr}\n${r.stdout}`);
  return line;
}

function compare(names: string[]): void {
  const rounds = positiveInt('BULK_ROUNDS', 3);
  const results = new Map<string, ChildResult[]>();
  for (let r = 1; r <= rounds; r++) {
    for (const name of names) {
      const res = JSON.parse(runSelf(['--child', name])) as ChildResult;
      (results.get(name) ?? results.set(name, []).get(name)!).push(res);
      process.stderr.write(`round ${r}/${rounds} ${name}: ${fmt(res.cpuMs)} CPU ms (compile ${fmt(res.compile)}, pdf ${fmt(res.pdf)})\n`);
    }
  }
  const agg = (name: string, pick: (c: ChildResult) => number) => median(results.get(name)!.map(pick));
  const base = results.has('shipped') ? agg('shipped', (c) => c.cpuMs) : Number.NaN;
  console.log(`\nBulk render variants — median of ${rounds} interleaved round(s), ${results.get(names[0]!)![0]!.renders} distinct documents per run (types alternating)\n`);
  console.log(
    table(
      ['variant', 'CPU ms', 'vs shipped', '1-core docs/s', 'wall ms', 'compile', 'pdf', 'peak RSS', 'KiB'],
      names.map((n) => {
        const cpu = agg(n, (c) => c.cpuMs);
        return [
          n,
          fmt(cpu),
          Number.isFinite(base) ? `${cpu >= base ? '+' : ''}${fmt(((cpu - base) / base) * 100, 0)} %` : '',
          fmt(1000 / cpu, 0),
          fmt(agg(n, (c) => c.wallMean)),
          fmt(agg(n, (c) => c.compile)),
          fmt(agg(n, (c) => c.pdf)),
          mib(agg(n, (c) => c.peakRss)),
          fmt(agg(n, (c) => c.kib), 1),
        ];
      }),
    ),
  );
  console.log('\n' + names.map((n) => `  ${n}: ${variant(n).what}`).join('\n'));
}

// ---- threads vs processes -------------------------------------------------------------------------------------

/** Linux scheduler accounting of the calling thread: ns on a CPU, ns waiting in a run queue (for a core). */
function schedstat(): { run: number; queued: number } {
  const [run, queued] = readFileSync('/proc/thread-self/schedstat', 'utf8').trim().split(/\s+/).map(Number);
  return { run: run!, queued: queued! };
}

interface ShareResult {
  wall: number;
  renders: number;
  /** Process CPU ms (all threads of the process). */
  cpu: number;
  /** This thread's ms on a core, ms waiting for a core, and the rest of the wall time (blocked: locks, I/O). */
  run: number;
  queued: number;
  blocked: number;
}

/**
 * Renders `inputs` (after WARMUP) in this thread/process. Besides wall time it reads the thread's scheduler
 * accounting, which separates "waiting for a core" (a busy machine) from "blocked" (e.g. a lock shared between
 * threads inside the binding): on a shared machine only the latter says whether threads serialise.
 */
async function renderShare(name: string, inputs: RenderInput[], ready: () => Promise<void>): Promise<ShareResult> {
  const renderer = makeRenderer(variant(name).spec, repoRoot);
  for (const i of inputs.slice(0, WARMUP)) renderer.render(i);
  await ready();
  const c0 = process.cpuUsage();
  const s0 = schedstat();
  const t0 = performance.now();
  for (const i of inputs.slice(WARMUP)) renderer.render(i);
  const wall = performance.now() - t0;
  const s1 = schedstat();
  const c = process.cpuUsage(c0);
  renderer.close();
  const run = (s1.run - s0.run) / 1e6;
  const queued = (s1.queued - s0.queued) / 1e6;
  return { wall, renders: inputs.length - WARMUP, cpu: (c.user + c.system) / 1000, run, queued, blocked: Math.max(0, wall - run - queued) };
}

const WORKER_SOURCE = (self: string) =>
  `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(self)}); })`;

interface RunResult {
  perSecond: number;
  shares: ShareResult[];
}

async function threadRun(name: string, inputs: RenderInput[], workers: number): Promise<RunResult> {
  const slices = Array.from({ length: workers }, (_, w) => [...inputs.slice(0, WARMUP), ...inputs.slice(WARMUP).filter((_, k) => k % workers === w)]);
  const threads = slices.map((share) => new Worker(WORKER_SOURCE(import.meta.url), { eval: true, workerData: { bulkWorker: true, name, inputs: share } }));
  const waitFor = (w: Worker, key: string) =>
    new Promise<Record<string, ShareResult>>((res, rej) => {
      const on = (m: Record<string, ShareResult>) => m[key] !== undefined && (w.off('message', on), res(m));
      w.on('message', on);
      w.once('error', rej);
    });
  await Promise.all(threads.map((w) => waitFor(w, 'ready')));
  const t0 = performance.now();
  const done = threads.map((w) => waitFor(w, 'done'));
  for (const w of threads) w.postMessage('go');
  const res = await Promise.all(done);
  const wall = performance.now() - t0;
  await Promise.all(threads.map((w) => w.terminate()));
  const shares = res.map((r) => r.done!);
  return { perSecond: (shares.reduce((s, r) => s + r.renders, 0) / wall) * 1000, shares };
}

/** Two child processes started together; each waits for a "go" line on stdin after warming up. */
async function processRun(name: string, inputs: RenderInput[], procs: number): Promise<RunResult> {
  const perProc = Math.ceil((inputs.length - WARMUP) / procs);
  const kids = Array.from({ length: procs }, () =>
    spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--proc-worker', name, String(perProc)], {
      cwd: repoRoot,
      env: process.env,
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const lines = kids.map((k) => {
    let buf = '';
    const listeners: ((l: string) => void)[] = [];
    k.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const l = buf.slice(0, i);
        buf = buf.slice(i + 1);
        listeners.forEach((f) => f(l));
      }
    });
    return (pred: (l: string) => boolean) => new Promise<string>((res) => listeners.push((l) => pred(l) && res(l)));
  });
  await Promise.all(lines.map((next) => next((l) => l === 'ready')));
  const t0 = performance.now();
  const done = lines.map((next) => next((l) => l.startsWith('{')));
  for (const k of kids) k.stdin.write('go\n');
  const shares = (await Promise.all(done)).map((l) => JSON.parse(l) as ShareResult);
  const wall = performance.now() - t0;
  return { perSecond: (shares.reduce((s, r) => s + r.renders, 0) / wall) * 1000, shares };
}

async function threads(name: string): Promise<void> {
  const n = positiveInt('BULK_N', 150);
  const inputs = await loadInputs(n + WARMUP);
  const rounds = positiveInt('BULK_ROUNDS', 3);
  const out = new Map<string, RunResult[]>();
  const add = (k: string, v: RunResult) => (out.get(k) ?? out.set(k, []).get(k)!).push(v);
  for (let r = 0; r < rounds; r++) {
    add('1 worker thread', await threadRun(name, inputs, 1));
    add('2 worker threads', await threadRun(name, inputs, 2));
    add('1 child process', await processRun(name, inputs, 1));
    add('2 child processes', await processRun(name, inputs, 2));
    process.stderr.write(`round ${r + 1}/${rounds}: ${[...out].map(([k, v]) => `${k} ${fmt(v.at(-1)!.perSecond, 0)}/s`).join(', ')}\n`);
  }
  // Per render, summed over the threads/processes of a run: ms on a core, waiting for a core, blocked.
  const per = (runs: RunResult[], pick: (s: ShareResult) => number) =>
    median(runs.map((r) => r.shares.reduce((a, s) => a + pick(s), 0) / r.shares.reduce((a, s) => a + s.renders, 0)));
  const one = median(out.get('1 worker thread')!.map((r) => r.perSecond));
  console.log(`\nThroughput of variant "${name}", ${inputs.length - WARMUP} distinct documents per run, median of ${rounds} rounds; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log(
    table(
      ['how', 'renders/s (wall)', 'vs 1 thread', 'on-core ms/render', 'waiting for a core', 'blocked', 'projected renders/s on 2 idle cores'],
      [...out].map(([k, runs]) => {
        const run = per(runs, (s) => s.run);
        const n = runs[0]!.shares.length;
        return [k, fmt(median(runs.map((r) => r.perSecond)), 0), `${fmt(median(runs.map((r) => r.perSecond)) / one)}×`, fmt(run), fmt(per(runs, (s) => s.queued)), fmt(per(runs, (s) => s.blocked)), fmt((1000 / run) * Math.min(n, 2), 0)];
      }),
    ),
  );
  console.log('\n"on-core" is the rendering thread\'s own CPU time (schedstat); "projected" assumes each thread/process gets a core of its own and nothing blocks — valid only when "blocked" is ~0.');
}

// ---- memory ---------------------------------------------------------------------------------------------------

async function memory(name: string): Promise<void> {
  const n = positiveInt('BULK_N', 5000);
  const inputs = await loadInputs(Math.ceil(n / 2));
  const recycleEvery = positiveInt('BULK_RECYCLE', 2500);
  const worker = () => new Worker(WORKER_SOURCE(import.meta.url), { eval: true, workerData: { bulkMemory: true, name } });
  const rows: (string | number)[][] = [];
  const base = process.memoryUsage().rss;
  let w = worker();
  const call = (m: unknown) =>
    new Promise<{ rss: number; cpu: number }>((res, rej) => {
      const fail = (e: Error) => rej(e);
      w.once('message', (r: { rss: number; cpu: number }) => (w.off('error', fail), res(r)));
      w.once('error', fail);
      w.postMessage(m);
    });
  await call({ inputs: [] });
  const row = (point: string, renders: number, ms: string) => {
    const rss = process.memoryUsage().rss;
    rows.push([point, renders, mib(rss), mib(rss - base), ms]);
  };
  row('worker ready', 0, '');
  const step = 500;
  let rendered = 0;
  let sinceRecycle = 0;
  for (let k = 0; k < inputs.length; k += step) {
    const batch = inputs.slice(k, k + step);
    const t0 = performance.now();
    await call({ inputs: batch });
    rendered += batch.length;
    sinceRecycle += batch.length;
    row(`after ${rendered}`, batch.length, fmt((performance.now() - t0) / batch.length));
    if (sinceRecycle >= recycleEvery && k + step < inputs.length) {
      await w.terminate();
      (globalThis as { gc?: () => void }).gc?.();
      row('worker terminated', 0, '');
      w = worker();
      await call({ inputs: [] });
      row('new worker ready', 0, '');
      sinceRecycle = 0;
    }
  }
  await w.terminate();
  console.log(`\nRSS of the whole process (main ${mib(base)} before the worker) rendering variant "${name}" in one worker thread, recycled every ${recycleEvery} renders\n`);
  console.log(table(['point', 'renders', 'RSS', 'RSS − main before worker', 'wall ms/render'], rows));
}

// ---- write sample PDFs ----------------------------------------------------------------------------------------

async function writeSamples(dir: string, names: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const inputs = (await loadInputs(3)).slice(0, 2); // first row of each type
  for (const name of names) {
    const renderer = makeRenderer(variant(name).spec, repoRoot);
    for (const i of inputs) writeFileSync(join(dir, `${name}--${i.templateKey.replace(/@.*/, '')}.pdf`), renderer.render(i));
    renderer.close();
  }
  console.log(`wrote ${names.length * inputs.length} PDFs to ${dir}`);
}

// ---- entry points ---------------------------------------------------------------------------------------------

async function workerMain(data: Record<string, unknown>): Promise<void> {
  const { parentPort } = await import('node:worker_threads');
  const name = data.name as string;
  if (data.bulkWorker) {
    const res = await renderShare(name, data.inputs as RenderInput[], () => new Promise((r) => (parentPort!.postMessage({ ready: 1 }), parentPort!.once('message', () => r()))));
    parentPort!.postMessage({ done: res });
    return;
  }
  const renderer = makeRenderer(variant(name).spec, repoRoot);
  parentPort!.on('message', (m: { inputs: RenderInput[] }) => {
    const c0 = process.cpuUsage();
    for (const i of m.inputs) renderer.render(i);
    const c = process.cpuUsage(c0);
    parentPort!.postMessage({ rss: process.memoryUsage().rss, cpu: (c.user + c.system) / 1000 });
  });
}

async function procWorker(name: string, count: number): Promise<void> {
  // Each process renders its own distinct slice (offset by pid so the two do not share rows).
  const all = await loadInputs(count + WARMUP);
  const res = await renderShare(name, all, () => new Promise((r) => (process.stdout.write('ready\n'), process.stdin.once('data', () => r()))));
  process.stdout.write(JSON.stringify(res) + '\n');
  process.stdin.destroy();
}

async function main(): Promise<void> {
  const { isMainThread, workerData } = await import('node:worker_threads');
  if (!isMainThread) return workerMain(workerData as Record<string, unknown>);
  const args = process.argv.slice(2);
  if (args[0] === '--child') return void console.log(JSON.stringify(await child(args[1] ?? '')));
  if (args[0] === '--proc-worker') return procWorker(args[1] ?? '', Math.ceil(Number(args[2] ?? '0') / 2));
  if (args[0] === '--threads') return threads(args[1] ?? 'proposed');
  if (args[0] === '--memory') return memory(args[1] ?? 'proposed');
  if (args[0] === '--check') {
    const names = args.slice(2).length ? args.slice(2) : ['proposed', 'proposal-src'];
    const lines = await checkVariants(names, await loadInputs(3), args[1] ?? '/tmp/bulk-check', repoRoot);
    console.log(table(['variant', 'type', 'check', 'result', 'detail'], lines.map((l) => [l.variant, l.type, l.check, l.ok ? 'PASS' : 'FAIL', l.detail])));
    if (lines.some((l) => !l.ok)) process.exitCode = 1;
    return;
  }
  if (args[0] === '--write') return writeSamples(args[1] ?? '/tmp/bulk-samples', args.slice(2).length ? args.slice(2) : ['shipped', 'proposed']);
  compare(args.length ? args : BULK_VARIANTS.map((v) => v.name));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

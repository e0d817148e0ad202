/**
 * Where does rendering time go? Runs each renderer variant (see lib/render-variants.ts) in its own child process —
 * fresh Typst caches and a clean RSS — on the same fixture rows, several rounds interleaved so that load from other
 * work on the machine hits every variant alike, and prints the median of the per-round means.
 *
 *   npx tsx bench/render-experiments.ts                    all variants, EXP_N=150 rows per type, EXP_ROUNDS=3
 *   npx tsx bench/render-experiments.ts baseline no-qr     selected variants
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadTypes } from '../src/doctypes/load-types.js';
import { documentInputs } from './lib/document-inputs.js';
import { renderInputFor } from './lib/render-inputs.js';
import { inputsFor, VARIANTS } from './lib/render-variants.js';
import { fmt, mib, RssSampler, summarize, table } from './lib/stats.js';
import { installTypstTiming, resetTypstTimes, typstTimes } from './lib/typst-timing.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const fixturesDir = resolve(repoRoot, '..', 'shared', 'fixtures');
const WARMUP = 20;

interface VariantResult {
  name: string;
  renders: number;
  mean: number;
  p50: number;
  p95: number;
  compile: number;
  pdf: number;
  perType: Record<string, number>;
  cpuMsPerDoc: number;
  peakRss: number;
  meanBytes: number;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9][0-9]*$/.test(raw)) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return Number(raw);
}

async function runChild(name: string): Promise<VariantResult> {
  const variant = VARIANTS.find((v) => v.name === name);
  if (!variant) throw new Error(`unknown variant "${name}"; known: ${VARIANTS.map((v) => v.name).join(', ')}`);
  installTypstTiming();
  variant.setup?.();
  const rss = new RssSampler().start(50);
  const types = [...(await loadTypes(resolve(repoRoot, 'types'))).values()];
  const n = positiveInt('EXP_N', 150);
  const rows = new Map(types.map((t) => [t.definition.id, documentInputs(t, n + WARMUP, existsSync(fixturesDir) ? fixturesDir : '/nonexistent').rows]));
  const base = inputsFor(types, rows, renderInputFor);
  const inputs = variant.mapInput ? base.map((i, k, all) => variant.mapInput!(i, k, all)) : base;
  const renderer = variant.make({ repoRoot });
  try {
    for (const i of inputs.slice(0, WARMUP)) renderer.render(i);
    resetTypstTimes();
    const samples: number[] = [];
    const byType = new Map<string, number[]>();
    let bytes = 0;
    const cpu0 = process.cpuUsage();
    for (const i of inputs.slice(WARMUP)) {
      const t = performance.now();
      const pdf = renderer.render(i);
      const ms = performance.now() - t;
      samples.push(ms);
      bytes += pdf.length;
      const key = i.templateKey.replace(/@.*/, '');
      (byType.get(key) ?? byType.set(key, []).get(key)!).push(ms);
    }
    const cpu = process.cpuUsage(cpu0);
    const s = summarize(samples);
    return {
      name,
      renders: s.n,
      mean: s.mean,
      p50: s.p50,
      p95: s.p95,
      compile: summarize(typstTimes.compile).mean,
      pdf: summarize(typstTimes.pdf).mean,
      perType: Object.fromEntries([...byType].map(([k, v]) => [k, summarize(v).mean])),
      cpuMsPerDoc: (cpu.user + cpu.system) / 1000 / s.n,
      peakRss: rss.stop(),
      meanBytes: bytes / s.n,
    };
  } finally {
    renderer.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function runParent(names: string[]): void {
  const rounds = positiveInt('EXP_ROUNDS', 3);
  const byName = new Map<string, VariantResult[]>();
  for (let r = 1; r <= rounds; r++) {
    for (const name of names) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', name], {
        cwd: repoRoot,
        env: process.env,
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      });
      const line = child.stdout.trim().split('\n').pop() ?? '';
      if (child.status !== 0 || !line.startsWith('{')) throw new Error(`variant ${name} failed:\n${child.stderr}\n${child.stdout}`);
      const res = JSON.parse(line) as VariantResult;
      (byName.get(name) ?? byName.set(name, []).get(name)!).push(res);
      process.stderr.write(`round ${r}/${rounds} ${name}: ${fmt(res.mean)} ms (compile ${fmt(res.compile)}, pdf ${fmt(res.pdf)})\n`);
    }
  }
  const agg = (name: string, pick: (v: VariantResult) => number) => median(byName.get(name)!.map(pick));
  const baseline = byName.has('baseline') ? agg('baseline', (v) => v.cpuMsPerDoc) : Number.NaN;
  const typeIds = Object.keys(byName.values().next().value![0]!.perType);
  console.log(`\nRenderer experiments — median over ${rounds} round(s) of the per-render mean; CPU ms (process CPU time per render) is the comparison column because the machine is shared and wall time includes waiting for a core; ${byName.values().next().value![0]!.renders} renders per run\n`);
  console.log(
    table(
      ['variant', 'CPU ms', 'vs baseline', 'wall mean', 'p50', 'p95', 'compile', 'pdf', ...typeIds, 'peak RSS', 'KiB'],
      names.map((name) => [
        name,
        fmt(agg(name, (v) => v.cpuMsPerDoc)),
        Number.isFinite(baseline) ? `${agg(name, (v) => v.cpuMsPerDoc) >= baseline ? '+' : ''}${fmt(((agg(name, (v) => v.cpuMsPerDoc) - baseline) / baseline) * 100, 0)} %` : '',
        fmt(agg(name, (v) => v.mean)),
        fmt(agg(name, (v) => v.p50)),
        fmt(agg(name, (v) => v.p95)),
        fmt(agg(name, (v) => v.compile)),
        fmt(agg(name, (v) => v.pdf)),
        ...typeIds.map((t) => fmt(agg(name, (v) => v.perType[t] ?? Number.NaN))),
        mib(agg(name, (v) => v.peakRss)),
        fmt(agg(name, (v) => v.meanBytes) / 1024, 1),
      ]),
    ),
  );
  console.log('\n' + names.map((n) => `  ${n}: ${VARIANTS.find((v) => v.name === n)!.what}`).join('\n'));
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  runChild(args[1] ?? '')
    .then((r) => console.log(JSON.stringify(r)))
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
} else {
  runParent(args.length ? args : VARIANTS.map((v) => v.name));
}

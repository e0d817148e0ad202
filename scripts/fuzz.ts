/**
 * Fuzzes the verification engine beyond the normal suite: `cases` seeded inputs (mutated genuine documents, splices,
 * structure-aware number edits, CMS edits, random files) through verifyPdf, checking that each ends in a report with
 * a known verdict, within the time bound, JSON-serialisable, without an escaped exception, and never VALID once a
 * signed byte of every genuine document is changed. Prints progress, counts per verdict and generator, the slowest
 * case, and every violation with its seed and case number. Exit code 1 on any violation.
 *
 *   npx tsx scripts/fuzz.ts [--cases N] [--seed S] [--first N] [--kinds a,b] [--corpus DIR] [--time-bound MS] [--out DIR]
 *   npx tsx scripts/fuzz.ts --corpus DIR --seed S --case N [--kinds a,b]     replay one case, print its report
 *
 * --corpus DIR loads the genuine documents from DIR, or issues them and saves them there: the same corpus, seed and
 * case number give the same bytes. Without it a fresh corpus is issued (a temporary instance) for this run only.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadOrIssueCorpus } from '../test/fuzz/lib/corpus.js';
import { GENERATORS } from '../test/fuzz/lib/mutators.js';
import { parseSeed } from '../test/fuzz/lib/prng.js';
import { DEFAULT_CASE_TIME_BOUND_MS, runCase } from '../test/fuzz/lib/properties.js';
import { describeViolation, inputFor, offlineOptions, runFuzz } from '../test/fuzz/lib/run-fuzz.js';

interface Args {
  cases: number;
  seed: number;
  first: number;
  kinds: string[] | undefined;
  corpus: string | undefined;
  timeBound: number;
  out: string | undefined;
  replay: number | undefined;
}

function positiveInt(flag: string, v: string | undefined, allowZero = false): number {
  if (v === undefined || !/^[0-9]{1,12}$/.test(v) || (!allowZero && Number(v) === 0)) {
    throw new Error(`${flag} needs a ${allowZero ? 'non-negative' : 'positive'} whole number, got ${v === undefined ? 'nothing' : `"${v}"`}`);
  }
  return Number(v);
}

function parseArgs(argv: string[]): Args {
  const a: Args = { cases: 100_000, seed: (Date.now() ^ (process.pid << 16)) >>> 0, first: 0, kinds: undefined, corpus: undefined, timeBound: DEFAULT_CASE_TIME_BOUND_MS, out: undefined, replay: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    switch (flag) {
      case '--cases': a.cases = positiveInt(flag, value); break;
      case '--seed':
        if (value === undefined) throw new Error('--seed needs a value');
        a.seed = parseSeed(value);
        break;
      case '--first': a.first = positiveInt(flag, value, true); break;
      case '--case': a.replay = positiveInt(flag, value, true); break;
      case '--time-bound': a.timeBound = positiveInt(flag, value); break;
      case '--kinds': {
        if (!value) throw new Error('--kinds needs a comma-separated list of generators');
        a.kinds = value.split(',');
        const unknown = a.kinds.filter((k) => !(k in GENERATORS));
        if (unknown.length) throw new Error(`--kinds: unknown generator(s) ${unknown.join(', ')}; known: ${Object.keys(GENERATORS).join(', ')}`);
        break;
      }
      case '--corpus':
        if (!value) throw new Error('--corpus needs a folder');
        a.corpus = value;
        break;
      case '--out':
        if (!value) throw new Error('--out needs a folder');
        a.out = value;
        break;
      case '--help':
      case '-h':
        console.log('usage: npx tsx scripts/fuzz.ts [--cases N] [--seed S] [--first N] [--kinds a,b] [--corpus DIR] [--time-bound MS] [--out DIR] [--case N]');
        process.exit(0);
      // eslint-disable-next-line no-fallthrough
      default:
        throw new Error(`unknown option "${flag}" (try --help)`);
    }
    i++;
  }
  return a;
}

const pct = (n: number, total: number) => `${((100 * n) / Math.max(1, total)).toFixed(1)}%`;

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const corpus = await loadOrIssueCorpus(args.corpus);
  console.log(`corpus: ${corpus.docs.map((d) => `${d.name} (${d.bytes.length} B)`).join(', ')}; validation time ${corpus.validationTime.toISOString()}; ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  if (args.replay !== undefined) {
    const input = inputFor(corpus, args.seed, args.replay, args.kinds);
    const r = await runCase(input.bytes, offlineOptions(corpus), corpus.docs.filter((d) => d.signedRanges.length > 0), args.timeBound);
    console.log(`seed ${args.seed} case ${args.replay}: ${input.kind} of ${input.base || '(nothing)'}: ${input.note}`);
    console.log(`verdict ${r.verdict} in ${r.ms.toFixed(1)} ms`);
    for (const c of [...(r.report?.checks ?? []), ...(r.report?.signatures ?? []).flatMap((s) => s.checks)]) {
      if (c.status !== 'passed') console.log(`  ${c.status.padEnd(7)} ${c.id}: ${c.detail ?? ''}`);
    }
    if (args.out) {
      await mkdir(args.out, { recursive: true });
      await writeFile(join(args.out, `seed-${args.seed}-case-${args.replay}.pdf`), input.bytes);
      await writeFile(join(args.out, `seed-${args.seed}-case-${args.replay}.json`), JSON.stringify(r.report, null, 2));
    }
    for (const v of r.violations) console.log(`VIOLATION ${v}`);
    return r.violations.length ? 1 : 0;
  }

  console.log(`seed ${args.seed}, cases ${args.first}..${args.first + args.cases - 1}${args.kinds ? `, generators ${args.kinds.join(',')}` : ''}, time bound ${args.timeBound} ms`);
  const stats = await runFuzz(corpus, {
    seed: args.seed,
    first: args.first,
    cases: args.cases,
    ...(args.kinds ? { kinds: args.kinds } : {}),
    timeBoundMs: args.timeBound,
    maxViolations: 100,
    progressEvery: Math.max(1000, Math.min(10_000, Math.floor(args.cases / 20))),
    onProgress: (done, s) => {
      const rate = (done / s.ms) * 1000;
      console.log(`  ${done}/${args.cases} (${rate.toFixed(0)} cases/s, ${s.violations.length} violation(s), rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB)`);
    },
  });
  const rate = (stats.cases / stats.ms) * 1000;
  console.log(`\n${stats.cases} cases in ${(stats.ms / 1000).toFixed(1)} s: ${rate.toFixed(0)} cases/s, ${(stats.ms / stats.cases).toFixed(2)} ms/case`);
  console.log('verdicts:');
  for (const [v, n] of Object.entries(stats.verdicts).sort((x, y) => y[1] - x[1])) console.log(`  ${v.padEnd(14)} ${String(n).padStart(8)}  ${pct(n, stats.cases)}`);
  console.log('generators:');
  for (const [k, n] of Object.entries(stats.kinds).sort((x, y) => y[1] - x[1])) console.log(`  ${k.padEnd(16)} ${String(n).padStart(8)}`);
  if (stats.slowest) {
    const s = stats.slowest;
    console.log(`slowest: case ${s.caseIndex} (${s.kind}: ${s.note}) ${s.ms.toFixed(1)} ms → ${s.verdict}`);
  }
  if (stats.violations.length === 0) {
    console.log('no property violations');
    return 0;
  }
  console.log(`\n${stats.violations.length} VIOLATION(S)${stats.violations.length >= 100 ? ' (stopped at 100)' : ''}:`);
  for (const v of stats.violations) console.log(`  ${describeViolation(v)}`);
  if (args.out) {
    await mkdir(args.out, { recursive: true });
    for (const v of stats.violations) await writeFile(join(args.out, `seed-${v.seed}-case-${v.caseIndex}.pdf`), v.input);
    console.log(`inputs written to ${args.out}`);
  }
  console.log(`replay one: npx tsx scripts/fuzz.ts ${args.corpus ? `--corpus ${args.corpus} ` : '(with --corpus DIR to keep the same documents) '}--seed ${args.seed} --case N${args.kinds ? ` --kinds ${args.kinds.join(',')}` : ''}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`fuzz: ${(e as Error).message}`);
    process.exit(2);
  },
);

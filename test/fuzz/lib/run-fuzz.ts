/**
 * The fuzz loop shared by the vitest files and scripts/fuzz.ts: case i of a run with seed S is generated from
 * Rng.forCase(S, i) alone, so any case replays by itself.
 */
import type { VerifyPdfOptions } from '../../../src/verify/index.js';
import type { Corpus } from './corpus.js';
import { generateInput, weightsFor, type FuzzInput } from './mutators.js';
import { Rng } from './prng.js';
import { DEFAULT_CASE_TIME_BOUND_MS, runCase } from './properties.js';

export interface Violation {
  seed: number;
  caseIndex: number;
  /** The generator subset of the run (needed to replay: it changes which generator a case picks). */
  kinds: readonly string[] | undefined;
  kind: string;
  base: string;
  note: string;
  verdict: string;
  ms: number;
  problems: string[];
  input: Uint8Array;
}

export interface FuzzStats {
  cases: number;
  ms: number;
  verdicts: Record<string, number>;
  kinds: Record<string, number>;
  slowest: { caseIndex: number; kind: string; note: string; ms: number; verdict: string } | null;
  violations: Violation[];
}

export interface FuzzRunOptions {
  seed: number;
  /** First case number (default 0) and how many cases. */
  first?: number;
  cases: number;
  /** Only these generators (default: all). */
  kinds?: readonly string[];
  timeBoundMs?: number;
  /** Stop after this many violations (default 20). */
  maxViolations?: number;
  onProgress?: (done: number, stats: FuzzStats) => void;
  progressEvery?: number;
}

/** Offline and at a fixed instant: the outcome depends on the bytes only. */
export function offlineOptions(corpus: Corpus): VerifyPdfOptions {
  return { trustRoots: corpus.trustRoots, validationTime: corpus.validationTime };
}

export function inputFor(corpus: Corpus, seed: number, caseIndex: number, kinds?: readonly string[]): FuzzInput {
  return generateInput(Rng.forCase(seed, caseIndex), corpus.docs, weightsFor(kinds));
}

export async function runFuzz(corpus: Corpus, o: FuzzRunOptions): Promise<FuzzStats> {
  const opts = offlineOptions(corpus);
  const originals = corpus.docs.filter((d) => d.signedRanges.length > 0);
  const stats: FuzzStats = { cases: 0, ms: 0, verdicts: {}, kinds: {}, slowest: null, violations: [] };
  const first = o.first ?? 0;
  const t0 = performance.now();
  for (let i = first; i < first + o.cases; i++) {
    const input = inputFor(corpus, o.seed, i, o.kinds);
    const r = await runCase(input.bytes, opts, originals, o.timeBoundMs ?? DEFAULT_CASE_TIME_BOUND_MS);
    stats.cases++;
    stats.verdicts[r.verdict] = (stats.verdicts[r.verdict] ?? 0) + 1;
    stats.kinds[input.kind] = (stats.kinds[input.kind] ?? 0) + 1;
    if (!stats.slowest || r.ms > stats.slowest.ms) stats.slowest = { caseIndex: i, kind: input.kind, note: input.note, ms: r.ms, verdict: r.verdict };
    if (r.violations.length) {
      stats.violations.push({ seed: o.seed, caseIndex: i, kinds: o.kinds, kind: input.kind, base: input.base, note: input.note, verdict: r.verdict, ms: r.ms, problems: r.violations, input: input.bytes });
      if (stats.violations.length >= (o.maxViolations ?? 20)) break;
    }
    if (o.onProgress && (i - first + 1) % (o.progressEvery ?? 1000) === 0) {
      stats.ms = performance.now() - t0;
      o.onProgress(i - first + 1, stats);
    }
  }
  stats.ms = performance.now() - t0;
  return stats;
}

/** One line per violation, with what is needed to replay it. */
export function describeViolation(v: Violation): string {
  const kinds = v.kinds?.length ? ` kinds ${v.kinds.join(',')}` : '';
  return `seed ${v.seed} case ${v.caseIndex}${kinds} [${v.kind} of ${v.base || '(nothing)'}: ${v.note}] → ${v.verdict} in ${v.ms.toFixed(0)} ms: ${v.problems.join(' | ')}`;
}

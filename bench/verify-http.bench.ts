/**
 * POST /api/v1/verify over HTTP on loopback, against a real `ekasarn serve` child process (demo instance, SQLite,
 * temporary data folder, free port):
 *   1. open loop at a fixed rate (default 100 requests/s for 20 s) — latency from the scheduled send time,
 *      achieved throughput, errors, non-VALID verdicts, server CPU % and RSS, GC pauses during the run;
 *   2. closed-loop saturation with 4 and 16 concurrent clients — the most the server answers per second, and p99;
 * each with ?offline=true and online (registry status lookup + revocation), for a B-B document and a short run with
 * a B-LT one. Prints tables; writes bench/results/verify-http.json. No assertions on speed.
 *
 *   npx tsx bench/verify-http.bench.ts
 *   BENCH_SKIP_BUILD=1 BENCH_SECONDS=5 npx tsx bench/verify-http.bench.ts        quick run, existing dist/
 *
 * Settings (environment): BENCH_RATE (100), BENCH_SECONDS (20, per open-loop run), BENCH_SATURATION_SECONDS (6),
 * BENCH_CONCURRENCY ("4,16"), BENCH_LT_SECONDS (5; 0 leaves B-LT out), BENCH_TRACE_GC (1; 0 runs the server without
 * --trace-gc), BENCH_SKIP_BUILD (unset; 1 skips `npm run build`).
 *
 * Client and server share this machine's CPUs: the client's own CPU use is printed next to the server's.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { closedLoop, openLoop, postPdf, type LoadResult } from './lib/http-load.js';
import { latency, type Latency } from './lib/latency.js';
import { loadAverage, ProcessMeter } from './lib/proc-usage.js';
import { buildUnlessSkipped, repoRoot, startServedDemo, type IssuedPdf, type ServedDemo } from './lib/served-demo.js';
import { fmt, mib, table } from './lib/stats.js';

function numberFromEnv(name: string, fallback: number, { min = 0, integer = false } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new Error(`${name} must be ${integer ? 'a whole number' : 'a number'} ≥ ${min}, got "${raw}"`);
  }
  return n;
}

const RATE = numberFromEnv('BENCH_RATE', 100, { min: 1 });
const SECONDS = numberFromEnv('BENCH_SECONDS', 20, { min: 1 });
const SAT_SECONDS = numberFromEnv('BENCH_SATURATION_SECONDS', 6, { min: 1 });
const LT_SECONDS = numberFromEnv('BENCH_LT_SECONDS', 5);
const TRACE_GC = process.env.BENCH_TRACE_GC !== '0';
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '4,16').split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`BENCH_CONCURRENCY must list whole numbers 1–256 separated by commas, got "${s}"`);
  return n;
});
const WARMUP_REQUESTS = 200;

interface RunSpec {
  kind: 'open' | 'closed';
  doc: IssuedPdf;
  offline: boolean;
  /** requests/s (open) or concurrent clients (closed) */
  load: number;
  seconds: number;
}

interface RunResult {
  name: string;
  kind: 'open' | 'closed';
  level: string;
  mode: 'offline' | 'online';
  target: string;
  seconds: number;
  sent: number;
  answeredValid: number;
  errors: number;
  notValid: Record<string, number>;
  firstErrors: string[];
  throughputPerSecond: number;
  latencyMs: Latency;
  maxSendLagMs: number;
  server: ReturnType<ProcessMeter['stop']>;
  clientCpuPercent: number;
  gc: ReturnType<ServedDemo['gc']['since']> | null;
}

const verifyUrl = (base: string, offline: boolean) => new URL(`/api/v1/verify${offline ? '?offline=true' : ''}`, base);
const runName = (s: RunSpec) => `${s.kind === 'open' ? `open ${s.load}/s` : `closed c=${s.load}`} ${s.doc.level} ${s.offline ? 'offline' : 'online'}`;

/** One request per document and mode, reading the full report: every document must verify VALID at its level. */
async function checkDocuments(server: ServedDemo): Promise<Record<string, unknown>> {
  const seen: Record<string, unknown> = {};
  for (const doc of server.documents) {
    for (const offline of [true, false]) {
      const res = await fetch(verifyUrl(server.baseUrl, offline), { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(doc.bytes) });
      const body = (await res.json()) as { verdict?: string; level?: string; registry?: unknown };
      if (res.status !== 200 || body.verdict !== 'VALID') throw new Error(`${doc.level} ${offline ? 'offline' : 'online'}: HTTP ${res.status}, verdict ${body.verdict}`);
      if (body.level !== doc.level) console.warn(`warning: document issued at ${doc.level} verifies at level ${body.level}`);
      seen[`${doc.level} ${offline ? 'offline' : 'online'}`] = { verdict: body.verdict, level: body.level, pdfBytes: doc.bytes.length };
    }
  }
  return seen;
}

async function run(server: ServedDemo, spec: RunSpec): Promise<RunResult> {
  const url = verifyUrl(server.baseUrl, spec.offline);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.kind === 'open' ? 64 : spec.load });
  const gcMark = server.gc.events.length;
  const meter = new ProcessMeter(server.pid).start();
  const client0 = process.cpuUsage();
  const clientWall0 = performance.now();
  let r: LoadResult;
  try {
    r = spec.kind === 'open' ? await openLoop(agent, url, spec.doc.bytes, spec.load, spec.seconds) : await closedLoop(agent, url, spec.doc.bytes, spec.load, spec.seconds);
  } finally {
    agent.destroy();
  }
  const server_ = meter.stop();
  const c = process.cpuUsage(client0);
  const clientCpuPercent = ((c.user + c.system) / 1000 / (performance.now() - clientWall0)) * 100;
  // Let the last GC lines arrive through the pipe before counting.
  await new Promise((ok) => setTimeout(ok, 100));
  const valid = r.outcomes.filter((o) => o.verdict === 'VALID');
  const notValid: Record<string, number> = {};
  for (const o of r.outcomes) if (o.verdict && o.verdict !== 'VALID') notValid[o.verdict] = (notValid[o.verdict] ?? 0) + 1;
  const errors = r.outcomes.filter((o) => o.error);
  return {
    name: runName(spec),
    kind: spec.kind,
    level: spec.doc.level,
    mode: spec.offline ? 'offline' : 'online',
    target: spec.kind === 'open' ? `${spec.load} req/s` : `${spec.load} clients`,
    seconds: spec.seconds,
    sent: r.outcomes.length,
    answeredValid: valid.length,
    errors: errors.length,
    notValid,
    firstErrors: [...new Set(errors.map((e) => e.error!))].slice(0, 5),
    throughputPerSecond: (valid.length / r.wallMs) * 1000,
    // Every answered request counts towards latency; errors are reported apart and would otherwise hide as fast.
    latencyMs: latency(r.outcomes.filter((o) => !o.error).map((o) => o.ms)),
    maxSendLagMs: r.maxSendLagMs,
    server: server_,
    clientCpuPercent,
    gc: TRACE_GC ? server.gc.since(gcMark) : null,
  };
}

async function main(): Promise<void> {
  const benchStart = performance.now();
  const loadAtStart = loadAverage();
  const buildMs = buildUnlessSkipped();
  console.log(`ekasarn POST /api/v1/verify over HTTP — Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? '?'})`);
  console.log(`load average at start: ${loadAtStart}${buildMs === null ? ' (build skipped)' : `; npm run build took ${fmt(buildMs / 1000, 1)} s`}`);

  const levels = LT_SECONDS > 0 ? (['B-B', 'B-LT'] as const) : (['B-B'] as const);
  const server = await startServedDemo({ levels: [...levels], traceGc: TRACE_GC });
  const results: RunResult[] = [];
  let documents: Record<string, unknown> = {};
  try {
    console.log(`server pid ${server.pid} at ${server.baseUrl}${TRACE_GC ? ' (node --trace-gc)' : ''}; documents: ${server.documents.map((d) => `${d.level} ${(d.bytes.length / 1024).toFixed(0)} KiB`).join(', ')}`);
    documents = await checkDocuments(server);

    // Warm-up (not counted): JIT, SQLite page cache, certificate parsing caches, for each mode.
    const warmAgent = new Agent({ keepAlive: true, maxSockets: 2 });
    for (const doc of server.documents) {
      for (const offline of [true, false]) {
        const url = verifyUrl(server.baseUrl, offline);
        for (let i = 0; i < WARMUP_REQUESTS / server.documents.length; i += 2) {
          await Promise.all([postPdf(warmAgent, url, doc.bytes, performance.now()), postPdf(warmAgent, url, doc.bytes, performance.now())]);
        }
      }
    }
    warmAgent.destroy();

    const bb = server.documents.find((d) => d.level === 'B-B')!;
    const lt = server.documents.find((d) => d.level === 'B-LT');
    const specs: RunSpec[] = [];
    for (const offline of [true, false]) specs.push({ kind: 'open', doc: bb, offline, load: RATE, seconds: SECONDS });
    if (lt) for (const offline of [true, false]) specs.push({ kind: 'open', doc: lt, offline, load: RATE, seconds: LT_SECONDS });
    for (const offline of [true, false]) for (const c of CONCURRENCY) specs.push({ kind: 'closed', doc: bb, offline, load: c, seconds: SAT_SECONDS });

    for (const spec of specs) {
      process.stdout.write(`  running ${runName(spec)} for ${spec.seconds} s… `);
      const r = await run(server, spec);
      results.push(r);
      console.log(`${fmt(r.throughputPerSecond, 1)}/s, p99 ${fmt(r.latencyMs.p99, 1)} ms${r.errors ? `, ${r.errors} errors (${r.firstErrors.join('; ')})` : ''}`);
      await new Promise((ok) => setTimeout(ok, 500));
    }
  } finally {
    await server.stop();
  }

  const loadAtEnd = loadAverage();
  const notValidText = (r: RunResult) => Object.entries(r.notValid).map(([v, n]) => `${v} ${n}`).join(' ') || '0';
  console.log(`\nLatency in ms (open loop: from the scheduled send time; closed loop: from the actual send)\n`);
  console.log(
    table(
      ['run', 'sent', 'VALID/s', 'errors', 'not VALID', 'p50', 'p90', 'p99', 'max', 'server CPU', 'server RSS max', 'client CPU'],
      results.map((r) => [
        r.name,
        r.sent,
        fmt(r.throughputPerSecond, 1),
        r.errors,
        notValidText(r),
        fmt(r.latencyMs.p50),
        fmt(r.latencyMs.p90),
        fmt(r.latencyMs.p99),
        fmt(r.latencyMs.max),
        `${fmt(r.server.cpuPercent, 0)} %`,
        mib(r.server.rssMax),
        `${fmt(r.clientCpuPercent, 0)} %`,
      ]),
    ),
  );
  if (TRACE_GC) {
    console.log(`\nServer GC pauses during each run (node --trace-gc; main-thread pause per collection)\n`);
    console.log(
      table(
        ['run', 'GCs', 'total pause ms', 'max pause ms', 'p99 ms', 'max ms', 'by kind (count / max ms)'],
        results.map((r) => [
          r.name,
          r.gc!.count,
          fmt(r.gc!.totalPauseMs, 1),
          fmt(r.gc!.maxPauseMs, 1),
          fmt(r.latencyMs.p99),
          fmt(r.latencyMs.max),
          Object.entries(r.gc!.byKind).map(([k, v]) => `${k} ${v.count} / ${fmt(v.maxMs, 1)}`).join(', '),
        ]),
      ),
    );
  }
  const sat = results.filter((r) => r.kind === 'closed');
  const best = (mode: string) => sat.filter((r) => r.mode === mode).sort((a, b) => b.throughputPerSecond - a.throughputPerSecond)[0];
  for (const mode of ['offline', 'online']) {
    const b = best(mode);
    if (b) console.log(`\nsaturation ${mode}: ${fmt(b.throughputPerSecond, 0)} VALID answers/s at ${b.target} (p99 ${fmt(b.latencyMs.p99, 1)} ms; server ${fmt(b.server.cpuPercent, 0)} % of one core)`);
  }
  const totalS = (performance.now() - benchStart) / 1000;
  console.log(`\nload average at end: ${loadAtEnd}; whole bench ${fmt(totalS, 0)} s`);

  const outDir = join(repoRoot, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, 'verify-http.json');
  writeFileSync(
    out,
    JSON.stringify(
      {
        bench: 'verify-http',
        at: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        loadAverage: { start: loadAtStart, end: loadAtEnd },
        settings: { rate: RATE, seconds: SECONDS, saturationSeconds: SAT_SECONDS, concurrency: CONCURRENCY, ltSeconds: LT_SECONDS, traceGc: TRACE_GC, warmupRequests: WARMUP_REQUESTS },
        buildMs,
        documents,
        runs: results,
        totalSeconds: totalS,
      },
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

/**
 * Lifecycle / transparency-log benchmark (issue: "log append rate (SQLite and PostgreSQL), inclusion-proof time at
 * 1,000,000 leaves, status-endpoint requests/s and p99 on loopback"). Aims: ≥ 10,000 appends/s batched, proof
 * < 1 ms, status ≥ 5,000 requests/s. Three parts, each through the product's own code on real databases:
 *
 *   1. append: outbox inserts (appendLogEvent), integratePending at batch 1000 and 100, and end to end (one event
 *      per transaction, the integrator kicked after each commit) — on SQLite and on a throwaway PostgreSQL database.
 *   2. proof: a 1,000,000-leaf log bulk-built in SQLite, then proofForDocument and verifyProofBundle timings, the
 *      in-memory figure for comparison, and integratePending of 1,000 more events on top of it.
 *   3. status: a served demo (current source) with 200 issued documents; GET /api/v1/documents/:id/status and
 *      GET /status/:agency/:type, closed loop at 16 and 64 connections and open loop at 5,000 requests/s.
 *
 *   npx tsx bench/lifecycle.bench.ts
 *   BENCH_SECTIONS=append,proof BENCH_LOG_N=5000 BENCH_PROOF_LEAVES=100000 npx tsx bench/lifecycle.bench.ts
 *
 * Settings: BENCH_LOG_N (20000) BENCH_LOG_TX (500) BENCH_E2E_N (2000) BENCH_SKIP_POSTGRES=1, BENCH_PROOF_LEAVES
 * (1000000) BENCH_PROOF_SAMPLES (2000), BENCH_STATUS_DOCS (200) BENCH_HTTP_SECONDS (10) BENCH_OPEN_RATE (5000),
 * BENCH_CPU_PROF=DIR (server --cpu-prof into DIR). Results: printed tables and bench/results/lifecycle.json.
 */
import 'reflect-metadata';
import { cpus } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { integratePending } from '../src/public-log/integrate.js';
import { proofForDocument } from '../src/public-log/read-log.js';
import { appendLogEvent } from '../src/store/repos/log-events.js';
import { withTransaction } from '../src/store/db/transaction.js';
import { verifyProofBundle } from '../src/transparency/index.js';
import { createBenchDatabase } from './lib/bench-databases.js';
import { measureAppendRate, BENCH_PUBLIC_URL, type AppendRateResult } from './lib/log-append-rate.js';
import { issuedEvents } from './lib/log-event-fixtures.js';
import { buildLargeSqliteLog } from './lib/million-leaf-log.js';
import { countPgQueries } from './lib/pg-query-counter.js';
import { loadAverage } from './lib/proc-usage.js';
import { timeProofs, type ProofTimings } from './lib/proof-timing.js';
import { repoRoot } from './lib/served-demo.js';
import { startSourceServedDemo } from './lib/source-served-demo.js';
import { measureStatusEndpoints, type StatusLoadRow } from './lib/status-http-load.js';
import { fmt, table } from './lib/stats.js';

function intSetting(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return n;
}

const LOG_N = intSetting('BENCH_LOG_N', 20_000, 100);
const LOG_TX = intSetting('BENCH_LOG_TX', 500, 1);
const E2E_N = intSetting('BENCH_E2E_N', 2_000, 10);
const PROOF_LEAVES = intSetting('BENCH_PROOF_LEAVES', 1_000_000, 2);
const PROOF_SAMPLES = intSetting('BENCH_PROOF_SAMPLES', 2_000, 10);
const STATUS_DOCS = intSetting('BENCH_STATUS_DOCS', 200, 1);
const HTTP_SECONDS = intSetting('BENCH_HTTP_SECONDS', 10, 1);
const OPEN_RATE = intSetting('BENCH_OPEN_RATE', 5_000, 1);
const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? 'append,proof,status').split(',').map((s) => s.trim()));
for (const s of SECTIONS) if (!['append', 'proof', 'status'].includes(s)) throw new Error(`BENCH_SECTIONS: unknown part "${s}" (append, proof, status)`);
const SKIP_POSTGRES = process.env.BENCH_SKIP_POSTGRES === '1';
const CPU_PROF = process.env.BENCH_CPU_PROF;

const TARGET = { appendsPerSecond: 10_000, proofMs: 1, statusRps: 5_000 };
const n0 = (x: number): string => Math.round(x).toLocaleString('en');
const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');

interface Results {
  machine: { node: string; cpus: number; cpuModel: string; loadAverage: Record<string, string> };
  settings: Record<string, unknown>;
  append?: AppendRateResult[];
  proof?: {
    leaves: number;
    build: { hashSeconds: number; writeSeconds: number; totalSeconds: number; cpuSeconds: number; fileMiB: number };
    timings: ProofTimings;
    integrateAtSize: { events: number; seconds: number; leavesPerSecond: number };
  };
  status?: { documents: number; issueSeconds: number; rows: StatusLoadRow[] };
  targets: { name: string; aim: string; measured: string; met: boolean }[];
  wallSeconds: number;
}

const results: Results = {
  machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', loadAverage: { start: loadAverage() } },
  settings: { LOG_N, LOG_TX, E2E_N, PROOF_LEAVES, PROOF_SAMPLES, STATUS_DOCS, HTTP_SECONDS, OPEN_RATE, sections: [...SECTIONS], postgres: !SKIP_POSTGRES },
  targets: [],
  wallSeconds: 0,
};

async function appendPart(): Promise<void> {
  console.log(`\n## 1. Log append rate — ${n0(LOG_N)} events per run, outbox ${LOG_TX} per transaction (load ${loadAverage()})`);
  const runs: AppendRateResult[] = [];
  for (const dialect of SKIP_POSTGRES ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const)) {
    const db = await createBenchDatabase(dialect, { poolSize: 10 });
    const counter = dialect === 'postgres' ? countPgQueries() : undefined;
    try {
      runs.push(
        await measureAppendRate(db.db, dialect, {
          events: LOG_N,
          txSize: LOG_TX,
          batchSizes: [1000, 100],
          endToEndEvents: E2E_N,
          // SQLite has one connection (writes serialise anyway); PostgreSQL's pool lets 8 writers overlap.
          writers: dialect === 'sqlite' ? [1] : [1, 8],
          keyDir: db.dataDir,
          ...(counter ? { queriesSoFar: () => counter.count } : {}),
        }),
      );
    } finally {
      counter?.restore();
      await db.destroy();
    }
  }
  results.append = runs;
  const rows: (string | number)[][] = [];
  for (const r of runs) {
    rows.push([`${r.dialect}: outbox insert (appendLogEvent, ${r.outbox.txSize}/tx)`, n0(r.outbox.perSecond), `${fmt(r.outbox.seconds)} s`, '']);
    for (const i of r.integrate) {
      rows.push([`${r.dialect}: integratePending batch ${i.batchSize}`, n0(i.leavesPerSecond), `${fmt(i.seconds)} s`, `${fmt(i.msPerBatch, 1)} ms/batch${i.queriesPerLeaf === undefined ? '' : `, ${fmt(i.queriesPerLeaf, 2)} queries/leaf`}`]);
    }
    for (const e of r.endToEnd) {
      rows.push([`${r.dialect}: end to end, 1 event/tx, ${e.writers} writer(s)`, n0(e.integratedPerSecond), `${fmt(e.integratedSeconds)} s`, `appends ${n0(e.appendsPerSecond)}/s, max ${n0(e.maxLagEvents)} pending`]);
    }
  }
  console.log(table(['operation', 'per second', 'time', 'note'], rows));
  for (const r of runs) {
    const best = Math.max(...r.integrate.map((i) => i.leavesPerSecond));
    results.targets.push({ name: `append, batched (${r.dialect})`, aim: `≥ ${n0(TARGET.appendsPerSecond)} leaves/s`, measured: `${n0(best)} leaves/s`, met: best >= TARGET.appendsPerSecond });
  }
}

async function proofPart(): Promise<void> {
  console.log(`\n## 2. Inclusion proofs at ${n0(PROOF_LEAVES)} leaves (SQLite) (load ${loadAverage()})`);
  const big = await buildLargeSqliteLog(PROOF_LEAVES, BENCH_PUBLIC_URL);
  try {
    const b = big.timings;
    console.log(`built in ${fmt(b.totalSeconds, 1)} s wall, ${fmt(b.cpuSeconds, 1)} s CPU (leaves + hashes in memory ${fmt(b.hashSeconds, 1)} s, table writes ${fmt(b.writeSeconds, 1)} s), file ${fmt(big.fileBytes / 2 ** 20, 0)} MiB; root checked against the table`);
    const t = await timeProofs(big.database.db, big.memory, big.documentIds, big.log.verifierKey, PROOF_SAMPLES);

    // Integration on top of the large log: sibling reads now come from a table of ~2M hashes.
    const db = big.database.db;
    const events = issuedEvents(1000);
    await withTransaction(db, async (trx) => {
      for (const e of events) await appendLogEvent(trx, e);
    });
    const t0 = performance.now();
    const r = await integratePending(db, big.log, { batchSize: 1000 });
    const seconds = (performance.now() - t0) / 1000;
    if (r.added !== 1000 || r.treeSize !== PROOF_LEAVES + 1000) throw new Error(`integration at size: added ${r.added}, tree ${r.treeSize}`);
    const after = await proofForDocument(db, events[500]!.documentId);
    const check = await verifyProofBundle(after, big.log.verifierKey, { documentId: events[500]!.documentId });
    if (!check.ok) throw new Error(`proof after integration at size failed: ${check.reason}`);

    const us = (ms: number) => fmt(ms * 1000, 1);
    const cpuNote = `CPU per call (this process, all samples): proofForDocument ${fmt(t.cpuMsPerCall.fromDatabase * 1000, 0)} µs, verifyProofBundle ${fmt(t.cpuMsPerCall.verifyBundle * 1000, 0)} µs`;
    const rows = [
      ['proofForDocument (SQLite, 1 checkpoint + 1 event + 1 hash query)', us(t.fromDatabase.p50), us(t.fromDatabase.p99), us(t.fromDatabase.max)],
      ['verifyProofBundle (Ed25519 checkpoint + leaf + hash walk)', us(t.verifyBundle.p50), us(t.verifyBundle.p99), us(t.verifyBundle.max)],
      ['in memory: proveRecord (MemoryHashStore, node:crypto)', us(t.inMemoryProve.p50), us(t.inMemoryProve.p99), us(t.inMemoryProve.max)],
      ['in memory: verifyInclusion (hash walk only)', us(t.inMemoryVerify.p50), us(t.inMemoryVerify.p99), us(t.inMemoryVerify.max)],
    ];
    console.log(table(['operation', 'p50 µs', 'p99 µs', 'max µs'], rows));
    console.log(cpuNote);
    console.log(`${t.samples} random documents, ${t.proofHashes} hashes per proof; integratePending of 1,000 more events at this size: ${fmt(seconds * 1000, 0)} ms (${n0(1000 / seconds)} leaves/s)`);
    results.proof = {
      leaves: PROOF_LEAVES,
      build: { ...b, fileMiB: big.fileBytes / 2 ** 20 },
      timings: t,
      integrateAtSize: { events: 1000, seconds, leavesPerSecond: 1000 / seconds },
    };
    results.targets.push({ name: `inclusion proof at ${n0(PROOF_LEAVES)} leaves (from the database, p99)`, aim: `< ${TARGET.proofMs} ms`, measured: `p50 ${fmt(t.fromDatabase.p50, 3)} ms, p99 ${fmt(t.fromDatabase.p99, 3)} ms`, met: t.fromDatabase.p99 < TARGET.proofMs });
  } finally {
    await big.destroy();
  }
}

async function statusPart(): Promise<void> {
  console.log(`\n## 3. Status endpoints on loopback — ${STATUS_DOCS} issued documents, ${HTTP_SECONDS} s per run (load ${loadAverage()})`);
  const demo = await startSourceServedDemo({ documents: STATUS_DOCS, ...(CPU_PROF ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] } : {}) });
  try {
    console.log(`issued ${STATUS_DOCS} documents in ${fmt(demo.issueSeconds, 1)} s; server pid ${demo.pid} at ${demo.baseUrl}`);
    const rows = await measureStatusEndpoints(demo, {
      seconds: HTTP_SECONDS,
      connections: [16, 64],
      openRate: OPEN_RATE,
      onRow: (r) => console.log(`  ${r.endpoint}, ${r.mode}: ${n0(r.requestsPerSecond)} req/s, p99 ${fmt(r.latencyMs.p99)} ms, server CPU ${fmt(r.serverCpuPercent, 0)} % (load ${loadAverage()})`),
    });
    console.log(
      table(
        ['endpoint / mode', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'server CPU %', 'server CPU µs/req', 'req per core-s', 'client CPU %'],
        rows.map((r) => [
          `${r.endpoint}, ${r.mode}`,
          n0(r.requestsPerSecond),
          fmt(r.latencyMs.p50),
          fmt(r.latencyMs.p99),
          fmt(r.latencyMs.max),
          r.errors,
          fmt(r.serverCpuPercent, 0),
          fmt(r.serverCpuMsPerRequest * 1000, 0),
          n0(r.requestsPerCoreSecond),
          fmt(r.clientCpuPercent, 0),
        ]),
      ),
    );
    const lagging = rows.filter((r) => r.maxSendLagMs > 50);
    if (lagging.length) console.log(`note: the load generator itself fell up to ${fmt(Math.max(...lagging.map((r) => r.maxSendLagMs)), 0)} ms behind its schedule in the open loop (it shares the 2 CPUs with the server).`);
    results.status = { documents: STATUS_DOCS, issueSeconds: demo.issueSeconds, rows };
    for (const endpoint of new Set(rows.map((r) => r.endpoint))) {
      const best = Math.max(...rows.filter((r) => r.endpoint === endpoint && r.mode.startsWith('closed')).map((r) => r.requestsPerSecond));
      results.targets.push({ name: `${endpoint} (best closed loop)`, aim: `≥ ${n0(TARGET.statusRps)} req/s`, measured: `${n0(best)} req/s`, met: best >= TARGET.statusRps });
    }
  } finally {
    await demo.stop();
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  console.log(`ekasarn lifecycle benchmark — Node ${process.version}, ${cpus().length} CPUs, load average ${loadAverage()}`);
  if (SECTIONS.has('append')) await appendPart();
  results.machine.loadAverage.afterAppend = loadAverage();
  if (SECTIONS.has('proof')) await proofPart();
  results.machine.loadAverage.afterProof = loadAverage();
  if (SECTIONS.has('status')) await statusPart();
  results.machine.loadAverage.end = loadAverage();
  results.wallSeconds = (performance.now() - t0) / 1000;

  console.log(`\n## Targets (load average ${loadAverage()})`);
  console.log(table(['target', 'aim', 'measured', ''], results.targets.map((x) => [x.name, x.aim, x.measured, verdict(x.met)])));
  const dir = join(repoRoot, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'lifecycle.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwhole run ${fmt(results.wallSeconds, 0)} s; JSON in bench/results/lifecycle.json`);
}

await main();

/**
 * Bulk issuance benchmark (`npm run bench:bulk`): the shared 10,000-row training-certificate file issued as one batch
 * by this process's worker threads, on SQLite and PostgreSQL at PAdES B-B, and a slice at B-LT with the built-in TSA.
 * Prints documents per second, CPU per document (all threads), the workers' time per stage, peak RSS, and the
 * receive (read + validate + store rows) rate. Results also go to bench/results/bulk-<time>.json.
 *
 *   BENCH_BULK_ROWS=2000         fewer rows (default: the whole file)
 *   BENCH_BULK_LT_ROWS=1000      rows at B-LT (default 1000; 0 skips)
 *   BENCH_SKIP_POSTGRES=1        SQLite only;  BENCH_SKIP_SQLITE=1  PostgreSQL only (each run in a fresh process
 *                                measures its own peak RSS: a process does not give all freed memory back)
 *   BENCH_BULK_100K=1            also a generated 100,000-row file on SQLite (long: peak RSS 10k vs 100k)
 *   EKASARN_BULK_WORKERS / EKASARN_BULK_INFLIGHT   threads and documents in flight per thread
 */
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { initProject, openApp, type App } from '../src/app/open-app.js';
import { loadConfig } from '../src/config.js';
import type { PadesLevel } from '../src/issuance/sign-pdf.js';
import { adminQuery, postgresAdminUrl } from './lib/bench-databases.js';
import { onInterrupt } from './lib/cleanup.js';
import { repoRoot } from './lib/served-demo.js';
import { fmt, mib, table } from './lib/stats.js';

const FIXTURE = resolve(repoRoot, '..', 'shared', 'fixtures', 'training-certificates-10k.csv');

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw)) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

interface Instance {
  app: App;
  destroy(): Promise<void>;
}

async function openInstance(dialect: 'sqlite' | 'postgres', level: PadesLevel): Promise<Instance> {
  const dataDir = await mkdtemp(join(tmpdir(), `ekasarn-bench-bulk-${dialect}-`));
  let databaseUrl: string | undefined;
  let drop = async () => rm(dataDir, { recursive: true, force: true });
  if (dialect === 'postgres') {
    const admin = postgresAdminUrl();
    const name = `ekasarn_bench_${Date.now().toString(36)}`;
    const q = (sql: string) => adminQuery(admin, sql);
    // The name is made here from the clock, never from input.
    await q(`CREATE DATABASE "${name}"`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    const rmDir = drop;
    drop = async () => {
      await q(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await rmDir();
    };
  }
  const unregister = onInterrupt(drop);
  const config = loadConfig({
    EKASARN_DATA: dataDir,
    EKASARN_PUBLIC_URL: 'https://verify.example.go.th',
    EKASARN_SIGNATURE_LEVEL: level,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  await initProject(config, { demo: true });
  // The transparency log is integrated as documents commit, as in a server: its cost is part of issuing.
  const app = await openApp(config);
  return {
    app,
    async destroy() {
      await app.close();
      unregister();
      await drop();
    },
  };
}

/** The first `rows` data rows of the fixture (header kept), streamed. */
async function* fixtureRows(rows: number): AsyncGenerator<string> {
  let n = -1;
  let carry = '';
  for await (const chunk of createReadStream(FIXTURE, { encoding: 'utf8' })) {
    const lines = (carry + chunk).split('\n');
    carry = lines.pop()!;
    for (const line of lines) {
      if (n++ >= rows) return;
      yield `${line}\n`;
    }
  }
  if (carry && n < rows) yield `${carry}\n`;
}

/** `rows` generated rows (valid IDs), for the 100k run: the fixture's rows again with new citizen IDs. */
async function* generatedRows(rows: number): AsyncGenerator<string> {
  const base: string[] = [];
  for await (const line of fixtureRows(1000)) base.push(line);
  yield base[0]!;
  for (let i = 0; i < rows; i++) {
    const cells = base[1 + (i % (base.length - 1))]!.split(',');
    cells[0] = thaiId(100_000_000_000 + i * 7919);
    yield cells.join(',');
  }
}

function thaiId(n: number): string {
  const d = String(n).padStart(12, '0').slice(-12);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(d[i]) * (13 - i);
  return `${d}${(11 - (sum % 11)) % 10}`;
}

interface RunResult {
  name: string;
  rows: number;
  receiveSeconds: number;
  issueSeconds: number;
  docsPerSecond: number;
  cpuMsPerDoc: number;
  peakRss: number;
  stages: Record<string, number>;
}

async function runBatch(name: string, dialect: 'sqlite' | 'postgres', level: PadesLevel, rows: number, source: () => AsyncIterable<string>): Promise<RunResult> {
  const inst = await openInstance(dialect, level);
  try {
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    const t0 = performance.now();
    const { batch } = await inst.app.bulk.receive({ agencyId: 'demo', typeId: 'training-certificate', format: 'csv', sourceName: name, source: Readable.from(source()), level, actor: 'bench' });
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    const done = await inst.app.bulk.runHere(batch.id);
    const cpu = process.cpuUsage(cpu0);
    const t2 = performance.now();
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (done.issuedRows !== rows || done.state !== 'completed') throw new Error(`${name}: expected ${rows} issued, got ${done.issuedRows} (${done.failedRows} failed, state ${done.state})`);
    const t = inst.app.bulk.runner.times;
    const per = (ms: number) => ms / Math.max(1, t.documents);
    return {
      name,
      rows,
      receiveSeconds: (t1 - t0) / 1000,
      issueSeconds: (t2 - t1) / 1000,
      docsPerSecond: done.issuedRows / ((t2 - t1) / 1000),
      cpuMsPerDoc: (cpu.user + cpu.system) / 1000 / done.issuedRows,
      peakRss: peak,
      stages: { claim: per(t.claimMs), render: per(t.renderMs), sign: per(t.signMs), write: per(t.writeMs), commit: per(t.commitMs) },
    };
  } finally {
    await inst.destroy();
  }
}

async function main(): Promise<void> {
  if (!existsSync(FIXTURE)) throw new Error(`fixture not found: ${FIXTURE}`);
  const rows = positiveInt('BENCH_BULK_ROWS', 10_000);
  const ltRows = positiveInt('BENCH_BULK_LT_ROWS', 1000);
  const results: RunResult[] = [];
  const say = (r: RunResult) =>
    console.error(`${r.name}: ${r.rows} documents in ${fmt(r.issueSeconds, 1)} s → ${fmt(r.docsPerSecond, 1)} docs/s, ${fmt(r.cpuMsPerDoc)} CPU ms/doc, peak RSS ${mib(r.peakRss)}`);

  if (!process.env.BENCH_SKIP_SQLITE) {
    results.push(await runBatch(`SQLite B-B ${rows}`, 'sqlite', 'B-B', rows, () => fixtureRows(rows)));
    say(results.at(-1)!);
  }
  if (!process.env.BENCH_SKIP_POSTGRES) {
    results.push(await runBatch(`PostgreSQL B-B ${rows}`, 'postgres', 'B-B', rows, () => fixtureRows(rows)));
    say(results.at(-1)!);
  }
  if (ltRows > 0 && !process.env.BENCH_SKIP_SQLITE) {
    results.push(await runBatch(`SQLite B-LT ${ltRows}`, 'sqlite', 'B-LT', ltRows, () => fixtureRows(ltRows)));
    say(results.at(-1)!);
  }
  if (process.env.BENCH_BULK_100K) {
    results.push(await runBatch('SQLite B-B 100000 (generated)', 'sqlite', 'B-B', 100_000, () => generatedRows(100_000)));
    say(results.at(-1)!);
  }

  console.log('\nBulk issuance — one batch, this process, worker threads: ' + (process.env.EKASARN_BULK_WORKERS ?? 'one per core'));
  console.log(
    table(
      ['run', 'docs/s', 'vs 300/s', 'CPU ms/doc', 'peak RSS', 'receive rows/s', 'render', 'sign', 'write', 'commit', 'claim'],
      results.map((r) => [
        r.name,
        fmt(r.docsPerSecond, 1),
        `${fmt(r.docsPerSecond / 300, 2)}×`,
        fmt(r.cpuMsPerDoc),
        mib(r.peakRss),
        fmt(r.rows / r.receiveSeconds, 0),
        fmt(r.stages.render!),
        fmt(r.stages.sign!),
        fmt(r.stages.write!),
        fmt(r.stages.commit!),
        fmt(r.stages.claim!),
      ]),
    ),
  );
  console.log('\nStage columns: milliseconds per document as the workers saw them (render/sign/write overlap across threads and in-flight documents; commit and claim run on the main thread).');
  await mkdir(join(repoRoot, 'bench', 'results'), { recursive: true });
  const file = join(repoRoot, 'bench', 'results', `bulk-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify(results, null, 2));
  console.log(`\n→ ${file}`);
}

await main();

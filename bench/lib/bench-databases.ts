/**
 * Throwaway registry databases for benchmarks: SQLite in a temporary folder, or a fresh database on the project's
 * test PostgreSQL cluster (`scripts/test-postgres.sh start`, 127.0.0.1:54329), dropped afterwards. Note that the test
 * cluster runs with fsync and synchronous_commit off, so its commit costs are lower than a durable server's.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type OpenedDatabase } from '../../src/store/db/open-database.js';
import { onInterrupt } from './cleanup.js';
import { repoRoot } from './served-demo.js';

export interface BenchDatabase extends OpenedDatabase {
  dataDir: string;
  destroy(): Promise<void>;
}

/** The admin URL of the test cluster: TEST_DATABASE_URL if set, else started (or found running) by the script. */
export function postgresAdminUrl(): string {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  const r = spawnSync('bash', [join(repoRoot, 'scripts/test-postgres.sh'), 'start'], { encoding: 'utf8' });
  const url = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !url.startsWith('postgres')) {
    throw new Error(`scripts/test-postgres.sh start failed (exit ${r.status}): ${r.stderr.trim()} — set TEST_DATABASE_URL or BENCH_SKIP_POSTGRES=1`);
  }
  return url;
}

export async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(dialect: 'sqlite' | 'postgres', opts: { poolSize?: number } = {}): Promise<BenchDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), `ekasarn-bench-${dialect}-`));
  if (dialect === 'sqlite') {
    const opened = await openDatabase({ dataDir });
    const unregister = onInterrupt(() => rm(dataDir, { recursive: true, force: true }));
    return {
      ...opened,
      dataDir,
      async destroy() {
        unregister();
        await opened.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = postgresAdminUrl();
  // The name is generated here (random hex), never taken from input; identifiers cannot be bound as parameters.
  const name = `ekasarn_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const drop = async () => {
    // FORCE ends connections an interrupted run left open.
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await rm(dataDir, { recursive: true, force: true });
  };
  const unregister = onInterrupt(drop);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let opened: OpenedDatabase;
  try {
    opened = await openDatabase({ dataDir, databaseUrl: url.toString(), ...(opts.poolSize ? { poolSize: opts.poolSize } : {}) });
  } catch (e) {
    unregister();
    await drop();
    throw e;
  }
  return {
    ...opened,
    dataDir,
    async destroy() {
      unregister();
      await opened.close();
      await drop();
    },
  };
}

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../src/store/db/open-database.js';
import type { DialectName } from '../../src/store/db/dialect.js';

/**
 * Fresh, isolated databases for tests, one per suite, on each engine — so a suite is written once and run on both:
 *
 *   describeEachDialect('documents', (dialect) => {
 *     const t = useTestDatabase(dialect);
 *     it('…', async () => { await insertDocument(t().db, …) });
 *   });
 *
 * SQLite: a new temporary data dir. PostgreSQL: a database created with a random name on the test server (see
 * test/global-setup.ts) and dropped afterwards. When PostgreSQL is unavailable locally its suites show as skipped,
 * with the reason in the suite title.
 */
export const dialects: readonly DialectName[] = ['sqlite', 'postgres'];

export interface TestDatabase extends OpenedDatabase {
  /** A temporary folder owned by this database (SQLite file, blobs); removed by destroy(). */
  dataDir: string;
  /** For PostgreSQL, the URL of this suite's own database (for opening more connections to it). */
  databaseUrl?: string;
  /** Closes connections, drops the PostgreSQL database, removes dataDir. */
  destroy(): Promise<void>;
}

export interface TestDatabaseOptions {
  migrate?: boolean;
  poolSize?: number;
}

function safeInject<K extends 'postgresUrl' | 'postgresUnavailable'>(key: K): string | undefined {
  try {
    return inject(key) as string | undefined;
  } catch {
    return undefined;
  }
}

/** Admin URL of the PostgreSQL test server, or undefined. */
export function postgresAdminUrl(): string | undefined {
  return safeInject('postgresUrl') || process.env.TEST_DATABASE_URL || undefined;
}

/** '' when the dialect can be tested here, otherwise why not. */
export function dialectUnavailable(dialect: DialectName): string {
  if (dialect === 'sqlite' || postgresAdminUrl()) return '';
  return safeInject('postgresUnavailable') || 'TEST_DATABASE_URL is unset and the vitest global setup did not provide a server';
}

export async function createTestDatabase(dialect: DialectName, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), `ekasarn-${dialect}-`));
  if (dialect === 'sqlite') {
    const opened = await openDatabase({ dataDir, migrate: options.migrate ?? true });
    return {
      ...opened,
      dataDir,
      async destroy() {
        await opened.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }

  const adminUrl = postgresAdminUrl();
  if (!adminUrl) throw new Error(`PostgreSQL unavailable: ${dialectUnavailable('postgres')}`);
  // The name is ours (random hex), never from input; identifiers cannot be bound as parameters, hence quoting here.
  const name = `ekasarn_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  let opened: OpenedDatabase;
  try {
    opened = await openDatabase({ dataDir, databaseUrl, migrate: options.migrate ?? true, poolSize: options.poolSize });
  } catch (err) {
    await dropPostgresDatabase(adminUrl, name);
    throw err;
  }
  return {
    ...opened,
    dataDir,
    databaseUrl,
    async destroy() {
      await opened.close();
      await dropPostgresDatabase(adminUrl, name);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function dropPostgresDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^ekasarn_test_[0-9a-f]{12}$/.test(name)) throw new Error(`refusing to drop ${name}`);
  // FORCE (PostgreSQL 13+) ends connections a failed test may have leaked.
  await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** One describe block per dialect; a dialect that cannot run here is a skipped block whose title says why. */
export function describeEachDialect(title: string, body: (dialect: DialectName) => void): void {
  for (const dialect of dialects) {
    const reason = dialectUnavailable(dialect);
    if (reason) describe.skip(`${title} [${dialect}] — skipped: ${reason}`, () => body(dialect));
    else describe(`${title} [${dialect}]`, () => body(dialect));
  }
}

/** Registers beforeAll/afterAll for a fresh database in the current describe block; call the getter inside tests. */
export function useTestDatabase(dialect: DialectName, options: TestDatabaseOptions = {}): () => TestDatabase {
  let current: TestDatabase | undefined;
  beforeAll(async () => {
    current = await createTestDatabase(dialect, options);
  });
  afterAll(async () => {
    await current?.destroy();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('test database not ready: call the getter inside a test or hook');
    return current;
  };
}

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DialectName } from './dialect.js';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';

export interface OpenDatabaseOptions {
  /** Folder for the SQLite file (`ekasarn.sqlite`) — created if missing. Also used when PostgreSQL is chosen, by callers that keep blobs there. */
  dataDir: string;
  /** `postgres://…` or `postgresql://…`: use PostgreSQL instead of SQLite. */
  databaseUrl?: string;
  /** Run pending migrations before returning (default true). */
  migrate?: boolean;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** SQLite: how long a writer waits for another process's write lock before SQLITE_BUSY (default 5000 ms). */
  busyTimeoutMs?: number;
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

export const SQLITE_FILE_NAME = 'ekasarn.sqlite';

/**
 * Opens the registry database. SQLite by default (one file under dataDir, good for one node), PostgreSQL when a URL
 * is given (several nodes). Either way the caller gets the same typed Kysely instance.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenedDatabase> {
  if (typeof options?.dataDir !== 'string' || options.dataDir.trim() === '') {
    throw new Error('openDatabase: dataDir must be a non-empty path');
  }
  // Check the URL before touching the filesystem, so a typo does not leave a stray data dir behind.
  const postgresUrl = options.databaseUrl === undefined ? undefined : checkPostgresUrl(options.databaseUrl);
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });

  const opened = postgresUrl === undefined ? openSqlite(dataDir, options) : openPostgres(postgresUrl, options);
  if (options.migrate ?? true) {
    try {
      await migrateToLatest(opened.db, opened.dialect);
    } catch (err) {
      await opened.close();
      throw err;
    }
  }
  return opened;
}

function openSqlite(dataDir: string, options: OpenDatabaseOptions): OpenedDatabase {
  const file = join(dataDir, SQLITE_FILE_NAME);
  const sqlite = new SqliteDatabase(file);
  // WAL: readers do not block the writer, and a crash mid-write leaves the last committed state.
  sqlite.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only an OS crash may lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  // SQLite leaves foreign keys off unless asked, per connection.
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

function checkPostgresUrl(databaseUrl: unknown): string {
  if (typeof databaseUrl !== 'string') throw new Error('openDatabase: databaseUrl must be a string');
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    // The URL may hold a password: never echo it back.
    throw new Error('openDatabase: databaseUrl is not a valid URL (expected postgres://user@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`openDatabase: databaseUrl must start with postgres:// or postgresql:// (got ${url.protocol}//)`);
  }
  return databaseUrl;
}

function openPostgres(databaseUrl: string, options: OpenDatabaseOptions): OpenedDatabase {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  // An idle client losing its connection (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { knownMigrations, migrateToLatest } from '../../src/store/db/migrations.js';
import { openDatabase } from '../../src/store/db/open-database.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';

const TABLES = [
  'agencies',
  'agency_certificates',
  'api_keys',
  'audit_events',
  'authored_types',
  'batch_rows',
  'batches',
  'document_types',
  'document_versions',
  'documents',
  'drafts',
  'log_checkpoints',
  'log_events',
  'log_hashes',
  'log_head',
  'memberships',
  'serial_counters',
  'sessions',
  'specimens',
  'type_entitlements',
  'users',
  'webhook_deliveries',
  'webhook_subscriptions',
];

describeEachDialect('migrations', (dialect) => {
  const t = useTestDatabase(dialect, { migrate: false });

  it('apply once, then a second and third run apply nothing and do not fail', async () => {
    const { db } = t();
    expect((await migrateToLatest(db, dialect)).applied).toEqual(knownMigrations());
    expect((await migrateToLatest(db, dialect)).applied).toEqual([]);
    expect((await migrateToLatest(db, dialect)).applied).toEqual([]);
    const tables = (await db.introspection.getTables()).map((x) => x.name).filter((n) => !n.startsWith('kysely_'));
    expect(tables.sort()).toEqual(TABLES);
  });

  it('documents has the lookup indexes the registry relies on', async () => {
    const { db } = t();
    const names =
      dialect === 'sqlite'
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'documents'`.execute(db)).rows
        : (await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'documents'`.execute(db)).rows;
    const list = names.map((r) => r.name);
    for (const idx of ['documents_subject_idx', 'documents_pdf_sha256_idx', 'documents_type_issued_idx']) {
      expect(list).toContain(idx);
    }
  });

  if (dialect === 'sqlite') {
    it('openDatabase creates the data dir, uses WAL, foreign keys and a busy timeout', async () => {
      const dataDir = `${t().dataDir}/nested/new`;
      const opened = await openDatabase({ dataDir });
      try {
        const pragma = async (name: string) =>
          Object.values((await sql.raw(`pragma ${name}`).execute(opened.db)).rows[0] as object)[0];
        expect(await pragma('journal_mode')).toBe('wal');
        expect(await pragma('foreign_keys')).toBe(1);
        expect(await pragma('busy_timeout')).toBe(5000);
        expect(opened.dialect).toBe('sqlite');
      } finally {
        await opened.close();
      }
      // Reopening an already-migrated file applies nothing and keeps working.
      const again = await openDatabase({ dataDir });
      await again.close();
    });
  } else {
    it('the test server listens on 127.0.0.1 only', async () => {
      const { rows } = await sql<{ listen_addresses: string }>`show listen_addresses`.execute(t().db);
      expect(rows[0]?.listen_addresses).toBe('127.0.0.1');
    });
  }
});

it('openDatabase rejects a non-PostgreSQL URL without echoing it', async () => {
  await expect(openDatabase({ dataDir: '/tmp/ekasarn-unused', databaseUrl: 'mysql://u:secret@h/db' })).rejects.toThrow(
    /postgres:\/\/ or postgresql:\/\/ \(got mysql:\/\/\)/,
  );
  await expect(openDatabase({ dataDir: '/tmp/ekasarn-unused', databaseUrl: 'not a url secret' })).rejects.toThrow(
    /^openDatabase: databaseUrl is not a valid URL/,
  );
  await expect(openDatabase({ dataDir: '' })).rejects.toThrow(/dataDir/);
  // A rejected URL must not leave a data dir behind.
  expect(existsSync('/tmp/ekasarn-unused')).toBe(false);
});

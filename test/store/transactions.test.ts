import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { withTransaction } from '../../src/store/db/transaction.js';
import { appendAuditEvent, listAuditEvents } from '../../src/store/repos/audit.js';
import { getDocumentById, insertDocument } from '../../src/store/repos/documents.js';
import { currentSerialNumber, nextSerialNumber } from '../../src/store/repos/serials.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';
import { AGENCY, documentInput, seedAgencyAndType, TYPE } from './fixtures.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachDialect('transactions', (dialect) => {
  // Several pooled connections on PostgreSQL, so the concurrent transactions really overlap.
  const t = useTestDatabase(dialect, { poolSize: 8 });

  it('a transaction that throws leaves no rows behind (document, audit event, serial number)', async () => {
    const { db } = t();
    await seedAgencyAndType(db);
    const input = documentInput();
    await expect(
      withTransaction(db, async (trx) => {
        const n = await nextSerialNumber(trx, AGENCY, TYPE, 2025);
        await insertDocument(trx, { ...input, serial: `R-${n}` });
        await appendAuditEvent(trx, { actor: 'test', action: 'document.issued', agencyId: AGENCY, documentId: input.id });
        expect(await getDocumentById(trx, input.id)).not.toBeNull(); // visible inside the transaction
        throw new Error('signing failed');
      }),
    ).rejects.toThrow('signing failed');
    expect(await getDocumentById(db, input.id)).toBeNull();
    expect(await listAuditEvents(db, { documentId: input.id })).toEqual([]);
    expect(await currentSerialNumber(db, AGENCY, TYPE, 2025)).toBe(0);
  });

  it('a transaction that succeeds commits everything and returns its value', async () => {
    const { db } = t();
    const input = documentInput();
    const serial = await withTransaction(db, async (trx) => {
      const n = await nextSerialNumber(trx, AGENCY, TYPE, 2025);
      await insertDocument(trx, { ...input, serial: `C-${n}` });
      await appendAuditEvent(trx, { actor: 'test', action: 'document.issued', agencyId: AGENCY, documentId: input.id });
      return `C-${n}`;
    });
    expect(serial).toBe('C-1');
    expect((await getDocumentById(db, input.id))?.serial).toBe('C-1');
    expect(await listAuditEvents(db, { documentId: input.id })).toHaveLength(1);
  });

  it('50 concurrent transactions each allocating a serial and inserting a document get exactly 1..50', async () => {
    const { db } = t();
    const backends = new Set<string>();
    const started = performance.now();
    const numbers = await Promise.all(
      range(50).map(() =>
        withTransaction(db, async (trx) => {
          if (dialect === 'postgres') {
            const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
            backends.add(String(rows[0]?.pid));
          }
          const n = await nextSerialNumber(trx, AGENCY, 'concurrency', 2025);
          // Hold the transaction open a little so the others pile up behind the counter row.
          await sleep(2);
          await insertDocument(trx, documentInput({ serial: `P-${n}` }));
          return n;
        }),
      ),
    );
    const elapsed = performance.now() - started;
    expect([...numbers].sort((a, b) => a - b)).toEqual(range(50));
    expect(await currentSerialNumber(db, AGENCY, 'concurrency', 2025)).toBe(50);
    if (dialect === 'postgres') expect(backends.size).toBeGreaterThan(1);
    console.log(`[${dialect}] 50 concurrent serial+insert transactions: ${elapsed.toFixed(0)} ms, ${backends.size || 1} connection(s)`);
  });

  if (dialect === 'postgres') {
    it('50 concurrent bare allocations over 8 connections give 1..50 (no transaction wrapper)', async () => {
      const numbers = await Promise.all(range(50).map(() => nextSerialNumber(t().db, AGENCY, 'bare', 2025)));
      expect([...numbers].sort((a, b) => a - b)).toEqual(range(50));
    });
  } else {
    it('4 worker threads with their own SQLite connections allocating 25 numbers each get exactly 1..100', async () => {
      const { db, dataDir } = t();
      await seedAgencyAndType(db);
      // Workers do not inherit vitest's TypeScript transform: bundle the worker to plain JS next to node_modules
      // (so its imports of kysely and better-sqlite3 resolve), under the git-ignored .tmp/.
      const workerFile = join(REPO_ROOT, '.tmp', `serial-worker-${process.pid}-${Date.now()}.mjs`);
      await build({
        entryPoints: [fileURLToPath(new URL('./serial-worker.ts', import.meta.url))],
        bundle: true,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        outfile: workerFile,
        logLevel: 'silent',
      });
      const started = performance.now();
      try {
        const results = await Promise.all(
          range(4).map(
            () =>
              new Promise<number[]>((resolve, reject) => {
                const worker = new Worker(workerFile, {
                  workerData: { dataDir, agencyId: AGENCY, typeId: 'threads', year: 2025, count: 25 },
                });
                worker.once('message', resolve);
                worker.once('error', reject);
                worker.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
              }),
          ),
        );
        const all = results.flat().sort((a, b) => a - b);
        expect(all).toEqual(range(100));
        // Each worker saw its own numbers increase: its transactions ran one after another, interleaved with others'.
        for (const r of results) expect(r).toEqual([...r].sort((a, b) => a - b));
        console.log(`[sqlite] 4 threads × 25 allocations: ${(performance.now() - started).toFixed(0)} ms incl. thread start`);
      } finally {
        await rm(workerFile, { force: true });
      }
    });
  }
});

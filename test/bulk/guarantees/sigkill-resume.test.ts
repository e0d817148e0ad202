import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initProject } from '../../../src/app/open-app.js';
import { loadConfig } from '../../../src/config.js';
import { buildDistOnce, tool } from '../../cli/cli-runner.js';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '../../helpers/databases.js';
import { trainingCsv } from './generate-rows.js';
import { startEkasarn, waitFor, type Running } from './processes.js';
import { expectBatchIssuedExactlyOnce } from './registry-checks.js';

/**
 * Crash and resume of `ekasarn bulk`: the real command on a 300-row file is SIGKILLed (its whole process group) while
 * it issues, twice, and the same command is run again each time. The third run must finish the batch, and the
 * registry must then hold exactly one document per row, serials 1..300 without a gap, a PDF on disk for each document
 * whose SHA-256 is the recorded one and no PDF without a document, and one `issued` log event per document. Rows that
 * were in flight at a kill (claimed, with serial and document id reserved) must come out with the numbers they were
 * given, and their re-made PDFs must be sound (qpdf --check, pdfsig).
 */
const ROWS = 300;
const TYPE = 'training-certificate';

describeEachDialect('bulk CLI: SIGKILL and resume', (dialect) => {
  let tdb: TestDatabase;
  let work: string;
  let csv: string;
  let env: Record<string, string>;
  const running: Running[] = [];

  beforeAll(async () => {
    await buildDistOnce();
    tdb = await createTestDatabase(dialect);
    work = await mkdtemp(join(tmpdir(), `ekasarn-bulk-kill-${dialect}-`));
    env = {
      EKASARN_DATA: tdb.dataDir,
      EKASARN_PUBLIC_URL: 'http://127.0.0.1:9',
      EKASARN_SIGNATURE_LEVEL: 'B-B',
      ...(tdb.databaseUrl ? { DATABASE_URL: tdb.databaseUrl } : {}),
    };
    await initProject(loadConfig(env), { demo: true });
    csv = join(work, 'participants.csv');
    await writeFile(csv, trainingCsv(ROWS));
  }, 240_000);

  afterAll(async () => {
    for (const r of running) await r.killHard();
    await tdb?.destroy();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const bulk = () => {
    const r = startEkasarn(['bulk', '--type', TYPE, '--level', 'B-B', csv], env);
    running.push(r);
    return r;
  };
  const db = () => tdb.db;
  const theBatch = async () => (await db().selectFrom('batches').select(['id', 'state']).execute())[0];
  const issuedCount = async (batchId: string) =>
    Number((await db().selectFrom('batch_rows').select((eb) => eb.fn.countAll().as('n')).where('batch_id', '=', batchId).where('state', '=', 'issued').executeTakeFirstOrThrow()).n);

  it(`killed twice while issuing ${ROWS} rows, resumed by re-running the command: every row issued exactly once`, async () => {
    const t0 = performance.now();
    /** Rows claimed (serial and id reserved) but not issued when a kill struck: they must keep those numbers. */
    const inFlight = new Map<number, { serial: string; documentId: string }>();
    const kills: string[] = [];
    let batchId = '';
    let issuedBefore = 0;
    /** host:pid of each run → rows it committed (known from the counts before and after its kill). */
    const expectedBy = new Map<string, number>();

    for (const round of [1, 2]) {
      const child = bulk();
      // The batch exists once the file is read; then wait for real progress by this very process.
      batchId = await waitFor('the batch', async () => (await theBatch())?.id, 60_000, 100);
      const target = issuedBefore + 40 + Math.floor(Math.random() * 40);
      const at = await waitFor(
        `${target} issued rows`,
        async () => {
          if (child.child.exitCode !== null) throw new Error(`bulk exited early (${child.child.exitCode}): ${child.stderr()}`);
          const n = await issuedCount(batchId);
          return n >= target ? n : undefined;
        },
        120_000,
        50,
      );
      await child.killHard();
      const after = await issuedCount(batchId);
      expect(after, 'the kill left the batch unfinished').toBeLessThan(ROWS);
      const pending = await db()
        .selectFrom('batch_rows')
        .select(['row_number', 'serial', 'document_id', 'claim_token'])
        .where('batch_id', '=', batchId)
        .where('state', '=', 'pending')
        .where('serial', 'is not', null)
        .execute();
      for (const p of pending) inFlight.set(Number(p.row_number), { serial: p.serial!, documentId: p.document_id! });
      kills.push(`kill ${round}: ${at} issued when seen, ${after} after the kill, ${pending.length} claimed rows in flight`);
      if (round === 2) {
        expect(child.stderr()).toMatch(/resuming batch/);
      }
      expectedBy.set(`${hostname()}:${child.pid}`, after - issuedBefore);
      issuedBefore = after;
    }

    const last = bulk();
    const { code } = await last.exited;
    const ms = performance.now() - t0;
    expect(code, last.stderr()).toBe(0);
    expect(last.stderr()).toMatch(new RegExp(`resuming batch ${batchId}: ${issuedBefore} of ${ROWS} rows done`));
    // The last line reports the whole batch, not only what this run issued.
    expect(last.stdout().trim().split('\n').at(-1)).toBe(`issued ${ROWS}, failed 0`);

    const report = await expectBatchIssuedExactlyOnce(db(), tdb.dataDir, batchId, ROWS);
    // Each run's rows are attributed to its own process: what was committed before its kill, and the rest to the last.
    expectedBy.set(`${hostname()}:${last.pid}`, ROWS - issuedBefore);
    expect(Object.fromEntries(report.issuedBy)).toEqual(Object.fromEntries(expectedBy));

    // The rows caught in flight kept the serial and document id reserved before the kill.
    expect(inFlight.size, 'at least one row was claimed but not committed at a kill').toBeGreaterThan(0);
    const rows = await db().selectFrom('batch_rows').select(['row_number', 'serial', 'document_id']).where('batch_id', '=', batchId).execute();
    const now = new Map(rows.map((r) => [Number(r.row_number), r]));
    for (const [row, was] of inFlight) {
      expect(now.get(row)?.serial, `row ${row}`).toBe(was.serial);
      expect(now.get(row)?.document_id, `row ${row}`).toBe(was.documentId);
    }
    // Re-made PDFs are whole and their signatures verify (certificate path not checked: no OCSP server here).
    for (const { documentId } of [...inFlight.values()].slice(0, 3)) {
      const file = join(tdb.dataDir, 'blobs', documentId.slice(0, 2), documentId);
      const q = await tool('qpdf', ['--check', file]);
      expect(q.code, q.stdout + q.stderr).toBe(0);
      const s = await tool('pdfsig', ['-nocert', file]);
      expect(s.stdout).toContain('Signature is Valid.');
    }

    console.log(
      `[bulk sigkill ${dialect}] ${kills.join(' | ')} | resumed to completion; total ${(ms / 1000).toFixed(1)} s | ` +
        `issued_by: ${[...report.issuedBy.entries()].map(([k, v]) => `${k}=${v}`).join(', ')} | ` +
        `blob temporaries left: ${report.tmpFiles.length ? report.tmpFiles.join(', ') : 'none'}`,
    );
  }, 240_000);
});

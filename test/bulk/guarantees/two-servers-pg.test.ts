import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initProject } from '../../../src/app/open-app.js';
import { DEMO_API_KEY_FILE } from '../../../src/app/demo.js';
import { loadConfig } from '../../../src/config.js';
import { buildDistOnce } from '../../cli/cli-runner.js';
import { createTestDatabase, dialectUnavailable, type TestDatabase } from '../../helpers/databases.js';
import { trainingCsv } from './generate-rows.js';
import { freePort, startServe, waitFor, type Running } from './processes.js';
import { expectBatchIssuedExactlyOnce } from './registry-checks.js';

/**
 * Two real `ekasarn serve` processes on one PostgreSQL database and one data folder (the blob store is shared on
 * disk, as on a network volume), one worker thread each: a 600-row batch posted to server A is issued by both — pg-boss
 * hands its 250-row jobs to whichever server asks — and followed to completion through server B. The registry must
 * then show every row issued once, and `batch_rows.issued_by` must name both processes: the proof they shared it.
 */
const ROWS = 600;
const unavailable = dialectUnavailable('postgres');
const suite = unavailable ? describe.skip : describe;

suite(`bulk issuance shared by two servers [postgres]${unavailable ? ` — skipped: ${unavailable}` : ''}`, () => {
  let tdb: TestDatabase;
  let a: Running | undefined;
  let b: Running | undefined;
  let urlA = '';
  let urlB = '';
  let apiKey = '';

  beforeAll(async () => {
    await buildDistOnce();
    tdb = await createTestDatabase('postgres');
    const [portA, portB] = [await freePort(), await freePort()];
    urlA = `http://127.0.0.1:${portA}`;
    urlB = `http://127.0.0.1:${portB}`;
    // Behind a load balancer both servers would share one public address; here that is server A's.
    const env = {
      EKASARN_DATA: tdb.dataDir,
      EKASARN_PUBLIC_URL: urlA,
      DATABASE_URL: tdb.databaseUrl!,
      EKASARN_SIGNATURE_LEVEL: 'B-B',
      EKASARN_BULK_WORKERS: '1',
      EKASARN_BULK_LEASE_MS: '3000',
    };
    await initProject(loadConfig(env), { demo: true });
    apiKey = (await readFile(join(tdb.dataDir, DEMO_API_KEY_FILE), 'utf8')).trim();
    [a, b] = await Promise.all([startServe(env, portA), startServe(env, portB)]);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await tdb?.destroy();
  });

  it(`a ${ROWS}-row batch posted to A, followed on B: every row issued once, by both processes`, async () => {
    const auth = { authorization: `Bearer ${apiKey}` };
    const t0 = performance.now();
    const posted = await fetch(`${urlA}/api/v1/batches?type=training-certificate&level=B-B&name=two-servers.csv`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: trainingCsv(ROWS),
    });
    const accepted = (await posted.json()) as { id: string; state: string; total: number; failed: number };
    expect(posted.status, JSON.stringify(accepted)).toBe(202);
    expect(accepted).toMatchObject({ state: 'queued', total: ROWS, failed: 0 });
    const receivedMs = performance.now() - t0;

    const seenOnB: number[] = [];
    const done = await waitFor(
      'the batch to complete (polled on server B)',
      async () => {
        const r = await fetch(`${urlB}/api/v1/batches/${accepted.id}`, { headers: auth });
        expect(r.status).toBe(200);
        const p = (await r.json()) as { state: string; issued: number; failed: number; done: number; total: number };
        seenOnB.push(p.done);
        return p.state === 'completed' ? p : undefined;
      },
      170_000,
      500,
    );
    const ms = performance.now() - t0;
    expect(done).toMatchObject({ total: ROWS, issued: ROWS, failed: 0, done: ROWS });
    // B watched the batch advance, not only its end.
    expect(seenOnB.some((n) => n > 0 && n < ROWS)).toBe(true);

    const report = await expectBatchIssuedExactlyOnce(tdb.db, tdb.dataDir, accepted.id, ROWS);
    const nodeA = `${hostname()}:${a!.pid}`;
    const nodeB = `${hostname()}:${b!.pid}`;
    const byA = report.issuedBy.get(nodeA) ?? 0;
    const byB = report.issuedBy.get(nodeB) ?? 0;
    expect([...report.issuedBy.keys()].sort()).toEqual([nodeA, nodeB].sort());
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
    expect(byA + byB).toBe(ROWS);

    // The results file served by B agrees: one `issued` line per row.
    const csv = await (await fetch(`${urlB}/api/v1/batches/${accepted.id}/results.csv`, { headers: auth })).text();
    const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines.length).toBe(ROWS + 1);
    expect(lines.slice(1).filter((l) => l.split(',')[1] === 'issued').length).toBe(ROWS);

    console.log(
      `[bulk two servers pg] ${ROWS} rows: received in ${(receivedMs / 1000).toFixed(1)} s, completed after ${(ms / 1000).toFixed(1)} s ` +
        `(${(ROWS / (ms / 1000)).toFixed(1)} docs/s, 1 worker thread per server) | issued by A (${nodeA}) ${byA}, by B (${nodeB}) ${byB} | ` +
        `blob temporaries left: ${report.tmpFiles.length}`,
    );
  }, 200_000);
});

/**
 * Append-rate measurements of the transparency log on a real registry database (SQLite or PostgreSQL), through the
 * product's own code: `appendLogEvent` (the outbox insert every issuance makes) and `integratePending` (which turns
 * pending events into leaves, stored hashes and a signed checkpoint). Every run ends with a check that the log is
 * whole: the head's size equals the events written, and inclusion proofs of sampled documents verify.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import { integratePending } from '../../src/public-log/integrate.js';
import { loadOrCreateLogKey, logOrigin, type LogIdentity } from '../../src/public-log/log-key.js';
import { openPublicLog } from '../../src/public-log/public-log.js';
import { proofForDocument } from '../../src/public-log/read-log.js';
import { appendLogEvent, type NewLogEvent } from '../../src/store/repos/log-events.js';
import { withTransaction } from '../../src/store/db/transaction.js';
import type { Database } from '../../src/store/db/schema.js';
import { verifyProofBundle } from '../../src/transparency/index.js';
import { issuedEvents } from './log-event-fixtures.js';

export const BENCH_PUBLIC_URL = 'https://verify.bench.example.go.th';

export interface AppendRateResult {
  dialect: string;
  events: number;
  /** Outbox inserts, `txSize` per transaction (what issuance pays per document, amortised). */
  outbox: { txSize: number; seconds: number; perSecond: number };
  /** integratePending with each batch size, over `events` pending events. */
  integrate: { batchSize: number; seconds: number; leavesPerSecond: number; msPerBatch: number; queriesPerLeaf?: number }[];
  /** One event per transaction from `writers` concurrent writers, the product's integrator kicked after each commit. */
  endToEnd: { writers: number; events: number; appendSeconds: number; appendsPerSecond: number; integratedSeconds: number; integratedPerSecond: number; maxLagEvents: number }[];
  treeSize: number;
}

async function insertEvents(db: Kysely<Database>, events: NewLogEvent[], txSize: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < events.length; i += txSize) {
    await withTransaction(db, async (trx) => {
      for (const e of events.slice(i, i + txSize)) await appendLogEvent(trx, e);
    });
  }
  return (performance.now() - t) / 1000;
}

async function treeSize(db: Kysely<Database>): Promise<number> {
  const head = await db.selectFrom('log_head').select('tree_size').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(head.tree_size);
}

async function pendingCount(db: Kysely<Database>): Promise<number> {
  const r = await db.selectFrom('log_events').select((eb) => eb.fn.countAll<number>().as('n')).where('log_index', 'is', null).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Proofs of `sample` documents verify against the signed checkpoint (throws otherwise). */
async function checkProofs(db: Kysely<Database>, log: LogIdentity, documentIds: string[]): Promise<void> {
  for (const id of documentIds) {
    const bundle = await proofForDocument(db, id);
    const r = await verifyProofBundle(bundle, log.verifierKey, { documentId: id });
    if (!r.ok) throw new Error(`log check failed for document ${id}: ${r.reason}`);
  }
}

export async function measureAppendRate(
  db: Kysely<Database>,
  dialect: string,
  opts: {
    events: number;
    txSize: number;
    batchSizes: number[];
    endToEndEvents: number;
    writers: number[];
    keyDir: string;
    /** Queries sent so far (PostgreSQL: see pg-query-counter.ts), to report round trips per leaf. */
    queriesSoFar?: () => number;
  },
): Promise<AppendRateResult> {
  const log = await loadOrCreateLogKey(join(opts.keyDir, 'log.key'), logOrigin(BENCH_PUBLIC_URL));
  const sample: string[] = [];
  const result: AppendRateResult = { dialect, events: opts.events, outbox: { txSize: opts.txSize, seconds: 0, perSecond: 0 }, integrate: [], endToEnd: [], treeSize: 0 };
  let expected = 0;

  // Warm-up, not reported: JIT, prepared plans, the first pages of each table and index.
  {
    const events = issuedEvents(1000);
    await insertEvents(db, events, opts.txSize);
    expected += (await integratePending(db, log, { batchSize: 100 })).added;
  }

  for (const [k, batchSize] of opts.batchSizes.entries()) {
    const events = issuedEvents(opts.events);
    sample.push(events[0]!.documentId, events.at(-1)!.documentId, events[events.length >> 1]!.documentId);
    const insertSeconds = await insertEvents(db, events, opts.txSize);
    // The outbox rate is reported from the first round (the later rounds repeat it on a larger table).
    if (k === 0) result.outbox = { txSize: opts.txSize, seconds: insertSeconds, perSecond: events.length / insertSeconds };
    const q0 = opts.queriesSoFar?.();
    const t = performance.now();
    const r = await integratePending(db, log, { batchSize });
    const seconds = (performance.now() - t) / 1000;
    const queries = q0 === undefined ? undefined : opts.queriesSoFar!() - q0;
    expected += events.length;
    if (r.added !== events.length || r.treeSize !== expected) throw new Error(`integratePending added ${r.added} (tree ${r.treeSize}), expected ${events.length} (tree ${expected})`);
    result.integrate.push({
      batchSize,
      seconds,
      leavesPerSecond: events.length / seconds,
      msPerBatch: (seconds * 1000) / Math.ceil(events.length / batchSize),
      ...(queries === undefined ? {} : { queriesPerLeaf: queries / events.length }),
    });
  }

  // End to end as the server does it: each issuance commits its own event, then kicks the integrator (one
  // integration at a time, a kick during one queues exactly one more).
  for (const writers of opts.writers) {
    const publicLog = openPublicLog(db, { keyFile: join(opts.keyDir, 'log.key'), publicUrl: BENCH_PUBLIC_URL, onError: (e) => console.error(`integrator: ${(e as Error).message}`) });
    const events = issuedEvents(opts.endToEndEvents);
    sample.push(events[0]!.documentId, events.at(-1)!.documentId);
    let next = 0;
    let maxLagEvents = 0;
    const lagProbe = setInterval(() => {
      void pendingCount(db).then((n) => (maxLagEvents = Math.max(maxLagEvents, n)), () => undefined);
    }, 250);
    const t = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (next < events.length) {
          const e = events[next++]!;
          await withTransaction(db, (trx) => appendLogEvent(trx, e));
          publicLog.kick();
        }
      }),
    );
    const appendSeconds = (performance.now() - t) / 1000;
    await publicLog.flush();
    // A kick that arrived during the last integration was queued behind it; flush waited for both.
    const integratedSeconds = (performance.now() - t) / 1000;
    clearInterval(lagProbe);
    await publicLog.stop();
    expected += events.length;
    const size = await treeSize(db);
    if (size !== expected) throw new Error(`end-to-end run: tree has ${size} leaves, expected ${expected}`);
    result.endToEnd.push({
      writers,
      events: events.length,
      appendSeconds,
      appendsPerSecond: events.length / appendSeconds,
      integratedSeconds,
      integratedPerSecond: events.length / integratedSeconds,
      maxLagEvents,
    });
  }

  await checkProofs(db, log, sample);
  result.treeSize = await treeSize(db);
  return result;
}

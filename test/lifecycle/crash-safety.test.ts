import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink, unlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newDocumentId } from '../../src/domain/identifiers.js';
import { LOG_EVENT_KINDS } from '../../src/domain/lifecycle.js';
import { nodeSha256 } from '../../src/public-log/hash-store.js';
import { monitorOnce } from '../../src/public-log/monitor.js';
import { createWebhookSubscription, type Database } from '../../src/store/index.js';
import { storedHashIndex } from '../../src/transparency/index.js';
import { describeEachDialect } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { seededRandom as seeded } from '../../src/notifications/backoff.js';

/**
 * Crash safety of lifecycle transitions: a real child process (test/lifecycle/crash-worker.ts) suspends, reinstates
 * and supersedes documents and integrates the log as fast as it can, and is SIGKILLed at a random (seeded) moment,
 * eight times per database. After each kill the database itself must show every transition whole — status row, log
 * event, audit event, webhook delivery, and for a supersede the successor with its own issuance — or absent, and the
 * log integration whole or absent (indexes 0..n-1, leaves, stored hashes, head and checkpoint agreeing). Then the rest
 * is integrated and an independent monitor, starting from nothing, checks the served log against its signed root.
 *
 * Half the workers run with the app's kick-after-commit integration switched off (see crash-worker.ts), so that kills
 * also find committed events still waiting for the log.
 *
 * The worker is bundled once with esbuild and run with plain `node`: under `node --import tsx` each start costs 4–5 s
 * of module loading on this machine (tsx's loader hooks), and sixteen such starts would not fit the time budget.
 * The bundle keeps every `import.meta.url` pointing at the source file, and packages come from the repository's
 * node_modules, so it runs the same code as `node --import tsx test/lifecycle/crash-worker.ts` would.
 *
 * Reproduce a run with CRASH_SEED=<seed printed in the output>.
 */
const ROUNDS = 8;
const DOCUMENTS = 10;
const SEED = Number(process.env.CRASH_SEED ?? 20260201);
const WORKER = join(import.meta.dirname, 'crash-worker.ts');
const REPO_ROOT = join(import.meta.dirname, '..', '..');

/**
 * Bundles the worker into a temporary folder (with a node_modules link to the repository's, for its packages).
 * Returns the script path and a cleanup function.
 */
async function bundleWorker(): Promise<{ script: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ekasarn-crash-worker-'));
  const link = join(dir, 'node_modules');
  await symlink(join(REPO_ROOT, 'node_modules'), link, 'dir');
  const script = join(dir, 'crash-worker.mjs');
  await build({
    entryPoints: [WORKER],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
    plugins: [
      {
        // Source files locate their assets (types/, fonts, templates) from import.meta.url: keep it the source's.
        name: 'keep-import-meta-url',
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, async (args) => ({
            contents: (await readFile(args.path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
            loader: 'ts',
          }));
        },
      },
    ],
  });
  return {
    script,
    async remove() {
      // The link first, so nothing below can ever follow it into the repository's node_modules.
      await unlink(link);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let workerScript = '';
let removeBundle: (() => Promise<void>) | undefined;
beforeAll(async () => {
  const b = await bundleWorker();
  workerScript = b.script;
  removeBundle = b.remove;
}, 60_000);
afterAll(async () => removeBundle?.());

type WorkerLine =
  | { t: 'ready' }
  | { t: 'begin'; step: number; action: string; doc: string }
  | { t: 'done'; step: number; action: string; doc: string; status: string; successor: string | null }
  | { t: 'integrated'; added: number; size: number }
  | { t: 'tx'; tx: number; kind: 'transition' | 'integration' | 'startup'; phase: 'begun' | 'committing' | 'committed' | 'rolled-back' }
  | { t: 'error'; message: string };

interface WorkerRun {
  lines: WorkerLine[];
  stderr: string;
  /** Milliseconds from "ready" to the kill. */
  delayMs: number;
}

/** Starts a worker on the given documents and SIGKILLs it `delayMs` after it says it is ready; all its output is read. */
function runWorkerUntilKilled(t: TestApp, docs: string[], seed: number, delayMs: number, kicks: boolean): Promise<WorkerRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [workerScript], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        EKASARN_DATA: t.config.dataDir,
        EKASARN_PUBLIC_URL: t.config.publicUrl,
        EKASARN_SIGNATURE_LEVEL: 'B-B',
        ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}),
        CRASH_DOCS: docs.join(','),
        CRASH_SEED: String(seed),
        CRASH_KICKS: kicks ? 'on' : 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: WorkerLine[] = [];
    let buffered = '';
    let stderr = '';
    let killed = false;
    const startTimer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker did not become ready within 30 s: ${stderr}`));
    }, 30_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffered.slice(0, nl)) as WorkerLine;
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        if (line.t === 'ready') {
          clearTimeout(startTimer);
          setTimeout(() => {
            killed = true;
            child.kill('SIGKILL');
          }, delayMs);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    // 'close': the process has exited and its pipes are drained, so every line it wrote has been parsed.
    child.once('close', (code, signal) => {
      clearTimeout(startTimer);
      if (!killed || signal !== 'SIGKILL') {
        reject(new Error(`worker ended by itself (code ${code}, signal ${signal}): ${JSON.stringify(lines.slice(-3))} ${stderr}`));
      } else resolve({ lines, stderr, delayMs });
    });
  });
}

/** Status a document has after each kind of log event. */
const STATUS_AFTER: Record<string, string> = {
  issued: 'active',
  suspended: 'suspended',
  reinstated: 'active',
  revoked: 'revoked',
  superseded: 'superseded',
  expired: 'expired',
};

interface Snapshot {
  events: number;
  integrated: number;
  pending: number;
  /** Transitions: log events other than issuance. */
  transitions: number;
  lastTransition: { kind: string; documentId: string } | null;
}

/**
 * Checks, from the tables alone, that every transition and every integration is whole. Fails the test (expect) with
 * the document or index concerned otherwise.
 */
async function checkInvariants(db: Kysely<Database>): Promise<Snapshot> {
  // All reads from one snapshot: the server's integrator (on its timer) may commit between two separate reads.
  // (PostgreSQL: repeatable read; SQLite: a deferred transaction reads one snapshot from its first SELECT.)
  const { docs, events, audits, deliveries, head, checkpoint, hashes } = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => ({
      docs: await trx.selectFrom('documents').select(['id', 'status', 'successor_id']).execute(),
      events: await trx.selectFrom('log_events').select(['id', 'kind', 'document_id', 'successor_id', 'log_index', 'leaf_json']).orderBy('id').execute(),
      audits: await trx
        .selectFrom('audit_events')
        .select(['id', 'action', 'document_id', 'details_json'])
        .where('action', 'in', LOG_EVENT_KINDS.map((k) => `document.${k}`))
        .execute(),
      deliveries: await trx.selectFrom('webhook_deliveries').select(['event_id']).execute(),
      head: await trx.selectFrom('log_head').select('tree_size').where('id', '=', 1).executeTakeFirstOrThrow(),
      checkpoint: await trx.selectFrom('log_checkpoints').select((eb) => eb.fn.max('tree_size').as('size')).executeTakeFirst(),
      hashes: await trx.selectFrom('log_hashes').select([(eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.max('idx').as('max')]).executeTakeFirstOrThrow(),
    }));

  // Replay each document's log events in id order: the status they imply is the stored status.
  const byDoc = new Map<string, typeof events>();
  for (const e of events) byDoc.set(e.document_id, [...(byDoc.get(e.document_id) ?? []), e]);
  const docById = new Map(docs.map((d) => [d.id, d]));
  for (const d of docs) {
    const evs = byDoc.get(d.id) ?? [];
    expect(evs[0]?.kind, `document ${d.id}: first log event`).toBe('issued');
    expect(evs.filter((e) => e.kind === 'issued').length, `document ${d.id}: issuance events`).toBe(1);
    expect(STATUS_AFTER[evs.at(-1)!.kind], `document ${d.id}: status vs replay of ${evs.map((e) => e.kind).join(',')}`).toBe(d.status);
    if (d.status === 'superseded') {
      const last = evs.at(-1)!;
      expect(d.successor_id, `superseded ${d.id}: successor`).toBeTruthy();
      expect(last.successor_id, `superseded ${d.id}: successor in its log event`).toBe(d.successor_id);
      expect(docById.has(d.successor_id!), `superseded ${d.id}: successor row exists`).toBe(true);
      expect(byDoc.get(d.successor_id!)?.[0]?.kind, `successor ${d.successor_id}: own issued event`).toBe('issued');
    }
  }
  for (const docId of byDoc.keys()) expect(docById.has(docId), `log event for missing document ${docId}`).toBe(true);

  // One audit event per log event, pointing at it, with the matching action; none without a log event.
  const auditByEvent = new Map<number, number>();
  for (const a of audits) {
    const logEventId = (JSON.parse(a.details_json) as { logEventId?: number }).logEventId;
    expect(logEventId, `audit event ${a.id} names its log event`).toBeTypeOf('number');
    auditByEvent.set(logEventId!, (auditByEvent.get(logEventId!) ?? 0) + 1);
  }
  const eventById = new Map(events.map((e) => [e.id, e]));
  for (const a of audits) {
    const e = eventById.get((JSON.parse(a.details_json) as { logEventId: number }).logEventId);
    expect(e, `audit event ${a.id}: its log event exists`).toBeDefined();
    expect(a.action).toBe(`document.${e!.kind}`);
    expect(a.document_id).toBe(e!.document_id);
  }
  for (const [docId, evs] of byDoc) {
    expect(audits.filter((a) => a.document_id === docId).length, `document ${docId}: audit events vs log events`).toBe(evs.length);
  }
  for (const e of events) expect(auditByEvent.get(e.id), `log event ${e.id}: audit events`).toBe(1);

  // One webhook delivery (one subscription) per status change; none for issuance, none dangling.
  const deliveriesByEvent = new Map<number, number>();
  for (const d of deliveries) deliveriesByEvent.set(d.event_id, (deliveriesByEvent.get(d.event_id) ?? 0) + 1);
  for (const e of events) expect(deliveriesByEvent.get(e.id) ?? 0, `log event ${e.id} (${e.kind}): webhook deliveries`).toBe(e.kind === 'issued' ? 0 : 1);
  for (const id of deliveriesByEvent.keys()) expect(eventById.has(id), `delivery for missing event ${id}`).toBe(true);

  // Integration: index and leaf together, indexes 0..n-1, leaf bytes naming the event; head, checkpoint and stored
  // hashes all at n.
  const integrated = events.filter((e) => e.log_index !== null || e.leaf_json !== null);
  for (const e of integrated) {
    expect(e.log_index !== null && e.leaf_json !== null, `log event ${e.id}: log_index ${e.log_index} with leaf ${e.leaf_json === null ? 'missing' : 'present'}`).toBe(true);
    const leaf = JSON.parse(e.leaf_json!) as { seq: number; kind: string; documentId: string };
    expect([leaf.seq, leaf.kind, leaf.documentId], `leaf of event ${e.id}`).toEqual([Number(e.log_index), e.kind, e.document_id]);
  }
  const indexes = integrated.map((e) => Number(e.log_index)).sort((a, b) => a - b);
  expect(indexes).toEqual(indexes.map((_, i) => i));
  const n = integrated.length;
  expect(Number(head.tree_size), 'log_head.tree_size').toBe(n);
  // The checkpoint is signed after the integration commits: a kill in between leaves it behind the head, never ahead.
  expect(Number(checkpoint?.size ?? 0), 'latest checkpoint size').toBeLessThanOrEqual(n);
  expect(Number(hashes.n), 'stored hash count').toBe(storedHashIndex(0, n));
  expect(Number(hashes.max ?? -1), 'highest stored hash index').toBe(storedHashIndex(0, n) - 1);

  const transitions = events.filter((e) => e.kind !== 'issued');
  const last = transitions.at(-1);
  return {
    events: events.length,
    integrated: n,
    pending: events.length - n,
    transitions: transitions.length,
    lastTransition: last ? { kind: last.kind, documentId: last.document_id } : null,
  };
}

/**
 * PDFs on disk vs registry rows. Every document row must have its PDF (it is written before the row commits).
 * The reverse does not hold: issuance writes the PDF inside its transaction, so a kill after the write and before the
 * COMMIT leaves a PDF no row refers to (the clean-up in issueDocument's catch never runs on SIGKILL); counted here.
 */
async function checkBlobs(t: TestApp): Promise<{ orphans: string[]; temporaryFiles: number }> {
  const db = t.app.database.db;
  const referenced = new Set<string>();
  for (const d of await db.selectFrom('documents').select(['id', 'blob_key']).execute()) referenced.add(d.blob_key ?? d.id);
  for (const v of await db.selectFrom('document_versions').select('blob_key').execute()) referenced.add(v.blob_key);
  const stored = new Set<string>();
  for await (const key of t.app.blobs.list()) stored.add(key);
  for (const key of referenced) expect(stored.has(key), `PDF of document ${key} is in the blob store`).toBe(true);
  let temporaryFiles = 0;
  const root = join(t.config.dataDir, 'blobs');
  for (const shard of await readdir(root)) {
    for (const name of await readdir(join(root, shard)).catch(() => [] as string[])) if (name.startsWith('.') && name.endsWith('.tmp')) temporaryFiles++;
  }
  return { orphans: [...stored].filter((k) => !referenced.has(k)), temporaryFiles };
}

/** PostgreSQL sequences are not transactional: ids handed out to rolled-back inserts leave a visible gap. */
async function burnedLogEventIds(db: Kysely<Database>): Promise<number> {
  const seq = await sql<{ last_value: string; is_called: boolean }>`select last_value, is_called from log_events_id_seq`.execute(db);
  const rows = await db.selectFrom('log_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  const row = seq.rows[0]!;
  return (row.is_called ? Number(row.last_value) : 0) - Number(rows.n);
}

interface KillPoint {
  /** The step the worker was in (begun, not acknowledged), if any. */
  step: { action: string; doc: string } | null;
  /** How far that step's transition transaction had got: none yet, BEGIN done, COMMIT being sent, COMMIT returned. */
  transition: 'none' | 'begun' | 'committing' | 'committed';
  /** Integration transactions between BEGIN and the return of COMMIT. */
  integrationsOpen: number;
  category: string;
  label: string;
}

/** Where the kill landed, from the worker's last lines (each written before the worker moved on). */
function whereKilled(lines: WorkerLine[]): KillPoint {
  let step: KillPoint['step'] = null;
  let stepTx: number | null = null;
  const phases = new Map<number, { kind: string; phase: string }>();
  for (const l of lines) {
    if (l.t === 'begin') [step, stepTx] = [{ action: l.action, doc: l.doc }, null];
    else if (l.t === 'done') [step, stepTx] = [null, null];
    else if (l.t === 'tx') {
      phases.set(l.tx, { kind: l.kind, phase: l.phase });
      if (l.kind === 'transition' && step && stepTx === null) stepTx = l.tx;
    }
  }
  const transition = stepTx === null ? 'none' : (phases.get(stepTx)!.phase as KillPoint['transition']);
  const integrationsOpen = [...phases.values()].filter((p) => p.kind === 'integration' && (p.phase === 'begun' || p.phase === 'committing')).length;
  const category = !step
    ? 'between steps'
    : {
        none: 'in a step, before its transaction',
        begun: 'inside a transition transaction, before COMMIT',
        committing: 'during the COMMIT of a transition',
        committed: 'after a transition committed, before its acknowledgement',
      }[transition];
  const label = `${category}${step ? ` (${step.action})` : ''}${integrationsOpen ? `, with ${integrationsOpen} integration transaction(s) open` : ''}`;
  return { step, transition, integrationsOpen, category, label };
}

const KIND_OF_ACTION: Record<string, string> = { suspend: 'suspended', reinstate: 'reinstated', supersede: 'superseded' };

describeEachDialect('lifecycle transitions survive SIGKILL', (dialect) => {
  let t: TestApp;
  let receiver: Server;

  beforeAll(async () => {
    const started = Date.now();
    t = await createTestApp(dialect);
    const appReady = Date.now();
    // A relying party that accepts every webhook, so the subscription stays active and each change queues one delivery.
    receiver = createServer((_req, res) => res.writeHead(204).end());
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as { port: number }).port;
    await createWebhookSubscription(t.app.database.db, { id: newDocumentId(), agencyId: 'demo', typeId: 'training-certificate', url: `http://127.0.0.1:${port}/hook`, secret: 'crash-test-secret' });
    const sample = t.app.types.get('training-certificate')!.sample;
    for (let i = 0; i < DOCUMENTS; i++) await t.app.issueAsAgency('demo', 'training-certificate', sample);
    await t.app.publicLog.flush();
    console.log(`[crash-safety ${dialect}] test app ${appReady - started} ms, ${DOCUMENTS} issuances ${Date.now() - appReady} ms`);
  }, 180_000);
  afterAll(async () => {
    await new Promise((r) => receiver?.close(r));
    await t?.destroy();
  });

  it(`${ROUNDS} workers killed at random moments leave every transition and integration whole or absent`, async () => {
    const db = t.app.database.db;
    const random = seeded(SEED + (dialect === 'postgres' ? 1 : 0));
    const verifierKey = (await (await fetch(`${t.config.publicUrl}/log/key`)).text()).trim();
    let before = await checkInvariants(db);
    let burnedBefore = dialect === 'postgres' ? await burnedLogEventIds(db) : 0;
    const summary: string[] = [];
    let stepsDone = 0;
    let killsWithPending = 0;
    let killsInIntegration = 0;
    let killsBurningIds = 0;
    const counts: Record<string, number> = {};
    const initial = await checkBlobs(t);
    let orphansBefore = initial.orphans.length;
    let temporaryBefore = initial.temporaryFiles;
    expect([orphansBefore, temporaryBefore]).toEqual([0, 0]);

    for (let round = 0; round < ROUNDS; round++) {
      const live = (await db.selectFrom('documents').select('id').where('status', 'in', ['active', 'suspended']).orderBy('id').execute()).map((d) => d.id);
      expect(live.length, 'documents left to change').toBe(DOCUMENTS);
      const delayMs = 30 + Math.floor(random() * 771);
      const started = Date.now();
      // Odd rounds: no integration kicked by each commit, only the worker's explicit ones (see crash-worker.ts).
      const kicks = round % 2 === 0;
      const run = await runWorkerUntilKilled(t, live, SEED * 100 + round, delayMs, kicks);
      const workerMs = Date.now() - started;

      const after = await checkInvariants(db);
      const done = run.lines.filter((l) => l.t === 'done').length;
      const kill = whereKilled(run.lines);
      const committed = after.transitions - before.transitions;
      // The worker is the only writer. What it acknowledged is committed; of the step it was in when killed, nothing
      // is visible unless its COMMIT had been sent, and all of it is once its COMMIT returned.
      const why = `round ${round}: ${committed} transitions committed, ${done} acknowledged, kill ${kill.label}`;
      if (kill.transition === 'committed') {
        expect(committed, why).toBe(done + 1);
        // …and the last transition is exactly the one it had begun.
        expect(after.lastTransition, why).toEqual({ kind: KIND_OF_ACTION[kill.step!.action], documentId: kill.step!.doc });
      } else if (kill.transition === 'committing') {
        expect([done, done + 1], why).toContain(committed);
      } else expect(committed, why).toBe(done);
      counts[kill.category] = (counts[kill.category] ?? 0) + 1;
      const blobs = await checkBlobs(t);
      const newOrphans = blobs.orphans.length - orphansBefore;
      const newTemporary = blobs.temporaryFiles - temporaryBefore;
      [orphansBefore, temporaryBefore] = [blobs.orphans.length, blobs.temporaryFiles];
      // A stray PDF or half-written temporary file can only come from an issuance (here: a supersede) killed inside
      // its transaction, while or after writing the PDF, before its COMMIT took effect.
      if (newOrphans + newTemporary > 0) {
        expect(newOrphans + newTemporary, why).toBe(1);
        expect(kill.step?.action, why).toBe('supersede');
        expect(['begun', 'committing'], why).toContain(kill.transition);
        expect(committed, why).toBe(done);
      }
      if (kill.integrationsOpen > 0) killsInIntegration++;
      let burned = 0;
      if (dialect === 'postgres') {
        const burnedNow = await burnedLogEventIds(db);
        burned = burnedNow - burnedBefore;
        burnedBefore = burnedNow;
        // An id taken by an insert that never committed: evidence, independent of the worker's own lines, of a kill
        // inside a transition's transaction — which those lines must then also show.
        if (burned > 0) {
          killsBurningIds++;
          expect(['begun', 'committing'], why).toContain(kill.transition);
        }
      }
      if (after.pending > 0) killsWithPending++;
      stepsDone += done;

      // The rest of the log is integrated by another process; then a monitor with no prior state checks all of it.
      await t.app.publicLog.integrate();
      const integrated = await checkInvariants(db);
      expect(integrated.pending).toBe(0);
      const m = await monitorOnce({ baseUrl: `${t.config.publicUrl}/log`, verifierKey, hash: nodeSha256 });
      expect(m.ok, m.ok ? '' : m.alarm).toBe(true);
      if (m.ok) expect([m.newLeaves, m.state.size]).toEqual([integrated.events, integrated.events]);

      summary.push(
        `round ${round}: killed ${delayMs} ms after ready (worker ${workerMs} ms), ${done} steps acknowledged, ` +
          `${committed} committed, ${run.lines.filter((l) => l.t === 'integrated').length} explicit integrations, ` +
          `${after.pending} events pending at kill${dialect === 'postgres' ? `, ${burned} burned log_events ids` : ''}, ` +
          `${newOrphans} stray PDFs, ${newTemporary} temporary blob files${kicks ? '' : ' (kicks off)'}; kill landed ${kill.label}`,
      );
      before = integrated;
    }
    console.log(
      `[crash-safety ${dialect}] seed ${SEED}\n${summary.join('\n')}\n` +
        `kills by where they landed: ${JSON.stringify(counts)}; with an integration transaction open: ${killsInIntegration}; ` +
        `with events pending integration: ${killsWithPending}${dialect === 'postgres' ? `; burning log_events ids: ${killsBurningIds}` : ''}; ` +
        `left on disk by killed issuances: ${orphansBefore} stray PDFs, ${temporaryBefore} temporary files`,
    );
    // The kills interrupted real work: steps ran, at least one kill landed inside a step, and at least once committed
    // events had not reached the log yet.
    expect(stepsDone).toBeGreaterThan(0);
    expect(ROUNDS - (counts['between steps'] ?? 0)).toBeGreaterThan(0);
    expect(killsWithPending).toBeGreaterThan(0);
  }, 150_000);
});

/**
 * Child process for test/lifecycle/crash-safety.test.ts: opens the test instance exactly as a real process would
 * (configuration from the environment, `openApp`) and changes document statuses as fast as it can until the test
 * SIGKILLs it. Run with `node --import tsx test/lifecycle/crash-worker.ts`.
 *
 * Environment: EKASARN_DATA, EKASARN_PUBLIC_URL, DATABASE_URL (PostgreSQL), EKASARN_SIGNATURE_LEVEL as for any
 * ekasarn process; CRASH_DOCS = comma-separated ids of documents that are active or suspended; CRASH_SEED = integer
 * choosing when to supersede instead of suspending/reinstating; CRASH_KICKS=off to leave integration to the explicit
 * calls only (see below).
 *
 * Output, one JSON object per line on stdout (a pipe: Node writes to pipes synchronously on Linux, so a line printed
 * is in the pipe before the next step starts, and the parent still reads it after the kill):
 *   {"t":"ready"}                                   the app is open; the test's kill timer starts here
 *   {"t":"begin","step":n,"action":a,"doc":id}      about to run one transition
 *   {"t":"done","step":n,"action":a,"doc":id,"status":s,"successor":id|null}   that transition has committed
 *   {"t":"integrated","added":n,"size":m}           an explicit log integration committed
 *   {"t":"tx","tx":n,"kind":k,"phase":p}             a database transaction of kind transition | integration | startup
 *                                                   reached phase begun (BEGIN done, its work running), committing
 *                                                   (work done, COMMIT about to be sent), committed or rolled-back
 * A "begin" without its "done" means the kill landed somewhere inside that step; the transaction lines say whether
 * it was inside the transaction, and the database then tells whether it committed.
 *
 * The transaction lines come from wrapping Kysely's TransactionBuilder.execute (instrumentation only: the callback
 * and the transaction run unchanged), because where a SIGKILL lands cannot be seen from outside the process.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { TransactionBuilder } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { openApp } from '../../src/app/open-app.js';
import { getDocumentById } from '../../src/store/index.js';
import { seededRandom as seeded } from '../../src/notifications/backoff.js';

const say = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

/**
 * What the code running now is doing: one step (whose first transaction is its transition; later ones in the same
 * context are the log integrations its commit kicked off) or an explicit integration.
 */
const context = new AsyncLocalStorage<{ label: 'step' | 'integrate'; transactions: number }>();

function instrumentTransactions(): void {
  type Execute = (this: TransactionBuilder<unknown>, callback: (trx: unknown) => Promise<unknown>) => Promise<unknown>;
  const proto = TransactionBuilder.prototype as unknown as { execute: Execute };
  const original = proto.execute;
  let seq = 0;
  proto.execute = function (callback) {
    const tx = ++seq;
    const store = context.getStore();
    const kind = !store ? 'startup' : store.label === 'step' && store.transactions++ === 0 ? 'transition' : 'integration';
    return original.call(this, async (trx) => {
      say({ t: 'tx', tx, kind, phase: 'begun' });
      const result = await callback(trx);
      say({ t: 'tx', tx, kind, phase: 'committing' });
      return result;
    }).then(
      (result) => {
        say({ t: 'tx', tx, kind, phase: 'committed' });
        return result;
      },
      (e: unknown) => {
        say({ t: 'tx', tx, kind, phase: 'rolled-back' });
        throw e;
      },
    );
  };
}

async function main(): Promise<void> {
  const ids = (process.env.CRASH_DOCS ?? '').split(',').filter(Boolean);
  if (ids.length === 0) throw new Error('CRASH_DOCS must list at least one document id');
  const seedText = process.env.CRASH_SEED ?? '1';
  if (!/^[0-9]+$/.test(seedText)) throw new Error(`CRASH_SEED must be a whole number, got "${seedText}"`);
  const random = seeded(Number(seedText));

  instrumentTransactions();
  const app = await openApp(loadConfig(process.env));
  if (process.env.CRASH_KICKS === 'off') {
    // Normally each commit kicks an integration at once, so committed events wait for the log only briefly. With
    // kicks off, integration happens only at the explicit calls below (and on the server's timer), as in a deployment
    // whose integrator lags: the state "committed, not yet in the log" lasts long enough for kills to find it.
    app.publicLog.kick = () => undefined;
  }
  const db = app.database.db;
  // Current status of each document, from the database (a previous worker may have been killed mid-way).
  const live: { id: string; status: string; typeId: string }[] = [];
  for (const id of ids) {
    const d = await getDocumentById(db, id);
    if (!d) throw new Error(`document ${id} not found`);
    if (d.status !== 'active' && d.status !== 'suspended') throw new Error(`document ${id} is ${d.status}, expected active or suspended`);
    live.push({ id, status: d.status, typeId: d.typeId });
  }
  say({ t: 'ready' });

  for (let step = 0; ; step++) {
    const k = step % live.length;
    const doc = live[k]!;
    // Supersede now and then: it issues a whole new document (render + sign) in the same transaction.
    const action = random() < 0.08 ? 'supersede' : doc.status === 'active' ? 'suspend' : 'reinstate';
    await context.run({ label: 'step', transactions: 0 }, async () => {
      say({ t: 'begin', step, action, doc: doc.id });
      if (action === 'supersede') {
        const sample = app.types.get(doc.typeId)?.sample;
        if (!sample) throw new Error(`type ${doc.typeId} has no sample data`);
        const r = await app.supersede({ documentId: doc.id, data: { ...sample }, reason: 'replaced' }, 'crash-worker');
        say({ t: 'done', step, action, doc: doc.id, status: r.old.status, successor: r.successor.document.id });
        live[k] = { id: r.successor.document.id, status: r.successor.document.status, typeId: doc.typeId };
      } else {
        const r = await app.changeStatus(action, { documentId: doc.id, reason: 'court_order' }, 'crash-worker');
        say({ t: 'done', step, action, doc: doc.id, status: r.status, successor: null });
        doc.status = r.status;
      }
    });
    // Besides the integration each commit kicks off in the background, integrate explicitly every few steps, so
    // kills also land inside integration transactions that run between (and concurrently with) transitions.
    if (step % 4 === 3) {
      const r = await context.run({ label: 'integrate', transactions: 0 }, () => app.publicLog.integrate());
      say({ t: 'integrated', added: r.added, size: r.treeSize });
    }
  }
}

main().catch((e: unknown) => {
  say({ t: 'error', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
  process.exit(1);
});

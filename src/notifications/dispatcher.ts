import type { Kysely } from 'kysely';
import {
  claimWebhookDelivery,
  dueWebhookDeliveries,
  getWebhookSubscription,
  recordWebhookAttempt,
  type Database,
  type WebhookDelivery,
  type WebhookSubscription,
} from '../store/index.js';
import { exponentialBackoff, type Backoff } from './backoff.js';
import { postWebhook } from './post-webhook.js';

export interface WebhookDispatcherOptions {
  db: Kysely<Database>;
  /** Default: the global fetch (undici). */
  fetch?: typeof globalThis.fetch;
  now?: () => Date;
  /** Wait (ms) after the n-th failed attempt. Default: exponentialBackoff() — 10 s, 30 s, 2 min, 10 min, 1 h, 6 h… ±20 %. */
  backoff?: Backoff;
  /** Attempts before a delivery is given up (state failed). Default 10. */
  maxAttempts?: number;
  /** Per POST, connect to first bytes of the answer. Default 10 000. */
  timeoutMs?: number;
  /** Deliveries taken per pass. Default 50. */
  batchSize?: number;
  /** Simultaneous POSTs per pass. Default 4. */
  concurrency?: number;
  /** How long a claim keeps other dispatchers off a delivery; must exceed timeoutMs. Default timeoutMs + 60 s. */
  leaseMs?: number;
  /** Unexpected errors (database down…): runOnce never throws, it reports here. Default: console.error. */
  onError?: (err: unknown) => void;
}

export interface DispatchCounts {
  /** POSTs made. */
  attempted: number;
  delivered: number;
  /** Given up in this pass: out of attempts, or the subscription was disabled. */
  failed: number;
  /** Failed attempts scheduled again. */
  retried: number;
}

export interface WebhookDispatcher {
  /** One pass over due deliveries; never throws. */
  runOnce(): Promise<DispatchCounts>;
  /** Passes every intervalMs (at once again while the queue is backed up) until stop(). */
  start(intervalMs: number): void;
  /** Stops the loop and waits for the pass in progress. */
  stop(): Promise<void>;
  /** Runs a pass now (e.g. right after a status change commits) instead of waiting for the next tick. */
  kick(): void;
}

export const SUBSCRIPTION_DISABLED = 'subscription disabled';

const positiveInt = (name: string, v: number | undefined, dflt: number): number => {
  const n = v ?? dflt;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`createWebhookDispatcher: ${name} must be a positive integer, got ${String(v)}`);
  return n;
};

/**
 * Sends queued webhook deliveries (queued by recordDocumentEvent in the status change's own transaction — an outbox):
 * signed POST, 2xx = delivered, anything else = retry later with back-off, up to maxAttempts. Each attempt writes its
 * status and error to the delivery row, which is the delivery log.
 *
 * Several dispatchers (processes, nodes) may share one database: each delivery is claimed with a conditional UPDATE
 * before it is sent, so two never send it at the same time. Delivery is at-least-once — a crash after the POST and
 * before the record resends it when the lease ends — so receivers deduplicate on Ekasarn-Webhook-Id.
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const db = options.db;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => new Date());
  const backoff = options.backoff ?? exponentialBackoff();
  const maxAttempts = positiveInt('maxAttempts', options.maxAttempts, 10);
  const timeoutMs = positiveInt('timeoutMs', options.timeoutMs, 10_000);
  const batchSize = positiveInt('batchSize', options.batchSize, 50);
  const concurrency = positiveInt('concurrency', options.concurrency, 4);
  const leaseMs = positiveInt('leaseMs', options.leaseMs, timeoutMs + 60_000);
  if (leaseMs <= timeoutMs) throw new RangeError('createWebhookDispatcher: leaseMs must exceed timeoutMs');
  const onError = options.onError ?? ((err: unknown) => console.error('webhook dispatcher:', err));

  async function handle(d: WebhookDelivery, subs: Map<string, Promise<WebhookSubscription | null>>, counts: DispatchCounts): Promise<void> {
    const claimedAt = now();
    const leaseUntil = new Date(claimedAt.getTime() + leaseMs);
    if (!(await claimWebhookDelivery(db, d, leaseUntil))) return; // another dispatcher has it

    let sub = subs.get(d.subscriptionId);
    if (!sub) subs.set(d.subscriptionId, (sub = getWebhookSubscription(db, d.subscriptionId)));
    const subscription = await sub;
    if (!subscription || subscription.disabledAt !== null) {
      const recorded = await recordWebhookAttempt(
        db,
        d.id,
        { state: 'failed', attempts: d.attempts, nextAttemptAt: claimedAt, lastStatus: d.lastStatus, lastError: SUBSCRIPTION_DISABLED, deliveredAt: null },
        leaseUntil,
      );
      if (recorded) counts.failed++;
      return;
    }

    counts.attempted++;
    const outcome = await postWebhook({ fetch: fetchFn, url: subscription.url, secret: subscription.secret, deliveryId: d.id, body: d.payloadJson, now: now(), timeoutMs });
    const attempts = d.attempts + 1;
    const at = now();
    if (outcome.ok) {
      if (await recordWebhookAttempt(db, d.id, { state: 'delivered', attempts, nextAttemptAt: at, lastStatus: outcome.status, lastError: null, deliveredAt: at }, leaseUntil)) counts.delivered++;
      return;
    }
    const giveUp = attempts >= maxAttempts;
    const next = giveUp ? at : new Date(at.getTime() + Math.max(0, backoff(attempts)));
    const recorded = await recordWebhookAttempt(
      db,
      d.id,
      { state: giveUp ? 'failed' : 'pending', attempts, nextAttemptAt: next, lastStatus: outcome.status, lastError: outcome.error, deliveredAt: null },
      leaseUntil,
    );
    if (recorded) {
      if (giveUp) counts.failed++;
      else counts.retried++;
    }
  }

  /** One pass; also says whether the batch was full (more may be waiting). */
  async function pass(): Promise<{ counts: DispatchCounts; full: boolean }> {
    const counts: DispatchCounts = { attempted: 0, delivered: 0, failed: 0, retried: 0 };
    let due: WebhookDelivery[];
    try {
      due = await dueWebhookDeliveries(db, now(), batchSize);
    } catch (err) {
      onError(err);
      return { counts, full: false };
    }
    const subs = new Map<string, Promise<WebhookSubscription | null>>();
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const d = due[next++]!;
        try {
          await handle(d, subs, counts);
        } catch (err) {
          // A database error on one delivery: its lease runs out and a later pass retries it.
          onError(err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
    return { counts, full: due.length === batchSize };
  }

  let started = false;
  let closed = false;
  let intervalMs = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;

  const schedule = (ms: number) => {
    if (!started) return;
    clearTimeout(timer);
    timer = setTimeout(tick, ms);
    // The loop alone does not keep a process alive; the server does.
    timer.unref();
  };

  function tick(): void {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      let backlog = false;
      try {
        const r = await pass();
        // Straight on while a full batch made progress; a full batch of errors waits for the interval.
        backlog = r.full && r.counts.attempted + r.counts.failed > 0;
      } catch (err) {
        onError(err);
      }
      running = null;
      if (closed) return;
      const soon = again || backlog;
      again = false;
      if (soon) {
        if (started) schedule(0);
        else tick();
      } else schedule(intervalMs);
    })();
  }

  return {
    async runOnce() {
      return (await pass()).counts;
    },
    start(ms: number) {
      if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`webhook dispatcher interval must be a positive number of ms, got ${ms}`);
      intervalMs = ms;
      closed = false;
      if (started) return;
      started = true;
      schedule(0);
    },
    async stop() {
      started = false;
      closed = true;
      again = false;
      clearTimeout(timer);
      while (running) await running;
    },
    kick() {
      if (closed) return;
      if (running) again = true;
      else if (started) schedule(0);
      else tick();
    },
  };
}

// Subscription URLs are checked where subscriptions are made; re-exported here beside the code that posts to them.
export { validateWebhookUrl, type WebhookUrlOptions } from './webhook-url.js';

import type { Selectable } from 'kysely';
import type { Executor } from '../db/transaction.js';
import type { WebhookDeliveriesTable } from '../db/schema.js';
import { nowIso, OPAQUE_ID_PATTERN, slug, text, timestamp } from '../validate.js';

/**
 * Relying parties' subscriptions to status changes of an agency's document type, and the delivery queue. A change
 * queues its deliveries in its own transaction; the dispatcher posts them later, retrying with back-off.
 */
export interface WebhookSubscription {
  id: string;
  agencyId: string;
  typeId: string;
  url: string;
  secret: string;
  createdAt: string;
  disabledAt: string | null;
}

export interface WebhookDelivery {
  id: number;
  subscriptionId: string;
  eventId: number;
  payloadJson: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export async function createWebhookSubscription(db: Executor, s: { id: string; agencyId: string; typeId: string; url: string; secret: string }): Promise<WebhookSubscription> {
  const row = {
    id: text('webhook.id', s.id, { pattern: OPAQUE_ID_PATTERN }),
    agency_id: slug('webhook.agencyId', s.agencyId),
    type_id: slug('webhook.typeId', s.typeId),
    url: text('webhook.url', s.url, { max: 2000 }),
    secret: text('webhook.secret', s.secret, { max: 200 }),
    created_at: nowIso(),
    disabled_at: null,
  };
  await db.insertInto('webhook_subscriptions').values(row).execute();
  return { id: row.id, agencyId: row.agency_id, typeId: row.type_id, url: row.url, secret: row.secret, createdAt: row.created_at, disabledAt: null };
}

export async function activeSubscriptions(db: Executor, agencyId: string, typeId: string): Promise<WebhookSubscription[]> {
  const rows = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('agency_id', '=', agencyId)
    .where('type_id', '=', typeId)
    .where('disabled_at', 'is', null)
    .execute();
  return rows.map((r) => ({ id: r.id, agencyId: r.agency_id, typeId: r.type_id, url: r.url, secret: r.secret, createdAt: r.created_at, disabledAt: r.disabled_at }));
}

export async function getWebhookSubscription(db: Executor, id: string): Promise<WebhookSubscription | null> {
  const r = await db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? { id: r.id, agencyId: r.agency_id, typeId: r.type_id, url: r.url, secret: r.secret, createdAt: r.created_at, disabledAt: r.disabled_at } : null;
}

export async function listWebhookSubscriptions(db: Executor, agencyId: string): Promise<WebhookSubscription[]> {
  const rows = await db.selectFrom('webhook_subscriptions').selectAll().where('agency_id', '=', agencyId).orderBy('created_at').execute();
  return rows.map((r) => ({ id: r.id, agencyId: r.agency_id, typeId: r.type_id, url: r.url, secret: r.secret, createdAt: r.created_at, disabledAt: r.disabled_at }));
}

export async function disableWebhookSubscription(db: Executor, agencyId: string, id: string): Promise<boolean> {
  const r = await db
    .updateTable('webhook_subscriptions')
    .set({ disabled_at: nowIso() })
    .where('id', '=', id)
    .where('agency_id', '=', agencyId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function enqueueWebhookDelivery(trx: Executor, d: { subscriptionId: string; eventId: number; payloadJson: string; at: Date }): Promise<void> {
  const at = timestamp('delivery.at', d.at);
  await trx
    .insertInto('webhook_deliveries')
    .values({
      subscription_id: d.subscriptionId,
      event_id: d.eventId,
      payload_json: d.payloadJson,
      state: 'pending',
      attempts: 0,
      next_attempt_at: at,
      last_status: null,
      last_error: null,
      delivered_at: null,
      created_at: at,
    })
    .onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing())
    .execute();
}

type DeliveryRow = Selectable<WebhookDeliveriesTable>;
const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: Number(r.id),
  subscriptionId: r.subscription_id,
  eventId: Number(r.event_id),
  payloadJson: r.payload_json,
  state: r.state as WebhookDelivery['state'],
  attempts: Number(r.attempts),
  nextAttemptAt: r.next_attempt_at,
  lastStatus: r.last_status === null ? null : Number(r.last_status),
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
  createdAt: r.created_at,
});

export async function dueWebhookDeliveries(db: Executor, now: Date, limit: number): Promise<WebhookDelivery[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('state', '=', 'pending')
    .where('next_attempt_at', '<=', now.toISOString())
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toDelivery);
}

/**
 * Claims a due delivery for one sender: moves its next attempt to `leaseUntil` only if nobody changed the row since
 * it was read (same state, attempts and next_attempt_at). Exactly one of several concurrent dispatchers — threads,
 * processes or nodes on one database — sees `true`; the others skip the delivery. If the claimant dies, the delivery
 * becomes due again when the lease ends.
 */
export async function claimWebhookDelivery(db: Executor, d: { id: number; attempts: number; nextAttemptAt: string }, leaseUntil: Date): Promise<boolean> {
  const r = await db
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: leaseUntil.toISOString() })
    .where('id', '=', d.id)
    .where('state', '=', 'pending')
    .where('attempts', '=', d.attempts)
    .where('next_attempt_at', '=', d.nextAttemptAt)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Records one attempt's outcome (the delivery log). With `claimedUntil`, only while the caller's claim still holds
 * (the row is pending with that lease): returns false when the claim was lost, and the row is left alone.
 */
export async function recordWebhookAttempt(
  db: Executor,
  id: number,
  outcome: { state: WebhookDelivery['state']; attempts: number; nextAttemptAt: Date; lastStatus: number | null; lastError: string | null; deliveredAt: Date | null },
  claimedUntil?: Date,
): Promise<boolean> {
  let q = db
    .updateTable('webhook_deliveries')
    .set({
      state: outcome.state,
      attempts: outcome.attempts,
      next_attempt_at: outcome.nextAttemptAt.toISOString(),
      last_status: outcome.lastStatus,
      last_error: outcome.lastError === null ? null : outcome.lastError.slice(0, 500),
      delivered_at: outcome.deliveredAt ? outcome.deliveredAt.toISOString() : null,
    })
    .where('id', '=', id);
  if (claimedUntil) q = q.where('state', '=', 'pending').where('next_attempt_at', '=', claimedUntil.toISOString());
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function listWebhookDeliveries(db: Executor, subscriptionId: string, limit = 100): Promise<WebhookDelivery[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .orderBy('id', 'desc')
    .limit(Math.max(1, Math.min(1000, Math.trunc(limit) || 100)))
    .execute();
  return rows.map(toDelivery);
}

import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../domain/errors.js';
import { base64url, newDocumentId } from '../domain/identifiers.js';
import {
  createWebhookSubscription,
  disableWebhookSubscription,
  getWebhookSubscription,
  isEntitled,
  listWebhookDeliveries,
  listWebhookSubscriptions,
  SLUG_PATTERN,
  type Database,
  type WebhookDelivery,
  type WebhookSubscription,
} from '../store/index.js';
import { validateWebhookUrl } from './webhook-url.js';

/** A subscription as its agency sees it: never the secret (shown once, at creation). */
export interface SubscriptionView {
  id: string;
  /** Document type id. */
  type: string;
  url: string;
  createdAt: string;
  disabledAt: string | null;
  active: boolean;
}

export interface NewSubscription extends SubscriptionView {
  /** The HMAC key (`whsec_…`), returned only by subscribeWebhook: the registry cannot show it again. */
  secret: string;
}

/** One queued notification and the outcome of its last attempt. */
export interface DeliveryLogEntry {
  id: number;
  eventId: number;
  /** e.g. document.revoked */
  event: string | null;
  documentId: string | null;
  state: WebhookDelivery['state'];
  attempts: number;
  /** When the next attempt is due; null once delivered or given up. */
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** Enough for any relying party of one agency; a bound so a leaked key cannot fill the table. */
export const MAX_ACTIVE_SUBSCRIPTIONS = 100;

const invalid = (field: string, problem: string, th: string, en: string) =>
  new AppError('validation_failed', 422, { th: 'ข้อมูลไม่ถูกต้อง', en: 'The request is invalid' }, [{ field, problem, message: { th, en } }]);

const view = (s: WebhookSubscription): SubscriptionView => ({
  id: s.id,
  type: s.typeId,
  url: s.url,
  createdAt: s.createdAt,
  disabledAt: s.disabledAt,
  active: s.disabledAt === null,
});

/** `whsec_` + 256 random bits, base64url: the prefix makes a leaked secret recognisable to secret scanners. */
export function newWebhookSecret(): string {
  return `whsec_${base64url(randomBytes(32))}`;
}

/**
 * Subscribes an endpoint to status changes (revoked, suspended, reinstated, superseded, expired) of one document type
 * the agency issues. The secret is returned here only; the registry keeps it in clear (not hashed) because the
 * dispatcher needs it to compute each HMAC, but no listing shows it again.
 */
export async function subscribeWebhook(
  db: Kysely<Database>,
  input: { agencyId: string; typeId: unknown; url: unknown; allowHttp?: boolean; allowPrivateHosts?: boolean },
): Promise<NewSubscription> {
  if (typeof input.typeId !== 'string' || !SLUG_PATTERN.test(input.typeId)) {
    throw invalid('type', 'format', 'type ต้องเป็นรหัสประเภทเอกสาร เช่น training-certificate', 'type must be a document type id, e.g. training-certificate');
  }
  const url = validateWebhookUrl(input.url, {
    ...(input.allowHttp !== undefined ? { allowHttp: input.allowHttp } : {}),
    ...(input.allowPrivateHosts !== undefined ? { allowPrivateHosts: input.allowPrivateHosts } : {}),
  });
  if (!(await isEntitled(db, input.agencyId, input.typeId))) {
    throw invalid('type', 'unknown_type', `หน่วยงานนี้ไม่ได้ออกเอกสารประเภท ${input.typeId}`, `this agency does not issue documents of type ${input.typeId}`);
  }
  const active = (await listWebhookSubscriptions(db, input.agencyId)).filter((s) => s.disabledAt === null).length;
  if (active >= MAX_ACTIVE_SUBSCRIPTIONS) {
    throw new AppError('too_many_subscriptions', 409, {
      th: `หน่วยงานหนึ่งมีการสมัครรับแจ้งเตือนได้ไม่เกิน ${MAX_ACTIVE_SUBSCRIPTIONS} รายการ`,
      en: `An agency may have at most ${MAX_ACTIVE_SUBSCRIPTIONS} active webhook subscriptions`,
    });
  }
  const created = await createWebhookSubscription(db, { id: newDocumentId(), agencyId: input.agencyId, typeId: input.typeId, url, secret: newWebhookSecret() });
  return { ...view(created), secret: created.secret };
}

/** Disables the agency's subscription; false when there is no such active subscription of this agency. */
export async function unsubscribeWebhook(db: Kysely<Database>, agencyId: string, subscriptionId: string): Promise<boolean> {
  return disableWebhookSubscription(db, agencyId, subscriptionId);
}

export async function listSubscriptions(db: Kysely<Database>, agencyId: string): Promise<SubscriptionView[]> {
  return (await listWebhookSubscriptions(db, agencyId)).map(view);
}

function payloadFacts(json: string): { event: string | null; documentId: string | null } {
  try {
    const p = JSON.parse(json) as { event?: unknown; document?: { id?: unknown } };
    return { event: typeof p.event === 'string' ? p.event : null, documentId: typeof p.document?.id === 'string' ? p.document.id : null };
  } catch {
    return { event: null, documentId: null };
  }
}

/**
 * The delivery log of one of the agency's subscriptions, newest first; null when the subscription is not the
 * agency's (callers answer 404 either way, so other agencies' subscription ids are not confirmed).
 */
export async function deliveryLog(db: Kysely<Database>, agencyId: string, subscriptionId: string, opts: { limit?: number } = {}): Promise<DeliveryLogEntry[] | null> {
  const sub = await getWebhookSubscription(db, subscriptionId);
  if (!sub || sub.agencyId !== agencyId) return null;
  const rows = await listWebhookDeliveries(db, subscriptionId, opts.limit ?? 100);
  return rows.map((d) => ({
    id: d.id,
    eventId: d.eventId,
    ...payloadFacts(d.payloadJson),
    state: d.state,
    attempts: d.attempts,
    nextAttemptAt: d.state === 'pending' ? d.nextAttemptAt : null,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    deliveredAt: d.deliveredAt,
    createdAt: d.createdAt,
  }));
}

/** The four operations the HTTP routes need, bound to one database (for wiring into Services). */
export function webhookSubscriptionService(db: Kysely<Database>, opts: { allowHttp?: boolean; allowPrivateHosts?: boolean } = {}) {
  return {
    subscribe: (agencyId: string, input: { typeId: unknown; url: unknown }) => subscribeWebhook(db, { agencyId, ...input, ...opts }),
    unsubscribe: (agencyId: string, id: string) => unsubscribeWebhook(db, agencyId, id),
    list: (agencyId: string) => listSubscriptions(db, agencyId),
    deliveries: (agencyId: string, id: string) => deliveryLog(db, agencyId, id),
  };
}

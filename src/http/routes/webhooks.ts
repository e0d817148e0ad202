import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../domain/errors.js';
import type { DeliveryLogEntry, NewSubscription, SubscriptionView } from '../../notifications/index.js';
import { errorSchema } from '../schemas.js';

export const WEBHOOKS_SCOPE = 'webhooks:manage';

/** What the webhook routes need; the app wires it (see notifications/webhookSubscriptionService + requireCaller). */
export interface WebhookRouteDeps {
  /** Resolves the caller's agency or throws an AppError (401 without a key, 403 without the scope). */
  authenticate(req: FastifyRequest, scope: string): Promise<{ agencyId: string }>;
  subscribe(agencyId: string, input: { typeId: unknown; url: unknown }): Promise<NewSubscription>;
  unsubscribe(agencyId: string, id: string): Promise<boolean>;
  list(agencyId: string): Promise<SubscriptionView[]>;
  /** null when the subscription is not the caller agency's. */
  deliveries(agencyId: string, id: string): Promise<DeliveryLogEntry[] | null>;
}

const subscriptionIdParam = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$', description: 'Subscription id (22 characters, base64url)' } },
  required: ['id'],
} as const;

const subscriptionProperties = {
  id: { type: 'string' },
  type: { type: 'string', description: 'Document type id' },
  url: { type: 'string' },
  createdAt: { type: 'string', format: 'date-time' },
  disabledAt: { type: ['string', 'null'] },
  active: { type: 'boolean' },
} as const;

const subscriptionView = { type: 'object', properties: subscriptionProperties } as const;

const newSubscriptionView = {
  type: 'object',
  properties: {
    ...subscriptionProperties,
    secret: { type: 'string', description: 'HMAC-SHA256 key (whsec_…) for Ekasarn-Signature; shown only in this response' },
  },
} as const;

const deliveryView = {
  type: 'object',
  properties: {
    id: { type: 'integer', description: 'Delivery id = the Ekasarn-Webhook-Id header (same on every retry)' },
    eventId: { type: 'integer' },
    event: { type: ['string', 'null'], description: 'e.g. document.revoked' },
    documentId: { type: ['string', 'null'] },
    state: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
    attempts: { type: 'integer' },
    nextAttemptAt: { type: ['string', 'null'] },
    lastStatus: { type: ['integer', 'null'], description: "The receiver's last HTTP status (null: no answer)" },
    lastError: { type: ['string', 'null'] },
    deliveredAt: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
} as const;

const subscriptionNotFound = () => new AppError('not_found', 404, { th: 'ไม่พบการสมัครรับแจ้งเตือนนี้', en: 'Webhook subscription not found' });

/**
 * Webhook subscriptions of the caller's agency: relying parties are notified (signed POSTs) when documents of a type
 * change status. Scope `webhooks:manage`.
 */
export function webhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps): void {
  const secured = [{ apiKey: [] as string[] }];
  const tags = ['webhooks'];

  app.post(
    '/api/v1/webhooks',
    {
      schema: {
        summary: 'Subscribe an endpoint to status changes of a document type / สมัครรับแจ้งเตือนการเปลี่ยนสถานะเอกสาร',
        description:
          'Each status change (revoked, suspended, reinstated, superseded, expired) is POSTed as JSON with headers Ekasarn-Webhook-Id, ' +
          'Ekasarn-Webhook-Timestamp and Ekasarn-Signature: v1=hex(HMAC-SHA256(secret, "<timestamp>.<body>")); reject timestamps older than 5 minutes. ' +
          'Non-2xx answers are retried with back-off (10 s … 6 h) up to 10 attempts.',
        tags,
        security: secured,
        body: {
          type: 'object',
          required: ['type', 'url'],
          additionalProperties: false,
          properties: {
            type: { type: 'string', minLength: 1, maxLength: 64, description: 'Document type id, e.g. training-certificate' },
            url: { type: 'string', minLength: 1, maxLength: 2000, description: 'https:// endpoint receiving the POSTs' },
          },
        },
        response: { 201: newSubscriptionView, 401: errorSchema, 403: errorSchema, 409: errorSchema, 422: errorSchema },
      },
    },
    async (req, reply) => {
      const { agencyId } = await deps.authenticate(req, WEBHOOKS_SCOPE);
      const body = req.body as { type: string; url: string };
      const created = await deps.subscribe(agencyId, { typeId: body.type, url: body.url });
      reply.header('location', `/api/v1/webhooks/${created.id}`);
      // The secret is in this answer only: keep it out of shared caches.
      reply.header('cache-control', 'no-store');
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/v1/webhooks',
    {
      schema: {
        summary: "The agency's webhook subscriptions (no secrets) / รายการการสมัครรับแจ้งเตือน",
        tags,
        security: secured,
        response: { 200: { type: 'object', properties: { subscriptions: { type: 'array', items: subscriptionView } } }, 401: errorSchema, 403: errorSchema },
      },
    },
    async (req) => {
      const { agencyId } = await deps.authenticate(req, WEBHOOKS_SCOPE);
      return { subscriptions: await deps.list(agencyId) };
    },
  );

  app.delete(
    '/api/v1/webhooks/:id',
    {
      schema: {
        summary: 'Unsubscribe (pending deliveries are not sent) / ยกเลิกการรับแจ้งเตือน',
        tags,
        security: secured,
        params: subscriptionIdParam,
        response: { 204: { type: 'null' }, 401: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const { agencyId } = await deps.authenticate(req, WEBHOOKS_SCOPE);
      if (!(await deps.unsubscribe(agencyId, (req.params as { id: string }).id))) throw subscriptionNotFound();
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/webhooks/:id/deliveries',
    {
      schema: {
        summary: 'Delivery log of a subscription, newest first / บันทึกการส่งแจ้งเตือน',
        tags,
        security: secured,
        params: subscriptionIdParam,
        response: { 200: { type: 'object', properties: { deliveries: { type: 'array', items: deliveryView } } }, 401: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req) => {
      const { agencyId } = await deps.authenticate(req, WEBHOOKS_SCOPE);
      const log = await deps.deliveries(agencyId, (req.params as { id: string }).id);
      if (!log) throw subscriptionNotFound();
      return { deliveries: log };
    },
  );
}

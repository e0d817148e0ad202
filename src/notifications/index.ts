/** Webhook notifications of document status changes: subscriptions, signed deliveries, retries, delivery log. */
export {
  signWebhook,
  verifyWebhookSignature,
  WEBHOOK_ID_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  DEFAULT_TOLERANCE_SECONDS,
  type HeaderSource,
  type WebhookVerification,
} from './signature.js';
export { exponentialBackoff, seededRandom, DEFAULT_BACKOFF_SCHEDULE_MS, type Backoff, type BackoffOptions } from './backoff.js';
export { postWebhook, WEBHOOK_USER_AGENT, type PostOutcome } from './post-webhook.js';
export { validateWebhookUrl, MAX_WEBHOOK_URL_LENGTH, type WebhookUrlOptions } from './webhook-url.js';
export {
  createWebhookDispatcher,
  SUBSCRIPTION_DISABLED,
  type DispatchCounts,
  type WebhookDispatcher,
  type WebhookDispatcherOptions,
} from './dispatcher.js';
export {
  subscribeWebhook,
  unsubscribeWebhook,
  listSubscriptions,
  deliveryLog,
  newWebhookSecret,
  webhookSubscriptionService,
  MAX_ACTIVE_SUBSCRIPTIONS,
  type SubscriptionView,
  type NewSubscription,
  type DeliveryLogEntry,
} from './subscriptions.js';
export type { WebhookPayload } from '../lifecycle/document-events.js';

export { changeDocumentStatus, validateChange, type LifecycleDeps, type StatusChangeRequest } from './change-status.js';
export { supersedeDocument, type SupersedeRequest } from './supersede.js';
export { expireDueDocuments } from './expire.js';
export { recordDocumentEvent, type DocumentEvent, type WebhookPayload } from './document-events.js';

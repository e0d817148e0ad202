import type { Generated, Insertable, Selectable } from 'kysely';

/**
 * Table shapes as stored, one interface per table (snake_case, like the columns). They are written for both SQLite and
 * PostgreSQL, so only portable types appear:
 * - timestamps are TEXT holding `Date.prototype.toISOString()` (UTC, fixed width, millisecond precision), which sorts
 *   correctly as text on both engines;
 * - JSON is TEXT (`*_json` columns), parsed by the repositories;
 * - integers fit in 32 bits (PostgreSQL `integer`), so `pg` returns JS numbers rather than strings;
 * - there are no boolean columns: a nullable timestamp says when something became true (`revoked_at`).
 */
export interface AgenciesTable {
  id: string;
  name_th: string;
  name_en: string;
  address_th: string;
  created_at: string;
}

export interface DocumentTypesTable {
  type_id: string;
  version: number;
  agency_id: string;
  name_th: string;
  name_en: string;
  definition_json: string;
  template_sha256: string;
  created_at: string;
}

export interface DocumentsTable {
  id: string;
  serial: string;
  type_id: string;
  type_version: number;
  agency_id: string;
  subject_kind: string;
  subject_id: string;
  data_json: string;
  pdf_sha256: string;
  pdf_size: number;
  status: string;
  issued_at: string;
  valid_until: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  created_at: string;
  updated_at: string;
  /** Blob of the latest version; null = the document id (version 1). */
  blob_key: string | null;
  /** Why the status last changed (free text the agency wrote; shown publicly, so no personal data). */
  status_reason: string | null;
  status_changed_at: string | null;
  /** The document that replaces this one (status superseded). */
  successor_id: string | null;
  /** The agency's note on the last status change (internal: not shown publicly). */
  status_note: string | null;
  /** Position of this document in its agency/type Bitstring Status List (random, unique). */
  status_list_index: number | null;
}

export interface DocumentVersionsTable {
  document_id: string;
  version: number;
  blob_key: string;
  pdf_sha256: string;
  pdf_size: number;
  level: string;
  reason: string;
  created_at: string;
}

export interface SerialCountersTable {
  agency_id: string;
  type_id: string;
  year: number;
  last_value: number;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  agency_id: string;
  document_id: string | null;
  details_json: string;
  /** Where the action came from (client IP for console and API actions); null for CLI and system work. */
  source: string | null;
}

export interface ApiKeysTable {
  id: string;
  agency_id: string;
  label: string;
  key_hash: string;
  scopes: string;
  created_at: string;
  revoked_at: string | null;
}

/** An agency may issue a document type only when entitled to it. */
export interface TypeEntitlementsTable {
  agency_id: string;
  type_id: string;
  granted_at: string;
  /** Set when the agency requires a second officer's approval (maker-checker) before a document of this type is signed. */
  approval_required_at: string | null;
}

/** Every signing certificate an agency has used: a verifier checks that the signer belongs to the named issuer. */
export interface AgencyCertificatesTable {
  agency_id: string;
  /** SHA-256 of the certificate DER, lowercase hex. */
  certificate_sha256: string;
  certificate_der_b64: string;
  subject: string;
  not_after: string;
  added_at: string;
}

/** The transparency log's outbox and leaves: one row per issuance or status change, no personal data. */
export interface LogEventsTable {
  id: Generated<number>;
  at: string;
  kind: string;
  agency_id: string;
  type_id: string;
  document_id: string;
  pdf_sha256: string;
  successor_id: string | null;
  /** Set when integrated into the Merkle tree, with the exact leaf bytes (RFC 8785 JSON). */
  log_index: number | null;
  leaf_json: string | null;
}

/** tlog stored hashes: index → 32-byte hash. */
export interface LogHashesTable {
  idx: number;
  hash: Uint8Array;
}

export interface LogCheckpointsTable {
  tree_size: number;
  note: string;
  created_at: string;
}

export interface LogHeadTable {
  id: number;
  tree_size: number;
}

export interface WebhookSubscriptionsTable {
  id: string;
  agency_id: string;
  type_id: string;
  url: string;
  secret: string;
  created_at: string;
  disabled_at: string | null;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  subscription_id: string;
  event_id: number;
  payload_json: string;
  /** pending | delivered | failed (gave up) */
  state: string;
  attempts: number;
  next_attempt_at: string;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
}

export interface BatchesTable {
  id: string;
  agency_id: string;
  type_id: string;
  type_version: number;
  /** PAdES level every document of the batch gets. */
  level: string;
  /** File name as uploaded (display only). */
  source_name: string;
  format: string;
  /** The caller's key for the whole batch (HTTP Idempotency-Key, or the CLI's digest of agency+type+file). */
  client_key: string | null;
  /** Column whose value is each row's idempotency key; null = batch id + row number. */
  idempotency_column: string | null;
  /** receiving → queued → completed (see src/domain/batch.ts). */
  state: string;
  total_rows: number;
  /**
   * Counts kept beside the rows, updated in the transactions that change the rows: progress (every SSE client, twice
   * a second) reads one row instead of counting 100,000.
   */
  issued_rows: number;
  existing_rows: number;
  failed_rows: number;
  actor: string;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export interface BatchRowsTable {
  batch_id: string;
  /** Spreadsheet row number (header = 1) or JSONL line number. */
  row_number: number;
  /** pending | issued | existing | failed */
  state: string;
  idempotency_key: string;
  request_hash: string | null;
  /** The validated fields (personal data: the registry holds them for the document anyway). */
  data_json: string | null;
  /** Row problems as [{column, code, message{th,en}}]. */
  problems_json: string | null;
  /** Reserved when claimed (the PDF is written under this id), the issued document once issued. */
  document_id: string | null;
  serial: string | null;
  status_list_index: number | null;
  issued_at: string | null;
  claim_token: string | null;
  claimed_until: string | null;
  /** Which process finished the row (`host:pid`): for operators of several servers. */
  issued_by: string | null;
}

/** A console user: bound to the identity provider's (issuer, subject) at first sign-in. */
export interface UsersTable {
  id: string;
  /** Lower-case; how an administrator invites an officer before their first sign-in. */
  email: string | null;
  display_name: string;
  /** `<issuer> <subject>` once the user has signed in; null for an invitation not yet used. */
  oidc_key: string | null;
  system_admin_at: string | null;
  created_at: string;
  last_login_at: string | null;
  disabled_at: string | null;
}

/** One role of a user in one agency: agency_admin | issuing_officer | approving_officer | auditor. */
export interface MembershipsTable {
  user_id: string;
  agency_id: string;
  role: string;
  granted_at: string;
  granted_by: string;
}

/** Server-side console sessions; the cookie carries a random token, stored here only as its SHA-256. */
export interface SessionsTable {
  token_hash: string;
  user_id: string;
  /** The agency the officer is acting for (null until chosen, e.g. a system administrator). */
  agency_id: string | null;
  /** live | sandbox (training). */
  mode: string;
  csrf_token: string;
  ip: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** A document being prepared in the console: draft → submitted → issued, or → rejected (back to the drafter). */
export interface DraftsTable {
  id: string;
  agency_id: string;
  type_id: string;
  type_version: number;
  /** live | sandbox */
  mode: string;
  /** draft | submitted | rejected | issued */
  state: string;
  data_json: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  decided_by: string | null;
  decided_at: string | null;
  rejection_reason: string | null;
  /** The issued document (live) or specimen (sandbox). */
  document_id: string | null;
}

/** Training-sandbox documents: SPECIMEN-watermarked, signed by the sandbox key, never in the public log. */
export interface SpecimensTable {
  id: string;
  agency_id: string;
  type_id: string;
  type_version: number;
  serial: string;
  data_json: string;
  pdf_sha256: string;
  pdf_size: number;
  blob_key: string;
  issued_by: string;
  draft_id: string | null;
  created_at: string;
}

/** A document type version as an agency administrator wrote it: draft until it passes the publish checks. */
export interface AuthoredTypesTable {
  type_id: string;
  version: number;
  agency_id: string;
  /** draft | published */
  state: string;
  definition_json: string;
  schema_json: string;
  template_source: string;
  sample_json: string;
  /** The last publish check's report (problems, bilingual), shown to the administrator. */
  check_json: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  published_by: string | null;
  published_at: string | null;
}

export interface Database {
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  drafts: DraftsTable;
  specimens: SpecimensTable;
  authored_types: AuthoredTypesTable;
  agencies: AgenciesTable;
  document_types: DocumentTypesTable;
  documents: DocumentsTable;
  document_versions: DocumentVersionsTable;
  serial_counters: SerialCountersTable;
  audit_events: AuditEventsTable;
  api_keys: ApiKeysTable;
  type_entitlements: TypeEntitlementsTable;
  agency_certificates: AgencyCertificatesTable;
  log_events: LogEventsTable;
  log_hashes: LogHashesTable;
  log_checkpoints: LogCheckpointsTable;
  log_head: LogHeadTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  batches: BatchesTable;
  batch_rows: BatchRowsTable;
}

export type AgencyRow = Selectable<AgenciesTable>;
export type DocumentTypeRow = Selectable<DocumentTypesTable>;
export type DocumentRow = Selectable<DocumentsTable>;
export type SerialCounterRow = Selectable<SerialCountersTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewDocumentRow = Insertable<DocumentsTable>;

import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DialectName } from './dialect.js';

/**
 * The registry schema, written once with Kysely's schema builder for both engines. Migrations are listed in code
 * (not globbed from a folder) so they run the same from `src/` under tsx and from the compiled `dist/`.
 * Rules for future migrations: never edit a shipped one, add a new entry with the next number; keep column types
 * portable (see schema.ts); SQLite cannot ALTER a constraint, so prefer checks in code over CHECK constraints.
 */
function migrations(dialect: DialectName): Record<string, Migration> {
  return {
    '0001_registry': {
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable('agencies')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name_th', 'text', (c) => c.notNull())
          .addColumn('name_en', 'text', (c) => c.notNull())
          .addColumn('address_th', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('document_types')
          .addColumn('type_id', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
          .addColumn('name_th', 'text', (c) => c.notNull())
          .addColumn('name_en', 'text', (c) => c.notNull())
          .addColumn('definition_json', 'text', (c) => c.notNull())
          .addColumn('template_sha256', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('document_types_pk', ['type_id', 'version'])
          .execute();

        await db.schema
          .createTable('documents')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('serial', 'text', (c) => c.notNull())
          .addColumn('type_id', 'text', (c) => c.notNull())
          .addColumn('type_version', 'integer', (c) => c.notNull())
          .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
          .addColumn('subject_kind', 'text', (c) => c.notNull())
          .addColumn('subject_id', 'text', (c) => c.notNull())
          .addColumn('data_json', 'text', (c) => c.notNull())
          .addColumn('pdf_sha256', 'text', (c) => c.notNull())
          .addColumn('pdf_size', 'integer', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('issued_at', 'text', (c) => c.notNull())
          .addColumn('valid_until', 'text')
          .addColumn('idempotency_key', 'text')
          .addColumn('request_hash', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addForeignKeyConstraint('documents_type_fk', ['type_id', 'type_version'], 'document_types', ['type_id', 'version'])
          // Serial numbers are printed on paper and must never repeat within an agency.
          .addUniqueConstraint('documents_agency_serial_uq', ['agency_id', 'serial'])
          // NULL keys are distinct on both engines, so documents issued without a key do not collide.
          .addUniqueConstraint('documents_agency_idempotency_uq', ['agency_id', 'idempotency_key'])
          .execute();
        await db.schema.createIndex('documents_subject_idx').on('documents').column('subject_id').execute();
        await db.schema.createIndex('documents_pdf_sha256_idx').on('documents').column('pdf_sha256').execute();
        await db.schema.createIndex('documents_type_issued_idx').on('documents').columns(['type_id', 'issued_at']).execute();

        await db.schema
          .createTable('serial_counters')
          .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
          .addColumn('type_id', 'text', (c) => c.notNull())
          .addColumn('year', 'integer', (c) => c.notNull())
          .addColumn('last_value', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('serial_counters_pk', ['agency_id', 'type_id', 'year'])
          .execute();

        // The one place the two engines differ: an auto-numbered key.
        let audit = db.schema.createTable('audit_events');
        audit =
          dialect === 'postgres'
            ? audit.addColumn('id', 'serial', (c) => c.primaryKey())
            : audit.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
        await audit
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
          // No foreign key: an event may name a document that was never stored (e.g. a failed issuance).
          .addColumn('document_id', 'text')
          .addColumn('details_json', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('audit_events_agency_at_idx').on('audit_events').columns(['agency_id', 'at']).execute();
        await db.schema.createIndex('audit_events_document_idx').on('audit_events').column('document_id').execute();

        await db.schema
          .createTable('api_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
          .addColumn('label', 'text', (c) => c.notNull())
          .addColumn('key_hash', 'text', (c) => c.notNull())
          .addColumn('scopes', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('revoked_at', 'text')
          .execute();
        await db.schema.createIndex('api_keys_agency_idx').on('api_keys').column('agency_id').execute();
      },
    },
    // Every PDF a document has had: the issued one, then each archive renewal (a new document timestamp). Holders may
    // keep any of them, so verification recognises them all; the documents row points at the latest.
    '0002_document_versions': {
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable('document_versions')
          .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('blob_key', 'text', (c) => c.notNull())
          .addColumn('pdf_sha256', 'text', (c) => c.notNull())
          .addColumn('pdf_size', 'integer', (c) => c.notNull())
          .addColumn('level', 'text', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('document_versions_pk', ['document_id', 'version'])
          .execute();
        await db.schema.createIndex('document_versions_sha_idx').on('document_versions').column('pdf_sha256').execute();
        await db.schema.alterTable('documents').addColumn('blob_key', 'text').execute();
      },
    },
    // Who may issue what, and with which key: the directory a verifier checks a signature's agency against. Also the
    // status details a public page shows (reason, when, successor), written by the lifecycle service.
    '0003_issuer_directory': {
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable('type_entitlements')
          .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
          .addColumn('type_id', 'text', (c) => c.notNull())
          .addColumn('granted_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('type_entitlements_pk', ['agency_id', 'type_id'])
          .execute();
        await db.schema
          .createTable('agency_certificates')
          .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
          .addColumn('certificate_sha256', 'text', (c) => c.notNull())
          .addColumn('certificate_der_b64', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('not_after', 'text', (c) => c.notNull())
          .addColumn('added_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('agency_certificates_pk', ['agency_id', 'certificate_sha256'])
          .execute();
        await db.schema.alterTable('documents').addColumn('status_reason', 'text').execute();
        await db.schema.alterTable('documents').addColumn('status_changed_at', 'text').execute();
        await db.schema.alterTable('documents').addColumn('successor_id', 'text').execute();
      },
    },
    // Lifecycle and transparency. Every issuance and status change writes a log_events row in its own transaction
    // (an outbox); the integrator later gives each event its log index and leaf bytes and extends the Merkle tree
    // (log_hashes: tlog "stored hashes") and signs a checkpoint. Webhook deliveries are queued the same way.
    '0004_lifecycle_log': {
      async up(db: Kysely<any>): Promise<void> {
        const autoId = (t: any) =>
          dialect === 'postgres' ? t.addColumn('id', 'serial', (c: any) => c.primaryKey()) : t.addColumn('id', 'integer', (c: any) => c.primaryKey().autoIncrement());
        const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
        await autoId(db.schema.createTable('log_events'))
          .addColumn('at', 'text', (c: any) => c.notNull())
          .addColumn('kind', 'text', (c: any) => c.notNull())
          .addColumn('agency_id', 'text', (c: any) => c.notNull())
          .addColumn('type_id', 'text', (c: any) => c.notNull())
          .addColumn('document_id', 'text', (c: any) => c.notNull())
          .addColumn('pdf_sha256', 'text', (c: any) => c.notNull())
          .addColumn('successor_id', 'text')
          .addColumn('log_index', 'integer', (c: any) => c.unique())
          .addColumn('leaf_json', 'text')
          .execute();
        await db.schema.createIndex('log_events_document_idx').on('log_events').column('document_id').execute();
        await db.schema
          .createTable('log_hashes')
          .addColumn('idx', 'integer', (c) => c.primaryKey())
          .addColumn('hash', bytes as any, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('log_checkpoints')
          .addColumn('tree_size', 'integer', (c) => c.primaryKey())
          .addColumn('note', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        // One row: the integrated size. Locking it serialises integrators across processes.
        await db.schema
          .createTable('log_head')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('tree_size', 'integer', (c) => c.notNull())
          .execute();
        await db.insertInto('log_head').values({ id: 1, tree_size: 0 }).execute();

        await db.schema.alterTable('documents').addColumn('status_note', 'text').execute();
        await db.schema.alterTable('documents').addColumn('status_list_index', 'integer').execute();
        await db.schema
          .createIndex('documents_status_list_idx')
          .on('documents')
          .columns(['agency_id', 'type_id', 'status_list_index'])
          .unique()
          .execute();

        await db.schema
          .createTable('webhook_subscriptions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
          .addColumn('type_id', 'text', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('disabled_at', 'text')
          .execute();
        await autoId(db.schema.createTable('webhook_deliveries'))
          .addColumn('subscription_id', 'text', (c: any) => c.notNull().references('webhook_subscriptions.id'))
          .addColumn('event_id', 'integer', (c: any) => c.notNull())
          .addColumn('payload_json', 'text', (c: any) => c.notNull())
          .addColumn('state', 'text', (c: any) => c.notNull())
          .addColumn('attempts', 'integer', (c: any) => c.notNull())
          .addColumn('next_attempt_at', 'text', (c: any) => c.notNull())
          .addColumn('last_status', 'integer')
          .addColumn('last_error', 'text')
          .addColumn('delivered_at', 'text')
          .addColumn('created_at', 'text', (c: any) => c.notNull())
          .addUniqueConstraint('webhook_deliveries_event_uq', ['subscription_id', 'event_id'])
          .execute();
        await db.schema.createIndex('webhook_deliveries_due_idx').on('webhook_deliveries').columns(['state', 'next_attempt_at']).execute();
      },
    },
    // Bulk issuance. A batch's rows are stored as they are read (streamed: the file is never held in memory), each
    // with its idempotency key; a worker claims rows under a lease and reserves their serial number, status-list
    // position and document id in the claim, so a row killed mid-way is re-done with the same numbers. A row turns
    // `issued` in the same transaction that inserts its document: exactly once, whatever dies when.
    '0005_batches': {
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable('batches')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
          .addColumn('type_id', 'text', (c) => c.notNull())
          .addColumn('type_version', 'integer', (c) => c.notNull())
          .addColumn('level', 'text', (c) => c.notNull())
          .addColumn('source_name', 'text', (c) => c.notNull())
          .addColumn('format', 'text', (c) => c.notNull())
          .addColumn('client_key', 'text')
          .addColumn('idempotency_column', 'text')
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('total_rows', 'integer', (c) => c.notNull())
          .addColumn('issued_rows', 'integer', (c) => c.notNull())
          .addColumn('existing_rows', 'integer', (c) => c.notNull())
          .addColumn('failed_rows', 'integer', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('completed_at', 'text')
          .addUniqueConstraint('batches_agency_client_key_uq', ['agency_id', 'client_key'])
          .execute();
        await db.schema.createIndex('batches_state_idx').on('batches').column('state').execute();
        await db.schema
          .createTable('batch_rows')
          .addColumn('batch_id', 'text', (c) => c.notNull().references('batches.id'))
          .addColumn('row_number', 'integer', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('idempotency_key', 'text', (c) => c.notNull())
          .addColumn('request_hash', 'text')
          .addColumn('data_json', 'text')
          .addColumn('problems_json', 'text')
          .addColumn('document_id', 'text')
          .addColumn('serial', 'text')
          .addColumn('status_list_index', 'integer')
          .addColumn('issued_at', 'text')
          .addColumn('claim_token', 'text')
          .addColumn('claimed_until', 'text')
          .addColumn('issued_by', 'text')
          .addPrimaryKeyConstraint('batch_rows_pk', ['batch_id', 'row_number'])
          .addUniqueConstraint('batch_rows_key_uq', ['batch_id', 'idempotency_key'])
          .execute();
        await db.schema.createIndex('batch_rows_state_idx').on('batch_rows').columns(['batch_id', 'state', 'row_number']).execute();
        await db.schema.createIndex('batch_rows_document_idx').on('batch_rows').column('document_id').execute();
        await db.schema.createIndex('batch_rows_status_index_idx').on('batch_rows').column('status_list_index').execute();
      },
    },
    // The issuer console. Officers sign in with OpenID Connect: a user row is bound to the identity provider's
    // (issuer, subject) at first sign-in, found by the e-mail an administrator invited. Roles are per agency
    // (memberships); a system administrator manages agencies. Sessions are server-side (the cookie holds a random
    // token, the table only its SHA-256). Drafts carry maker-checker approval; specimens are training-sandbox
    // documents, kept apart from `documents` so nothing public (log, status lists, look-ups) can ever reach them.
    // Authored types hold what an agency administrator uploaded, published or not; `document_types` keeps only what
    // was published. audit_events gains where an action came from.
    '0006_console': {
      async up(db: Kysely<any>): Promise<void> {
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.unique())
          .addColumn('display_name', 'text', (c) => c.notNull())
          .addColumn('oidc_key', 'text', (c) => c.unique())
          .addColumn('system_admin_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_login_at', 'text')
          .addColumn('disabled_at', 'text')
          .execute();
        await db.schema
          .createTable('memberships')
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('granted_at', 'text', (c) => c.notNull())
          .addColumn('granted_by', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'agency_id', 'role'])
          .execute();
        await db.schema.createIndex('memberships_agency_idx').on('memberships').column('agency_id').execute();
        await db.schema
          .createTable('sessions')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('agency_id', 'text')
          .addColumn('mode', 'text', (c) => c.notNull())
          .addColumn('csrf_token', 'text', (c) => c.notNull())
          .addColumn('ip', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_seen_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
        await db.schema
          .createTable('drafts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
          .addColumn('type_id', 'text', (c) => c.notNull())
          .addColumn('type_version', 'integer', (c) => c.notNull())
          .addColumn('mode', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('data_json', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('submitted_at', 'text')
          .addColumn('decided_by', 'text')
          .addColumn('decided_at', 'text')
          .addColumn('rejection_reason', 'text')
          .addColumn('document_id', 'text')
          .execute();
        await db.schema.createIndex('drafts_agency_state_idx').on('drafts').columns(['agency_id', 'mode', 'state']).execute();
        await db.schema
          .createTable('specimens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
          .addColumn('type_id', 'text', (c) => c.notNull())
          .addColumn('type_version', 'integer', (c) => c.notNull())
          .addColumn('serial', 'text', (c) => c.notNull())
          .addColumn('data_json', 'text', (c) => c.notNull())
          .addColumn('pdf_sha256', 'text', (c) => c.notNull())
          .addColumn('pdf_size', 'integer', (c) => c.notNull())
          .addColumn('blob_key', 'text', (c) => c.notNull())
          .addColumn('issued_by', 'text', (c) => c.notNull())
          .addColumn('draft_id', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('specimens_agency_idx').on('specimens').columns(['agency_id', 'created_at']).execute();
        await db.schema
          .createTable('authored_types')
          .addColumn('type_id', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('definition_json', 'text', (c) => c.notNull())
          .addColumn('schema_json', 'text', (c) => c.notNull())
          .addColumn('template_source', 'text', (c) => c.notNull())
          .addColumn('sample_json', 'text', (c) => c.notNull())
          .addColumn('check_json', 'text')
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('published_by', 'text')
          .addColumn('published_at', 'text')
          .addPrimaryKeyConstraint('authored_types_pk', ['type_id', 'version'])
          .execute();
        await db.schema.alterTable('audit_events').addColumn('source', 'text').execute();
        await db.schema.alterTable('type_entitlements').addColumn('approval_required_at', 'text').execute();
        await db.schema.createIndex('documents_agency_subject_idx').on('documents').columns(['agency_id', 'subject_id']).execute();
      },
    },
  };
}

class InCodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}

export interface MigrationOutcome {
  /** Names of the migrations applied by this call (empty when the schema was already current). */
  applied: string[];
}

/**
 * Brings the schema to the latest version. Safe to call on every start and from several processes at once: Kysely's
 * migrator takes a lock (a table lock on PostgreSQL, the single writer on SQLite) and skips what is already applied.
 */
export async function migrateToLatest(db: Kysely<any>, dialect: DialectName): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const where = failed ? ` in migration ${failed.migrationName}` : '';
    throw new Error(`database migration failed${where}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** Names of all migrations this code knows, in order (for diagnostics and tests). */
export function knownMigrations(): string[] {
  return Object.keys(migrations('sqlite')).sort();
}

/** The registry: database (SQLite or PostgreSQL via Kysely), repositories, and the blob store for PDFs. */
export { openDatabase, SQLITE_FILE_NAME, type OpenDatabaseOptions, type OpenedDatabase } from './db/open-database.js';
export { migrateToLatest, knownMigrations, type MigrationOutcome } from './db/migrations.js';
export { withTransaction, type Executor } from './db/transaction.js';
export { isUniqueViolation, isForeignKeyViolation } from './db/errors.js';
export type { DialectName } from './db/dialect.js';
export type * from './db/schema.js';
export { StoreInputError, OPAQUE_ID_PATTERN, SLUG_PATTERN } from './validate.js';

export * from './repos/agencies.js';
export * from './repos/document-types.js';
export * from './repos/documents.js';
export * from './repos/serials.js';
export * from './repos/audit.js';
export * from './repos/api-keys.js';

export { type BlobStore, BLOB_KEY_PATTERN, InvalidBlobKeyError, assertBlobKey } from './blobs/blob-store.js';
export { FilesystemBlobStore, openFilesystemBlobStore } from './blobs/filesystem-blob-store.js';
export * from './repos/document-versions.js';
export * from './repos/issuer-directory.js';
export * from './repos/log-events.js';
export * from './repos/webhooks.js';
export * from './repos/batches.js';
export * from './repos/drafts.js';
export * from './repos/document-search.js';
export * from './repos/authored-types.js';
export * from './repos/type-settings.js';
export * from './repos/users.js';
export * from './repos/sessions.js';
export * from './repos/specimens.js';

import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** Either the database or an open transaction: every repository function accepts both. */
export type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Runs fn in one transaction: committed when fn resolves, rolled back (and the error rethrown) when it throws.
 * Inside fn use the `trx` argument, never the outer `db`, or the work escapes the transaction.
 */
export function withTransaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

/** Runs fn in the caller's transaction when given one, else in a new one (repositories whose steps must hold together). */
export function inTransaction<T>(db: Executor, fn: (trx: Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute((trx: Transaction<Database>) => fn(trx));
}

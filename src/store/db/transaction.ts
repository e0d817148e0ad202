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

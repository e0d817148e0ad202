import type { Kysely } from 'kysely';
import type { Database } from '../../../src/store/index.js';

/** Read straight from the registry's tables (not through the code under test's services). */
export async function documentIds(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('documents').select('id').orderBy('id').execute();
  return rows.map((r) => r.id);
}

export async function countRows(db: Kysely<Database>, table: 'batches' | 'batch_rows' | 'documents'): Promise<number> {
  const r = await db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

import { sql } from 'kysely';
import type { Executor } from '../db/transaction.js';
import { integer, slug } from '../validate.js';

/**
 * Allocates the next sequence number (1, 2, 3…) for an agency's document type in a year, in one statement:
 * INSERT … ON CONFLICT DO UPDATE … RETURNING. The row lock this takes makes concurrent callers queue on PostgreSQL,
 * and SQLite has a single writer, so no two callers get the same number. Call it inside the transaction that
 * inserts the document: if that transaction rolls back, the number is released with it (no gaps from failures).
 */
export async function nextSerialNumber(trx: Executor, agencyId: string, typeId: string, year: number): Promise<number> {
  return reserveSerialNumbers(trx, agencyId, typeId, year, 1);
}

/** The last number handed out, or 0 when none has been. */
export async function currentSerialNumber(db: Executor, agencyId: string, typeId: string, year: number): Promise<number> {
  const row = await db
    .selectFrom('serial_counters')
    .select('last_value')
    .where('agency_id', '=', agencyId)
    .where('type_id', '=', typeId)
    .where('year', '=', year)
    .executeTakeFirst();
  return row ? Number(row.last_value) : 0;
}

/**
 * Reserves `count` consecutive sequence numbers at once (bulk issuance) and returns the first. Same row lock as
 * nextSerialNumber, so reservations and single issuances never share a number.
 */
export async function reserveSerialNumbers(trx: Executor, agencyId: string, typeId: string, year: number, count: number): Promise<number> {
  const n = integer('serial.count', count, 1, 100_000);
  const row = await trx
    .insertInto('serial_counters')
    .values({
      agency_id: slug('serial.agencyId', agencyId),
      type_id: slug('serial.typeId', typeId),
      year: integer('serial.year', year, 1900, 9999),
      last_value: n,
    })
    .onConflict((oc) => oc.columns(['agency_id', 'type_id', 'year']).doUpdateSet({ last_value: sql<number>`serial_counters.last_value + ${n}` }))
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return Number(row.last_value) - n + 1;
}

import type { Executor } from '../db/transaction.js';
import type { AgencyRow } from '../db/schema.js';
import { nowIso, slug, text } from '../validate.js';

export interface Agency {
  /** Short stable slug, e.g. `dopa-bangrak`; appears in document addresses `agency:type:id`. */
  id: string;
  nameTh: string;
  nameEn: string;
  addressTh: string;
  createdAt: string;
}

export type AgencyInput = Omit<Agency, 'createdAt'>;

function toAgency(row: AgencyRow): Agency {
  return { id: row.id, nameTh: row.name_th, nameEn: row.name_en, addressTh: row.address_th, createdAt: row.created_at };
}

/** Creates the agency or updates its names and address; created_at is kept from the first insert. */
export async function upsertAgency(db: Executor, input: AgencyInput): Promise<Agency> {
  const row = {
    id: slug('agency.id', input?.id),
    name_th: text('agency.nameTh', input.nameTh, { max: 300 }),
    name_en: text('agency.nameEn', input.nameEn, { max: 300 }),
    address_th: text('agency.addressTh', input.addressTh, { max: 1000, allowEmpty: true }),
    created_at: nowIso(),
  };
  const saved = await db
    .insertInto('agencies')
    .values(row)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({ name_th: row.name_th, name_en: row.name_en, address_th: row.address_th }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAgency(saved);
}

export async function getAgency(db: Executor, id: string): Promise<Agency | null> {
  const row = await db.selectFrom('agencies').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toAgency(row) : null;
}

export async function listAgencies(db: Executor): Promise<Agency[]> {
  const rows = await db.selectFrom('agencies').selectAll().orderBy('id').execute();
  return rows.map(toAgency);
}

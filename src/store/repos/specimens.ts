import type { Selectable } from 'kysely';
import type { Executor } from '../db/transaction.js';
import type { SpecimensTable } from '../db/schema.js';
import { integer, json, OPAQUE_ID_PATTERN, optionalText, sha256Hex, slug, StoreInputError, text, timestamp } from '../validate.js';

/**
 * Training specimens: documents made in an agency's sandbox. Kept in their own table, apart from `documents`, so
 * nothing public — the transparency log, status lists, status look-ups — can ever reach them. The data may be
 * invented or real (staff practise with what they have), so it is personal data like any document's: every read
 * is scoped to one agency.
 */
export interface StoredSpecimen {
  /** Unguessable id; also the blob key of the PDF. */
  id: string;
  agencyId: string;
  typeId: string;
  typeVersion: number;
  /** e.g. "ตัวอย่าง-000001": per agency and type, never a real serial. */
  serial: string;
  data: Record<string, unknown>;
  pdfSha256: string;
  pdfSize: number;
  blobKey: string;
  /** Audit actor who issued it, e.g. `user:<id>`. */
  issuedBy: string;
  /** The draft it was issued from, when it came from one. */
  draftId: string | null;
  createdAt: string;
}

export type NewSpecimenInput = Omit<StoredSpecimen, 'draftId' | 'createdAt'> & { draftId?: string | null; createdAt: Date | string };

function toSpecimen(row: Selectable<SpecimensTable>): StoredSpecimen {
  return {
    id: row.id,
    agencyId: row.agency_id,
    typeId: row.type_id,
    typeVersion: Number(row.type_version),
    serial: row.serial,
    data: JSON.parse(row.data_json) as Record<string, unknown>,
    pdfSha256: row.pdf_sha256,
    pdfSize: Number(row.pdf_size),
    blobKey: row.blob_key,
    issuedBy: row.issued_by,
    draftId: row.draft_id,
    createdAt: row.created_at,
  };
}

export async function insertSpecimen(trx: Executor, input: NewSpecimenInput): Promise<StoredSpecimen> {
  const data = input?.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new StoreInputError('specimen.data', 'an object');
  const row = {
    id: text('specimen.id', input.id, { pattern: OPAQUE_ID_PATTERN }),
    agency_id: slug('specimen.agencyId', input.agencyId),
    type_id: slug('specimen.typeId', input.typeId),
    type_version: integer('specimen.typeVersion', input.typeVersion, 1, 1_000_000),
    serial: text('specimen.serial', input.serial, { max: 100 }),
    data_json: json('specimen.data', data),
    pdf_sha256: sha256Hex('specimen.pdfSha256', input.pdfSha256),
    pdf_size: integer('specimen.pdfSize', input.pdfSize, 1, 1_000_000_000),
    blob_key: text('specimen.blobKey', input.blobKey, { pattern: OPAQUE_ID_PATTERN }),
    issued_by: text('specimen.issuedBy', input.issuedBy, { max: 200 }),
    draft_id: optionalText('specimen.draftId', input.draftId, { max: 64 }),
    created_at: timestamp('specimen.createdAt', input.createdAt),
  };
  await trx.insertInto('specimens').values(row).execute();
  return toSpecimen(row);
}

/** One specimen of one agency, or null (another agency's specimen is "not found", not "forbidden"). */
export async function getSpecimen(db: Executor, agencyId: string, id: string): Promise<StoredSpecimen | null> {
  if (typeof id !== 'string' || !OPAQUE_ID_PATTERN.test(id)) return null;
  const row = await db.selectFrom('specimens').selectAll().where('agency_id', '=', slug('agencyId', agencyId)).where('id', '=', id).executeTakeFirst();
  return row ? toSpecimen(row) : null;
}

/** An agency's specimens, newest first; `serial` narrows to that exact serial. */
export async function listSpecimens(
  db: Executor,
  agencyId: string,
  opts: { limit?: number; offset?: number; serial?: string } = {},
): Promise<StoredSpecimen[]> {
  const limit = integer('limit', opts.limit ?? 50, 1, 500);
  const offset = integer('offset', opts.offset ?? 0, 0, 1_000_000);
  let q = db.selectFrom('specimens').selectAll().where('agency_id', '=', slug('agencyId', agencyId));
  if (opts.serial !== undefined) q = q.where('serial', '=', text('serial', opts.serial, { max: 100 }));
  const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(limit).offset(offset).execute();
  return rows.map(toSpecimen);
}

/** How many specimens an agency has made of a type: the next serial's number is this plus one. */
export async function countSpecimens(db: Executor, agencyId: string, typeId: string): Promise<number> {
  const row = await db
    .selectFrom('specimens')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('agency_id', '=', slug('agencyId', agencyId))
    .where('type_id', '=', slug('typeId', typeId))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

import type { Executor } from '../db/transaction.js';
import type { DocumentTypeRow } from '../db/schema.js';
import { integer, json, nowIso, sha256Hex, slug, text } from '../validate.js';

export interface StoredDocumentType {
  typeId: string;
  version: number;
  agencyId: string;
  nameTh: string;
  nameEn: string;
  /** type.json and schema.json exactly as they were when documents of this version were issued. */
  definition: unknown;
  templateSha256: string;
  createdAt: string;
}

export type DocumentTypeInput = Omit<StoredDocumentType, 'createdAt'>;

export class DocumentTypeVersionConflictError extends Error {
  constructor(
    readonly typeId: string,
    readonly version: number,
  ) {
    super(
      `document type ${typeId} version ${version} is already registered with a different definition or template; ` +
        'issued versions are immutable — publish the change as a new version',
    );
    this.name = 'DocumentTypeVersionConflictError';
  }
}

function toDocumentType(row: DocumentTypeRow): StoredDocumentType {
  return {
    typeId: row.type_id,
    version: row.version,
    agencyId: row.agency_id,
    nameTh: row.name_th,
    nameEn: row.name_en,
    definition: JSON.parse(row.definition_json) as unknown,
    templateSha256: row.template_sha256,
    createdAt: row.created_at,
  };
}

/**
 * Registers a version of a document type. Registering the same version again with identical content is a no-op
 * (start-up can re-register bundled types every time); with different content it is refused, because documents
 * already issued under that version must keep pointing at what they were issued with.
 */
export async function upsertDocumentType(db: Executor, input: DocumentTypeInput): Promise<StoredDocumentType> {
  const row = {
    type_id: slug('documentType.typeId', input?.typeId),
    version: integer('documentType.version', input.version, 1, 1_000_000),
    agency_id: slug('documentType.agencyId', input.agencyId),
    name_th: text('documentType.nameTh', input.nameTh, { max: 300 }),
    name_en: text('documentType.nameEn', input.nameEn, { max: 300 }),
    definition_json: json('documentType.definition', input.definition),
    template_sha256: sha256Hex('documentType.templateSha256', input.templateSha256),
    created_at: nowIso(),
  };
  await db.insertInto('document_types').values(row).onConflict((oc) => oc.columns(['type_id', 'version']).doNothing()).execute();
  const stored = await db
    .selectFrom('document_types')
    .selectAll()
    .where('type_id', '=', row.type_id)
    .where('version', '=', row.version)
    .executeTakeFirstOrThrow();
  const same =
    stored.agency_id === row.agency_id &&
    stored.name_th === row.name_th &&
    stored.name_en === row.name_en &&
    stored.definition_json === row.definition_json &&
    stored.template_sha256 === row.template_sha256;
  if (!same) throw new DocumentTypeVersionConflictError(row.type_id, row.version);
  return toDocumentType(stored);
}

export async function getDocumentType(db: Executor, typeId: string, version: number): Promise<StoredDocumentType | null> {
  const row = await db
    .selectFrom('document_types')
    .selectAll()
    .where('type_id', '=', typeId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row ? toDocumentType(row) : null;
}

/** The highest registered version of a type, or null. */
export async function getLatestDocumentType(db: Executor, typeId: string): Promise<StoredDocumentType | null> {
  const row = await db
    .selectFrom('document_types')
    .selectAll()
    .where('type_id', '=', typeId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toDocumentType(row) : null;
}

/** All versions, ordered by type then version; optionally only one agency's. */
export async function listDocumentTypes(db: Executor, filter: { agencyId?: string } = {}): Promise<StoredDocumentType[]> {
  let query = db.selectFrom('document_types').selectAll();
  if (filter.agencyId !== undefined) query = query.where('agency_id', '=', filter.agencyId);
  const rows = await query.orderBy('type_id').orderBy('version').execute();
  return rows.map(toDocumentType);
}

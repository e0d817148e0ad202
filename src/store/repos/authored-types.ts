import { AppError } from '../../domain/errors.js';
import type { Database } from '../db/schema.js';
import { isUniqueViolation } from '../db/errors.js';
import { inTransaction, type Executor } from '../db/transaction.js';
import { integer, json, nowIso, slug, StoreInputError, text } from '../validate.js';

/**
 * Document types written in the console: one row per (type, version), a draft while it is edited, published once it
 * passed the publish checks. Published rows are never edited again (their version is registered in document_types and
 * documents point at it); further edits go into a new draft version. At most one draft per type at a time.
 *
 * A type id belongs to the agency that first authored it. Ids of types that exist outside authoring (bundled folders,
 * types registered by the CLI) can only be continued as a new version, on purpose (`newVersionOfBundled`).
 */

export type AuthoredTypeState = 'draft' | 'published';

/** What a publish check stored (src/doctypes/authoring/publish-checks.ts writes it): bilingual problems per part. */
export interface StoredTypeCheck {
  ok: boolean;
  problems: { part: string; message: { th: string; en: string } }[];
  checkedAt?: string;
  [key: string]: unknown;
}

export interface AuthoredType {
  typeId: string;
  version: number;
  agencyId: string;
  state: AuthoredTypeState;
  definition: unknown;
  schema: unknown;
  templateSource: string;
  sample: unknown;
  /** The last publish check's report (problems, timings), or null when the sources changed since. */
  check: StoredTypeCheck | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
}

export interface AuthoredTypeSummary {
  typeId: string;
  version: number;
  state: AuthoredTypeState;
  name: { th: string; en: string } | null;
  updatedAt: string;
  publishedAt: string | null;
  /** true/false from the last check; null when not checked since the last edit. */
  checkOk: boolean | null;
}

export interface SaveAuthoredTypeDraftInput {
  agencyId: string;
  /** `user:<id>` of the administrator. */
  actor: string;
  /** type.json; its `id` names the type, its `version` is set here. */
  definition: unknown;
  schema: unknown;
  templateSource: string;
  sample: unknown;
  /** The version of the bundled type with this id, when there is one (the loaded types Map knows). */
  bundledVersion?: number | null;
  /** The author chose "new version of this existing type" (startNewVersion): allows ids of bundled/registered types. */
  newVersionOfBundled?: boolean;
}

const TYPE_ID = /^[a-z][a-z0-9-]{1,62}$/;
const MAX_TEMPLATE = 1_000_000;

type Row = Database['authored_types'];

function toAuthoredType(row: Row): AuthoredType {
  return {
    typeId: row.type_id,
    version: row.version,
    agencyId: row.agency_id,
    state: row.state as AuthoredTypeState,
    definition: JSON.parse(row.definition_json) as unknown,
    schema: JSON.parse(row.schema_json) as unknown,
    templateSource: row.template_source,
    sample: JSON.parse(row.sample_json) as unknown,
    check: row.check_json === null ? null : (JSON.parse(row.check_json) as StoredTypeCheck),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    publishedBy: row.published_by,
    publishedAt: row.published_at,
  };
}

const ownedElsewhere = (typeId: string): AppError =>
  new AppError('type_owned_by_other_agency', 409, {
    th: `รหัสประเภทเอกสาร "${typeId}" เป็นของหน่วยงานอื่น กรุณาใช้รหัสอื่น`,
    en: `The document type id "${typeId}" belongs to another agency; choose another id`,
  });

const existingTypeId = (typeId: string): AppError =>
  new AppError('type_id_exists', 409, {
    th: `มีประเภทเอกสาร "${typeId}" อยู่แล้ว หากต้องการแก้ไข ให้สร้างรุ่นใหม่ของประเภทเอกสารนั้น`,
    en: `A document type "${typeId}" already exists; to change it, start a new version of that type`,
  });

/**
 * Saves the agency's draft of a type: updates the draft if the type has one, otherwise creates one numbered one
 * above the latest version known anywhere (published authored, registered, bundled). Saving clears the last check,
 * which no longer describes these sources. Drafts may be incomplete: the publish check judges them, not this.
 */
export async function saveAuthoredTypeDraft(db: Executor, input: SaveAuthoredTypeDraftInput): Promise<{ typeId: string; version: number; created: boolean }> {
  const agencyId = slug('authoredType.agencyId', input?.agencyId);
  const actor = text('authoredType.actor', input.actor, { max: 200 });
  const definition = input.definition;
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
    throw new StoreInputError('authoredType.definition', 'a type.json object');
  }
  const typeId = (definition as { id?: unknown }).id;
  if (typeof typeId !== 'string' || !TYPE_ID.test(typeId)) {
    throw new StoreInputError('authoredType.definition.id', 'a type id of 2–63 characters: a-z, 0-9 and "-", starting with a letter');
  }
  const templateSource = text('authoredType.templateSource', input.templateSource, { max: MAX_TEMPLATE, allowEmpty: true });
  const schemaJson = json('authoredType.schema', input.schema ?? null);
  const sampleJson = json('authoredType.sample', input.sample ?? null);
  const bundledVersion = input.bundledVersion ?? null;
  if (bundledVersion !== null) integer('authoredType.bundledVersion', bundledVersion, 1, 1_000_000);

  try {
    return await inTransaction(db, async (trx) => {
      const rows = await trx.selectFrom('authored_types').select(['agency_id', 'version', 'state']).where('type_id', '=', typeId).orderBy('version', 'desc').execute();
      if (rows.length > 0 && rows[0]!.agency_id !== agencyId) throw ownedElsewhere(typeId);
      const registered = await trx
        .selectFrom('document_types')
        .select(['version', 'agency_id'])
        .where('type_id', '=', typeId)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (rows.length === 0) {
        // Not authored yet: an id registered by another agency outside authoring is theirs; a bundled one (or one
        // this agency registered) may be continued, but only when the author asked for a new version of it.
        if (registered && bundledVersion === null && registered.agency_id !== agencyId) throw ownedElsewhere(typeId);
        if ((registered || bundledVersion !== null) && !input.newVersionOfBundled) throw existingTypeId(typeId);
      }
      const now = nowIso();
      const draft = rows.find((r) => r.state === 'draft');
      const version = draft?.version ?? Math.max(rows[0]?.version ?? 0, registered?.version ?? 0, bundledVersion ?? 0) + 1;
      const definitionJson = json('authoredType.definition', { ...definition, id: typeId, version });
      if (draft) {
        await trx
          .updateTable('authored_types')
          .set({ definition_json: definitionJson, schema_json: schemaJson, template_source: templateSource, sample_json: sampleJson, check_json: null, updated_at: now })
          .where('type_id', '=', typeId)
          .where('version', '=', draft.version)
          .where('state', '=', 'draft')
          .execute();
        return { typeId, version, created: false };
      }
      await trx
        .insertInto('authored_types')
        .values({
          type_id: typeId,
          version,
          agency_id: agencyId,
          state: 'draft',
          definition_json: definitionJson,
          schema_json: schemaJson,
          template_source: templateSource,
          sample_json: sampleJson,
          check_json: null,
          created_by: actor,
          created_at: now,
          updated_at: now,
          published_by: null,
          published_at: null,
        })
        .execute();
      return { typeId, version, created: true };
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new AppError('type_draft_conflict', 409, {
        th: 'มีผู้อื่นบันทึกร่างประเภทเอกสารนี้พร้อมกัน กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง',
        en: 'Someone saved a draft of this type at the same moment; reload and try again',
      });
    }
    throw e;
  }
}

export async function getAuthoredType(db: Executor, typeId: string, version: number): Promise<AuthoredType | null> {
  const row = await db.selectFrom('authored_types').selectAll().where('type_id', '=', typeId).where('version', '=', version).executeTakeFirst();
  return row ? toAuthoredType(row) : null;
}

/** The newest version of a type (draft or published), or only the newest published one. */
export async function getLatestAuthoredType(db: Executor, typeId: string, filter: { state?: AuthoredTypeState } = {}): Promise<AuthoredType | null> {
  let q = db.selectFrom('authored_types').selectAll().where('type_id', '=', typeId);
  if (filter.state) q = q.where('state', '=', filter.state);
  const row = await q.orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row ? toAuthoredType(row) : null;
}

/** The agency's authored types, every version, newest version first within each type. */
export async function listAuthoredTypes(db: Executor, agencyId: string): Promise<AuthoredTypeSummary[]> {
  const rows = await db
    .selectFrom('authored_types')
    .select(['type_id', 'version', 'state', 'definition_json', 'updated_at', 'published_at', 'check_json'])
    .where('agency_id', '=', agencyId)
    .orderBy('type_id')
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => {
    const def = JSON.parse(r.definition_json) as { name?: { th?: unknown; en?: unknown } };
    const name = typeof def.name?.th === 'string' && typeof def.name?.en === 'string' ? { th: def.name.th, en: def.name.en } : null;
    const check = r.check_json === null ? null : (JSON.parse(r.check_json) as { ok?: unknown });
    return {
      typeId: r.type_id,
      version: r.version,
      state: r.state as AuthoredTypeState,
      name,
      updatedAt: r.updated_at,
      publishedAt: r.published_at,
      checkOk: check === null ? null : check.ok === true,
    };
  });
}

/** The newest published version of every authored type (start-up puts them in the types Map). */
/** Each type's newest published version number (ids and numbers only: templates and schemas stay in the table). */
export async function latestPublishedVersions(db: Executor): Promise<{ typeId: string; version: number }[]> {
  const rows = await db
    .selectFrom('authored_types')
    .select(['type_id', (eb) => eb.fn.max<number>('version').as('version')])
    .where('state', '=', 'published')
    .groupBy('type_id')
    .execute();
  return rows.map((r) => ({ typeId: r.type_id, version: Number(r.version) }));
}

/** Stores the report of a publish check on the row (bilingual problems, timings; never field values). */
export async function recordCheck(db: Executor, input: { typeId: string; version: number; check: unknown }): Promise<void> {
  await db
    .updateTable('authored_types')
    .set({ check_json: json('authoredType.check', input.check) })
    .where('type_id', '=', input.typeId)
    .where('version', '=', input.version)
    .execute();
}

/** Turns a draft into the published version; false when there is no such draft (already published, or missing). */
export async function markPublished(db: Executor, input: { typeId: string; version: number; actor: string; at?: Date }): Promise<boolean> {
  const at = (input.at ?? new Date()).toISOString();
  const r = await db
    .updateTable('authored_types')
    .set({ state: 'published', published_by: text('authoredType.publishedBy', input.actor, { max: 200 }), published_at: at, updated_at: at })
    .where('type_id', '=', input.typeId)
    .where('version', '=', input.version)
    .where('state', '=', 'draft')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

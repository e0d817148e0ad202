import type { Kysely } from 'kysely';
import { AppError } from '../../domain/errors.js';
import type { Database } from '../../store/db/schema.js';
import { withTransaction } from '../../store/db/transaction.js';
import { appendAuditEvent } from '../../store/repos/audit.js';
import { getLatestAuthoredType, saveAuthoredTypeDraft } from '../../store/repos/authored-types.js';
import type { LoadedType } from '../load-types.js';
import type { AuthoredSources } from './build-type.js';

export interface DraftRequest {
  agencyId: string;
  /** `user:<id>`. */
  actor: string;
  source?: string | null;
}

export interface SavedDraft {
  typeId: string;
  version: number;
  created: boolean;
}

/**
 * Saves an administrator's edit as the type's draft (see saveAuthoredTypeDraft), telling the repository which
 * version of the type is loaded now, so a bundled type's id is never taken over by accident. Records
 * `type.draft-saved` (ids and version only).
 */
export async function saveTypeDraft(
  deps: { db: Kysely<Database>; types: Map<string, LoadedType> },
  req: DraftRequest & AuthoredSources & { newVersionOfBundled?: boolean },
): Promise<SavedDraft> {
  const typeId = (req.definition as { id?: unknown } | null)?.id;
  const loaded = typeof typeId === 'string' ? deps.types.get(typeId) : undefined;
  return withTransaction(deps.db, async (trx) => {
    const saved = await saveAuthoredTypeDraft(trx, {
      agencyId: req.agencyId,
      actor: req.actor,
      definition: req.definition,
      schema: req.schema,
      templateSource: req.templateSource as string,
      sample: req.sample,
      bundledVersion: loaded?.definition.version ?? null,
      newVersionOfBundled: req.newVersionOfBundled ?? false,
    });
    await appendAuditEvent(trx, {
      actor: req.actor,
      action: 'type.draft-saved',
      agencyId: req.agencyId,
      details: { typeId: saved.typeId, version: saved.version, created: saved.created },
      source: req.source ?? null,
    });
    return saved;
  });
}

/**
 * Opens a draft of the next version of an existing type, copying its newest sources: the newest authored version
 * (published or an open draft, which is then simply returned) or, for a type only bundled, the folder's sources as
 * loaded. The author then edits and publishes it; documents already issued keep the version they were issued under.
 */
export async function startNewVersion(
  db: Kysely<Database>,
  types: Map<string, LoadedType>,
  req: DraftRequest & { typeId: string },
): Promise<SavedDraft> {
  const latest = await getLatestAuthoredType(db, req.typeId);
  if (latest?.state === 'draft' && latest.agencyId === req.agencyId) return { typeId: latest.typeId, version: latest.version, created: false };
  const loaded = types.get(req.typeId);
  const fromAuthored = latest && (!loaded || latest.version >= loaded.definition.version);
  const sources: AuthoredSources | null = fromAuthored
    ? { definition: latest.definition, schema: latest.schema, templateSource: latest.templateSource, sample: latest.sample }
    : loaded
      ? { definition: loaded.definition, schema: loaded.schema, templateSource: loaded.templateSource, sample: loaded.sample }
      : null;
  if (!sources) {
    throw new AppError('type_not_found', 404, { th: `ไม่พบประเภทเอกสาร "${req.typeId}"`, en: `Unknown document type "${req.typeId}"` });
  }
  return saveTypeDraft({ db, types }, { ...req, ...sources, newVersionOfBundled: true });
}

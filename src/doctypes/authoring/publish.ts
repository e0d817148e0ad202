import type { Kysely } from 'kysely';
import { AppError } from '../../domain/errors.js';
import type { Database } from '../../store/db/schema.js';
import { withTransaction } from '../../store/db/transaction.js';
import type { Agency } from '../../store/repos/agencies.js';
import { appendAuditEvent } from '../../store/repos/audit.js';
import { getAuthoredType, latestPublishedVersions, markPublished, recordCheck } from '../../store/repos/authored-types.js';
import { DocumentTypeVersionConflictError, upsertDocumentType } from '../../store/repos/document-types.js';
import { grantTypeEntitlement } from '../../store/repos/issuer-directory.js';
import type { LoadedType, TypeProblem } from '../load-types.js';
import { loadedTypeFromSources } from './build-type.js';
import { checkTypeSources, storedReport, type PublishCheckReport } from './publish-checks.js';

export interface PublishDeps {
  db: Kysely<Database>;
  /** The Map issuance, bulk and verification share: the published version replaces the entry at once. */
  types: Map<string, LoadedType>;
  /** The publishing agency (the author's); the sample is rendered with its name. */
  agency: Agency;
  /** Compile time limit for the check; default 20 s. */
  timeoutMs?: number;
}

export interface PublishRequest {
  typeId: string;
  version: number;
  /** `user:<id>`. */
  actor: string;
  /** Client IP, for the audit trail. */
  source?: string | null;
}

export interface PublishOutcome {
  typeId: string;
  version: number;
  templateSha256: string;
  check: PublishCheckReport;
}

const typeNotFound = (typeId: string, version: number) =>
  new AppError('type_not_found', 404, { th: `ไม่พบร่างประเภทเอกสาร "${typeId}" รุ่น ${version}`, en: `No draft of document type "${typeId}" version ${version}` });

const alreadyPublished = (typeId: string, version: number) =>
  new AppError('type_already_published', 409, {
    th: `ประเภทเอกสาร "${typeId}" รุ่น ${version} เผยแพร่แล้ว แก้ไขได้โดยสร้างรุ่นใหม่`,
    en: `Document type "${typeId}" version ${version} is already published; start a new version to change it`,
  });

/**
 * Publishes a draft: runs every publish check; when one fails, the problems are stored on the draft and an AppError
 * 422 `type_not_publishable` carries them (details.problems). When all pass, one transaction marks the draft
 * published, registers the version in document_types (immutable), entitles the agency and records `type.published`
 * (type id, version, template digest — no sample data); then the shared Map gets the new version so the next
 * document is issued with it. Documents issued earlier keep their type_version.
 */
export async function publishAuthoredType(deps: PublishDeps, req: PublishRequest): Promise<PublishOutcome> {
  const row = await getAuthoredType(deps.db, req.typeId, req.version);
  // Another agency's draft is answered like a missing one: its existence is not this agency's business.
  if (!row || row.agencyId !== deps.agency.id) throw typeNotFound(req.typeId, req.version);
  if (row.state !== 'draft') throw alreadyPublished(req.typeId, req.version);
  const current = deps.types.get(req.typeId);
  if (current && current.definition.version >= req.version) {
    throw new AppError('type_version_outdated', 409, {
      th: `มีประเภทเอกสาร "${req.typeId}" รุ่น ${current.definition.version} ใช้งานอยู่แล้ว ร่างรุ่น ${req.version} เก่ากว่า กรุณาสร้างรุ่นใหม่`,
      en: `Version ${current.definition.version} of "${req.typeId}" is already in use; this draft (version ${req.version}) is older — start a new version`,
    });
  }

  const result = await checkTypeSources(
    { definition: row.definition, schema: row.schema, templateSource: row.templateSource, sample: row.sample },
    { agency: deps.agency, ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}) },
  );
  const check = storedReport(result);
  if (!result.ok || !result.type) {
    await recordCheck(deps.db, { typeId: req.typeId, version: req.version, check });
    throw notPublishable(result.problems);
  }
  const loaded = result.type;
  const def = loaded.definition;

  try {
    await withTransaction(deps.db, async (trx) => {
      await recordCheck(trx, { typeId: req.typeId, version: req.version, check });
      // Conditional on state = 'draft': of two simultaneous publishes, one wins and the other is told so.
      if (!(await markPublished(trx, { typeId: req.typeId, version: req.version, actor: req.actor }))) throw alreadyPublished(req.typeId, req.version);
      await upsertDocumentType(trx, {
        typeId: def.id,
        version: def.version,
        agencyId: deps.agency.id,
        nameTh: def.name.th,
        nameEn: def.name.en,
        definition: { type: def, schema: loaded.schema },
        templateSha256: loaded.templateSha256,
      });
      await grantTypeEntitlement(trx, deps.agency.id, def.id);
      await appendAuditEvent(trx, {
        actor: req.actor,
        action: 'type.published',
        agencyId: deps.agency.id,
        details: { typeId: def.id, version: def.version, templateSha256: loaded.templateSha256 },
        source: req.source ?? null,
      });
    });
  } catch (e) {
    if (e instanceof DocumentTypeVersionConflictError) {
      throw new AppError('type_version_taken', 409, {
        th: `รุ่น ${req.version} ของ "${req.typeId}" ถูกลงทะเบียนไว้แล้วด้วยเนื้อหาอื่น กรุณาสร้างรุ่นใหม่`,
        en: `Version ${req.version} of "${req.typeId}" is already registered with other content; start a new version`,
      });
    }
    throw e;
  }
  // A concurrent publish of a higher version may have got here first: never step the Map back.
  const now = deps.types.get(def.id);
  if (!now || now.definition.version < def.version) deps.types.set(def.id, loaded);
  return { typeId: def.id, version: def.version, templateSha256: loaded.templateSha256, check };
}

export function notPublishable(problems: TypeProblem[]): AppError {
  return new AppError(
    'type_not_publishable',
    422,
    { th: 'ยังเผยแพร่ประเภทเอกสารนี้ไม่ได้ กรุณาแก้ไขปัญหาที่แสดง', en: 'This document type cannot be published yet; fix the problems listed' },
    { problems },
  );
}

export interface StartupLoadReport {
  /** "type@version" put in the Map. */
  loaded: string[];
  /** Published versions that no longer pass today's source checks (kept out of the Map, with why). */
  skipped: { typeId: string; version: number; problems: TypeProblem[] }[];
}

/**
 * At start-up: puts each authored type's newest published version in the Map when it is newer than the bundled one.
 * The compile and PDF/A checks ran when it was published; only the (cheap) source checks run again here.
 */
export async function loadPublishedAuthoredTypes(db: Kysely<Database>, types: Map<string, LoadedType>): Promise<StartupLoadReport> {
  const report: StartupLoadReport = { loaded: [], skipped: [] };
  // Run at start and then every 30 s on PostgreSQL: the version numbers decide, full sources are read only when newer.
  for (const latest of await latestPublishedVersions(db)) {
    const existing = types.get(latest.typeId);
    if (existing && existing.definition.version >= latest.version) continue;
    const row = await getAuthoredType(db, latest.typeId, latest.version);
    if (!row) continue;
    const built = loadedTypeFromSources({ definition: row.definition, schema: row.schema, templateSource: row.templateSource, sample: row.sample });
    if (!built.ok) {
      report.skipped.push({ typeId: row.typeId, version: row.version, problems: built.problems });
      continue;
    }
    types.set(row.typeId, built.type);
    report.loaded.push(`${row.typeId}@${row.version}`);
  }
  return report;
}

/**
 * Runs the publish checks on a saved draft without publishing ("check and preview"), stores the report on the row
 * and returns it with the rendered sample PDF and, when the check passed, the type ready to render previews.
 */
export async function checkAuthoredType(
  deps: Omit<PublishDeps, 'types'>,
  req: { typeId: string; version: number },
): Promise<PublishCheckReport & { pdfBytes?: Uint8Array; type?: LoadedType }> {
  const row = await getAuthoredType(deps.db, req.typeId, req.version);
  if (!row || row.agencyId !== deps.agency.id) throw typeNotFound(req.typeId, req.version);
  const result = await checkTypeSources(
    { definition: row.definition, schema: row.schema, templateSource: row.templateSource, sample: row.sample },
    { agency: deps.agency, ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}) },
  );
  const check = storedReport(result);
  await recordCheck(deps.db, { typeId: req.typeId, version: req.version, check });
  return { ...check, ...(result.pdfBytes ? { pdfBytes: result.pdfBytes } : {}), ...(result.type ? { type: result.type } : {}) };
}

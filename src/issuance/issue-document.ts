import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { canonicalJson } from '../domain/canonical-json.js';
import { validUntilFor, type TypeDefinition } from '../domain/document-type.js';
import { AppError } from '../domain/errors.js';
import { newDocumentId } from '../domain/identifiers.js';
import { bangkokYear, formatSerial } from '../domain/serial.js';
import type { LoadedType } from '../doctypes/load-types.js';
import type { Renderer } from '../render/index.js';
import {
  getAgency,
  isEntitled,
  getDocumentByIdempotencyKey,
  insertDocuments,
  insertDocumentVersions,
  isUniqueViolation,
  nextSerialNumber,
  withTransaction,
  type BlobStore,
  type Database,
  type Executor,
  type StoredDocument,
} from '../store/index.js';
import type { PadesLevel } from './sign-pdf.js';
import { makeSignedPdf, type AgencySigner } from './document-pdf.js';
export { renderInputFor, type AgencySigner, type DocumentFacts } from './document-pdf.js';
import { recordIssuedEvents } from '../lifecycle/document-events.js';
import { statusListUrl } from '../domain/status-list.js';
import { chooseStatusListIndex } from './status-list-index.js';
import type { Timestamper } from './timestamper.js';
import type { RevocationDataSource } from './validation-data.js';

export interface IssuanceDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  types: Map<string, LoadedType>;
  renderer: Renderer;
  signerFor(agencyId: string): Promise<AgencySigner>;
  publicUrl: string;
  now?: () => Date;
  /** The PAdES level documents get unless a request asks for another; with what it needs. */
  signing: { level: PadesLevel; timestamper?: Timestamper | undefined; revocation: RevocationDataSource };
}

export interface IssueRequest {
  agencyId: string;
  typeId: string;
  data: unknown;
  idempotencyKey?: string | undefined;
  /** Who asked: `apikey:<id>`, `cli`, later `user:<id>`. Goes to the audit trail. */
  actor: string;
  /** Where the request came from (client IP), for the audit trail. */
  source?: string | null | undefined;
  /** Overrides the configured PAdES level for this document. */
  level?: PadesLevel | undefined;
  /** More work in the same transaction once the document is recorded (e.g. marking the document it supersedes). */
  alsoInTransaction?: (trx: Transaction<Database>, document: StoredDocument) => Promise<void>;
}

export interface IssueResult {
  document: StoredDocument;
  pdf: Uint8Array;
  /** false when an idempotent retry returned the document issued earlier. */
  created: boolean;
}

export const sha256Hex = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/** The data as the type's schema accepts it, or a 422 listing every field's problem. */
export function validatedFields(type: LoadedType, data: unknown): Record<string, unknown> {
  const checked = type.validate(data);
  if (!checked.ok) {
    throw new AppError('validation_failed', 422, { th: 'ข้อมูลเอกสารไม่ถูกต้อง', en: 'The document data is invalid' }, checked.errors);
  }
  return checked.value;
}

/** When the document stops being valid; a 422 naming the field when that is already past (nobody issues it expired). */
export function futureValidUntil(def: TypeDefinition, fields: Record<string, unknown>, issuedAt: Date): string | null {
  const validUntil = validUntilFor(def.validity, fields, issuedAt);
  if (validUntil !== null && Date.parse(validUntil) < issuedAt.getTime()) {
    const field = def.validity.kind === 'field' ? def.validity.field : '';
    const label = def.fields[field] ?? { th: 'วันหมดอายุ', en: 'The expiry date' };
    throw new AppError('validation_failed', 422, { th: 'ข้อมูลเอกสารไม่ถูกต้อง', en: 'The document data is invalid' }, [
      { field, problem: 'past', message: { th: `${label.th}ต้องไม่อยู่ในอดีต`, en: `${label.en} must not be in the past` } },
    ]);
  }
  return validUntil;
}

export function notEntitled(agencyId: string, type: TypeDefinition): AppError {
  return new AppError('not_entitled', 403, {
    th: `หน่วยงาน "${agencyId}" ไม่มีสิทธิ์ออก${type.name.th}`,
    en: `Agency "${agencyId}" is not entitled to issue ${type.name.en} (${type.id})`,
  });
}

export function unknownAgency(agencyId: string): AppError {
  return new AppError('unknown_agency', 404, { th: `ไม่พบหน่วยงาน "${agencyId}"`, en: `Unknown agency "${agencyId}"` });
}

export function unknownType(typeId: string): AppError {
  return new AppError('unknown_type', 404, { th: `ไม่รู้จักประเภทเอกสาร "${typeId}"`, en: `Unknown document type "${typeId}"` });
}

/** Same key, same request → the earlier document; same key, another request → 409. */
async function replayOrConflict(deps: IssuanceDeps, existing: StoredDocument, requestHash: string): Promise<IssueResult> {
  if (existing.requestHash !== requestHash) {
    throw new AppError('idempotency_conflict', 409, {
      th: 'Idempotency-Key นี้เคยใช้กับคำขอที่มีข้อมูลต่างกันแล้ว',
      en: 'This Idempotency-Key was already used with a different request',
    }, { documentId: existing.id });
  }
  const pdf = await deps.blobs.get(existing.blobKey);
  if (!pdf) throw new Error(`registry row ${existing.id} has no PDF blob`);
  return { document: existing, pdf, created: false };
}

/** What is recorded of one issued document. */
export interface IssuedDocumentRecord {
  id: string;
  serial: string;
  type: TypeDefinition;
  agencyId: string;
  fields: Record<string, unknown>;
  pdfSize: number;
  pdfSha256: string;
  issuedAt: Date;
  validUntil: string | null;
  level: PadesLevel;
  idempotencyKey: string | null;
  requestHash: string;
  actor: string;
  source?: string | null;
  statusListIndex: number | null;
}

/**
 * The registry rows of issued documents, written inside the caller's transaction: each document, its version 1, its
 * transparency-log event and audit event — one statement per table however many documents (bulk commits groups).
 * The one place these rows are written, so single and bulk issuance record the same things.
 */
export async function recordIssuedDocuments(trx: Executor, ds: readonly IssuedDocumentRecord[]): Promise<StoredDocument[]> {
  const rows = await insertDocuments(
    trx,
    ds.map((d) => ({
      id: d.id,
      serial: d.serial,
      typeId: d.type.id,
      typeVersion: d.type.version,
      agencyId: d.agencyId,
      subjectKind: d.type.subject.kind,
      subjectId: String(d.fields[d.type.subject.idField]),
      data: d.fields,
      pdfSha256: d.pdfSha256,
      pdfSize: d.pdfSize,
      issuedAt: d.issuedAt,
      validUntil: d.validUntil,
      idempotencyKey: d.idempotencyKey,
      requestHash: d.requestHash,
      statusListIndex: d.statusListIndex,
    })),
  );
  await insertDocumentVersions(trx, ds.map((d) => ({ documentId: d.id, version: 1, blobKey: d.id, pdfSha256: d.pdfSha256, pdfSize: d.pdfSize, level: d.level, reason: 'issued' })));
  // Audit trail and transparency log: ids, type, serial and digest only — no personal data.
  await recordIssuedEvents(
    trx,
    ds.map((d) => ({
      kind: 'issued' as const,
      document: { id: d.id, agencyId: d.agencyId, typeId: d.type.id, pdfSha256: d.pdfSha256 },
      at: d.issuedAt,
      actor: d.actor,
      source: d.source ?? null,
      audit: { typeVersion: d.type.version, serial: d.serial, level: d.level },
    })),
  );
  return rows;
}

export async function recordIssuedDocument(trx: Executor, d: IssuedDocumentRecord): Promise<StoredDocument> {
  return (await recordIssuedDocuments(trx, [d]))[0]!;
}

/**
 * Issues one document: validate → allocate serial → render PDF/A-3 → sign (PAdES B-B) → store blob → registry row +
 * audit event, all inside one database transaction. Any failure rolls the transaction back and removes the blob, so
 * nothing is half-written and no serial number is consumed.
 */
export async function issueDocument(deps: IssuanceDeps, req: IssueRequest): Promise<IssueResult> {
  const type = deps.types.get(req.typeId);
  if (!type) throw unknownType(req.typeId);
  const fields = validatedFields(type, req.data);
  const def = type.definition;
  const requestHash = sha256Hex(canonicalJson({ type: def.id, version: def.version, data: fields }));

  if (req.idempotencyKey) {
    const existing = await getDocumentByIdempotencyKey(deps.db, req.agencyId, req.idempotencyKey);
    if (existing) return replayOrConflict(deps, existing, requestHash);
  }

  const agency = await getAgency(deps.db, req.agencyId);
  if (!agency) throw unknownAgency(req.agencyId);
  // Verifiers reject a document from an agency not entitled to its type, so it is refused here before anything is made.
  if (!(await isEntitled(deps.db, agency.id, def.id))) throw notEntitled(agency.id, def);
  const agencySigner = await deps.signerFor(agency.id);
  const level = req.level ?? deps.signing.level;
  if (level !== 'B-B' && !deps.signing.timestamper) {
    throw new AppError('no_tsa', 503, {
      th: `ระดับ ${level} ต้องใช้ตราประทับเวลา แต่ยังไม่ได้ตั้งค่าผู้ให้บริการ (EKASARN_TSA_URL)`,
      en: `PAdES ${level} needs a time-stamping authority, and none is configured (EKASARN_TSA_URL)`,
    });
  }

  const id = newDocumentId();
  const issuedAt = (deps.now ?? (() => new Date()))();
  const validUntil = futureValidUntil(def, fields, issuedAt);
  const verifyUrl = `${deps.publicUrl}/v/${id}`;
  let blobWritten = false;

  try {
    const { document, pdf } = await withTransaction(deps.db, async (trx) => {
      const year = bangkokYear(issuedAt);
      const serial = formatSerial(def.serial.pattern, { sequence: await nextSerialNumber(trx, agency.id, def.id, year), year });
      // After the serial counter's row lock: issuances of this agency/type are serialised here, so the free position
      // found cannot be taken by a concurrent one (the unique index guards the rare case across a year boundary).
      const statusIndex = await chooseStatusListIndex(trx, agency.id, def.id);
      const status = { list: statusListUrl(deps.publicUrl, agency.id, def.id), index: statusIndex };
      const signed = await makeSignedPdf(
        deps.renderer,
        agencySigner,
        type,
        agency,
        { id, serial, issuedAt, validUntil, verifyUrl, fields, status },
        level,
        deps.signing,
      );
      const pdfSha256 = sha256Hex(signed);
      await deps.blobs.put(id, signed);
      blobWritten = true;
      const row = await recordIssuedDocument(trx, {
        id,
        serial,
        type: def,
        agencyId: agency.id,
        fields,
        pdfSize: signed.length,
        pdfSha256,
        issuedAt,
        validUntil,
        level,
        idempotencyKey: req.idempotencyKey ?? null,
        requestHash,
        actor: req.actor,
        source: req.source ?? null,
        statusListIndex: statusIndex,
      });
      if (req.alsoInTransaction) await req.alsoInTransaction(trx, row);
      return { document: row, pdf: signed };
    });
    return { document, pdf, created: true };
  } catch (e) {
    if (blobWritten) await deps.blobs.delete(id).catch(() => undefined);
    // Two concurrent requests with one key: the loser answers like a retry.
    if (req.idempotencyKey && isUniqueViolation(e)) {
      const existing = await getDocumentByIdempotencyKey(deps.db, req.agencyId, req.idempotencyKey);
      if (existing) return replayOrConflict(deps, existing, requestHash);
    }
    throw e;
  }
}

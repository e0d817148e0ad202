import type { Kysely } from 'kysely';
import { newDocumentId } from '../domain/identifiers.js';
import type { LoadedType } from '../doctypes/load-types.js';
import type { Renderer, RenderInput } from '../render/index.js';
import {
  appendAuditEvent,
  countSpecimens,
  getAgency,
  insertSpecimen,
  withTransaction,
  type Agency,
  type BlobStore,
  type Database,
  type StoredSpecimen,
} from '../store/index.js';
import { makeSignedPdf, renderInputFor, type AgencySigner, type DocumentFacts } from './document-pdf.js';
import { futureValidUntil, sha256Hex, unknownAgency, unknownType, validatedFields } from './issue-document.js';

/**
 * Issuing a training specimen in an agency's sandbox: the same validation, template and signature format as a real
 * document, so staff practise the real thing — but watermarked SPECIMEN on every page, marked `"specimen": true` in
 * its data, signed by the agency's sandbox key (training CA, SPECIMEN policy), and recorded only in `specimens`.
 * It writes no `documents` row, no transparency-log event, no serial counter and no status-list entry, so nothing
 * public ever knows of it; verifiers answer SPECIMEN.
 */
export interface SpecimenDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  types: Map<string, LoadedType>;
  renderer: Renderer;
  /** The agency's sandbox signer (src/app/sandbox-keys.ts: `sandboxSigners(config, db)`). */
  sandboxSignerFor(agencyId: string): Promise<AgencySigner>;
  publicUrl: string;
  now?: () => Date;
}

export interface SpecimenRequest {
  agencyId: string;
  typeId: string;
  data: unknown;
  /** Audit actor, e.g. `user:<userId>`. */
  actor: string;
  /** The draft the specimen was made from, when there is one. */
  draftId?: string | null | undefined;
  /** Client IP for the audit trail. */
  source?: string | null | undefined;
}

export interface SpecimenResult {
  specimen: StoredSpecimen;
  pdf: Uint8Array;
}

/** "ตัวอย่าง-000001": never mistaken for an agency's real serial pattern. */
export const specimenSerial = (n: number): string => `ตัวอย่าง-${String(n).padStart(6, '0')}`;

/** The document's render input, turned into a specimen's: watermark, data marked specimen, title saying so. */
export function specimenRenderInput(type: LoadedType, agency: Agency, facts: DocumentFacts): RenderInput {
  return renderInputFor(type, agency, { ...facts, specimen: true });
}

export async function issueSpecimen(deps: SpecimenDeps, req: SpecimenRequest): Promise<SpecimenResult> {
  const type = deps.types.get(req.typeId);
  if (!type) throw unknownType(req.typeId);
  const fields = validatedFields(type, req.data);
  const def = type.definition;
  const agency = await getAgency(deps.db, req.agencyId);
  if (!agency) throw unknownAgency(req.agencyId);
  // Entitlement is deliberately not required: agencies train before they go live, i.e. before they are entitled.

  const issuedAt = (deps.now ?? (() => new Date()))();
  const validUntil = futureValidUntil(def, fields, issuedAt);
  const signer = await deps.sandboxSignerFor(agency.id);
  const id = newDocumentId();
  // The QR code leads to the public verification page (where the file shows as SPECIMEN), not to /v/<id>: the
  // registry has no record of a specimen, and a "not found" page would read like a forgery.
  const verifyUrl = `${deps.publicUrl.replace(/\/+$/, '')}/verify`;

  let blobWritten = false;
  try {
    return await withTransaction(deps.db, async (trx) => {
      // A count, not a counter row: the serial counters belong to real documents. Two specimens made at the same
      // instant may share a number on PostgreSQL; nothing depends on a specimen serial being unique.
      const serial = specimenSerial((await countSpecimens(trx, agency.id, def.id)) + 1);
      const facts: DocumentFacts = { id, serial, issuedAt, validUntil, verifyUrl, fields, specimen: true };
      const pdf = await makeSignedPdf(deps.renderer, signer, type, agency, facts, 'B-B', {});
      await deps.blobs.put(id, pdf);
      blobWritten = true;
      const specimen = await insertSpecimen(trx, {
        id,
        agencyId: agency.id,
        typeId: def.id,
        typeVersion: def.version,
        serial,
        data: fields,
        pdfSha256: sha256Hex(pdf),
        pdfSize: pdf.length,
        blobKey: id,
        issuedBy: req.actor,
        draftId: req.draftId ?? null,
        createdAt: issuedAt,
      });
      // Ids, type and serial only: the fields may be a real person's data.
      await appendAuditEvent(trx, {
        actor: req.actor,
        action: 'specimen.issued',
        agencyId: agency.id,
        details: { specimenId: id, typeId: def.id, serial },
        at: issuedAt,
        source: req.source ?? null,
      });
      return { specimen, pdf };
    });
  } catch (e) {
    if (blobWritten) await deps.blobs.delete(id).catch(() => undefined);
    throw e;
  }
}

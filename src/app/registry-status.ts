import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { canonicalJson } from '../domain/canonical-json.js';
import { isDocumentId } from '../domain/identifiers.js';
import { getDocumentById, listDocumentVersions, type Database } from '../store/index.js';
import type { RegistryDigests, RegistryStatus } from '../verify/index.js';

/** SHA-256 of the canonical JSON of a document's fields: what a verifier sends instead of the data. */
export const fieldsDigest = (fields: unknown): string => createHash('sha256').update(canonicalJson(fields)).digest('hex');

/**
 * The registry's answer about one document, given the digests of a file someone holds. The same answer feeds the
 * server's verification and the browser page (through POST /api/v1/documents/:id/check): the registry learns only
 * digests, and answers only with public facts and whether the digests match.
 */
export async function registryStatus(db: Kysely<Database>, documentId: string, digests: RegistryDigests): Promise<RegistryStatus> {
  if (!isDocumentId(documentId)) return { found: false };
  const d = await getDocumentById(db, documentId);
  if (!d) return { found: false };
  // Any version the registry issued counts (a holder may keep the PDF from before an archive renewal).
  const versions = await listDocumentVersions(db, documentId);
  const pdfMatches = d.pdfSha256 === digests.pdfSha256 || versions.some((v) => v.pdfSha256 === digests.pdfSha256);
  return {
    found: true,
    status: d.status,
    pdfMatches,
    dataMatches: fieldsDigest(d.data) === digests.dataSha256,
    record: { serial: d.serial, typeId: d.typeId, issuerId: d.agencyId, issuedAt: d.issuedAt },
    validUntil: d.validUntil,
    successorId: d.successorId,
    statusReason: d.statusReason,
    statusChangedAt: d.statusChangedAt,
  };
}

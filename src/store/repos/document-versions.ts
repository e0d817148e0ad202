import type { Executor } from '../db/transaction.js';
import { integer, nowIso, sha256Hex, text } from '../validate.js';

/** One PDF a document has had. Version 1 is the issued PDF; later ones add archive timestamps. */
export interface DocumentVersion {
  documentId: string;
  version: number;
  blobKey: string;
  pdfSha256: string;
  pdfSize: number;
  level: string;
  reason: 'issued' | 'archive-timestamp' | string;
  createdAt: string;
}

type NewVersion = Omit<DocumentVersion, 'createdAt'> & { createdAt?: string };

export async function insertDocumentVersion(db: Executor, v: NewVersion): Promise<void> {
  await insertDocumentVersions(db, [v]);
}

/** Several versions in one statement (bulk issuance). */
export async function insertDocumentVersions(db: Executor, vs: readonly NewVersion[]): Promise<void> {
  if (vs.length === 0) return;
  await db
    .insertInto('document_versions')
    .values(vs.map((v) => ({
      document_id: text('version.documentId', v.documentId, { max: 64 }),
      version: integer('version.version', v.version, 1, 1_000_000),
      blob_key: text('version.blobKey', v.blobKey, { max: 64 }),
      pdf_sha256: sha256Hex('version.pdfSha256', v.pdfSha256),
      pdf_size: integer('version.pdfSize', v.pdfSize, 1, 2_000_000_000),
      level: text('version.level', v.level, { max: 16 }),
      reason: text('version.reason', v.reason, { max: 64 }),
      created_at: v.createdAt ?? nowIso(),
    })))
    .execute();
}

export async function listDocumentVersions(db: Executor, documentId: string): Promise<DocumentVersion[]> {
  const rows = await db.selectFrom('document_versions').selectAll().where('document_id', '=', documentId).orderBy('version').execute();
  return rows.map((r) => ({
    documentId: r.document_id,
    version: r.version,
    blobKey: r.blob_key,
    pdfSha256: r.pdf_sha256,
    pdfSize: r.pdf_size,
    level: r.level,
    reason: r.reason,
    createdAt: r.created_at,
  }));
}

/** Points the document at a new latest version (digest, size, blob). */
export async function setCurrentVersion(db: Executor, documentId: string, v: { blobKey: string; pdfSha256: string; pdfSize: number }): Promise<void> {
  await db
    .updateTable('documents')
    .set({ blob_key: v.blobKey, pdf_sha256: v.pdfSha256, pdf_size: v.pdfSize, updated_at: nowIso() })
    .where('id', '=', documentId)
    .execute();
}

import type { Kysely } from 'kysely';
import type { BlobStore, Database } from '../store/index.js';

/**
 * Removes PDFs that no registry row points to. Issuance writes the blob inside its database transaction and deletes
 * it when the transaction fails — but a process killed in between (power loss, SIGKILL) leaves a signed PDF with
 * personal data and no document. Blobs younger than `olderThanMs` are left alone: their issuance may still commit.
 */
export async function sweepOrphanBlobs(db: Kysely<Database>, blobs: BlobStore, opts: { olderThanMs?: number } = {}): Promise<{ removed: string[]; temporaries: number }> {
  const olderThanMs = opts.olderThanMs ?? 10 * 60_000;
  const removed: string[] = [];
  for await (const key of blobs.list()) {
    const referenced =
      (await db.selectFrom('documents').select('id').where((eb) => eb.or([eb('id', '=', key), eb('blob_key', '=', key)])).executeTakeFirst()) ??
      (await db.selectFrom('document_versions').select('document_id').where('blob_key', '=', key).executeTakeFirst()) ??
      // Training specimens live in the same blob store, referenced from their own table.
      (await db.selectFrom('specimens').select('id').where('blob_key', '=', key).executeTakeFirst());
    if (referenced) continue;
    const modified = await blobs.lastModified(key);
    if (!modified || Date.now() - modified.getTime() < olderThanMs) continue;
    if (await blobs.delete(key)) removed.push(key);
  }
  return { removed, temporaries: await blobs.removeStaleTemporaries(olderThanMs) };
}

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../../src/store/index.js';

/**
 * What "issued exactly once" means, read straight from the registry and the blob folder rather than from anything the
 * application reports about itself. Meant for a fresh database holding one batch (serials then start at 1).
 */
export interface IssuedOnceReport {
  documents: number;
  /** Blob temporaries (`.<id>.<hex>.tmp`) left behind, e.g. by a process killed mid-write. */
  tmpFiles: string[];
  /** batch_rows.issued_by → number of rows. */
  issuedBy: Map<string, number>;
}

/** The sequence number at the end of a `ฝอ. 2569/000123`-style serial. */
export const serialSequence = (serial: string) => Number(/(\d+)$/.exec(serial)?.[1] ?? NaN);

export async function expectBatchIssuedExactlyOnce(db: Kysely<Database>, dataDir: string, batchId: string, rows: number): Promise<IssuedOnceReport> {
  const batch = await db.selectFrom('batches').selectAll().where('id', '=', batchId).executeTakeFirstOrThrow();
  expect(batch.state).toBe('completed');
  expect(Number(batch.total_rows)).toBe(rows);
  expect(Number(batch.issued_rows)).toBe(rows);
  expect(Number(batch.failed_rows)).toBe(0);
  expect(Number(batch.existing_rows)).toBe(0);

  // Every row issued, once, with its own document; the rows are the file's lines 2..rows+1.
  const batchRows = await db
    .selectFrom('batch_rows')
    .select(['row_number', 'state', 'idempotency_key', 'document_id', 'serial', 'issued_by', 'claim_token'])
    .where('batch_id', '=', batchId)
    .orderBy('row_number')
    .execute();
  expect(batchRows.length).toBe(rows);
  expect(batchRows.map((r) => Number(r.row_number))).toEqual(Array.from({ length: rows }, (_, i) => i + 2));
  expect(batchRows.filter((r) => r.state !== 'issued').map((r) => `${r.row_number}:${r.state}`)).toEqual([]);
  expect(batchRows.filter((r) => r.claim_token !== null).length).toBe(0);
  expect(new Set(batchRows.map((r) => r.document_id)).size).toBe(rows);
  expect(batchRows.every((r) => r.idempotency_key === `batch:${batchId}:${r.row_number}`)).toBe(true);

  // The documents table: exactly one document per row key, and nothing else.
  const docs = await db.selectFrom('documents').select(['id', 'serial', 'idempotency_key', 'pdf_sha256', 'blob_key']).execute();
  expect(docs.length).toBe(rows);
  const byKey = new Map<string, (typeof docs)[number]>();
  for (const d of docs) byKey.set(d.idempotency_key ?? '', d);
  expect(byKey.size).toBe(rows);
  for (const r of batchRows) {
    const d = byKey.get(r.idempotency_key);
    expect(d, `document for row ${r.row_number}`).toBeDefined();
    expect(d!.id).toBe(r.document_id);
    expect(d!.serial).toBe(r.serial);
  }

  // Serials: distinct, and the sequence numbers are exactly 1..rows (reserved per claim, so no gaps even after kills).
  expect(new Set(docs.map((d) => d.serial)).size).toBe(rows);
  const sequences = docs.map((d) => serialSequence(d.serial)).sort((a, b) => a - b);
  expect(sequences).toEqual(Array.from({ length: rows }, (_, i) => i + 1));

  // Blobs on disk ⇔ documents: each document's file exists with its recorded SHA-256, each file belongs to a document.
  const blobRoot = join(dataDir, 'blobs');
  const files = new Map<string, string>();
  const tmpFiles: string[] = [];
  for (const shard of await readdir(blobRoot)) {
    for (const name of await readdir(join(blobRoot, shard))) {
      if (name.endsWith('.tmp')) tmpFiles.push(join(shard, name));
      else files.set(name, join(blobRoot, shard, name));
    }
  }
  for (const d of docs) {
    const key = d.blob_key ?? d.id;
    const file = files.get(key);
    expect(file, `blob of document ${d.id}`).toBeDefined();
    expect(join(blobRoot, key.slice(0, 2), key)).toBe(file);
    const sha = createHash('sha256').update(await readFile(file!)).digest('hex');
    expect(sha, `sha256 of blob ${key}`).toBe(d.pdf_sha256);
  }
  const known = new Set(docs.map((d) => d.blob_key ?? d.id));
  expect([...files.keys()].filter((k) => !known.has(k))).toEqual([]);

  // The transparency log's outbox: one `issued` event per document, no other kind.
  const events = await db.selectFrom('log_events').select(['kind', 'document_id', 'pdf_sha256']).execute();
  expect(events.length).toBe(rows);
  expect(events.every((e) => e.kind === 'issued')).toBe(true);
  expect(new Set(events.map((e) => e.document_id)).size).toBe(rows);
  const shaById = new Map(docs.map((d) => [d.id, d.pdf_sha256]));
  expect(events.every((e) => shaById.get(e.document_id) === e.pdf_sha256)).toBe(true);

  const issuedBy = new Map<string, number>();
  for (const r of batchRows) issuedBy.set(r.issued_by ?? '(none)', (issuedBy.get(r.issued_by ?? '(none)') ?? 0) + 1);
  return { documents: docs.length, tmpFiles, issuedBy };
}

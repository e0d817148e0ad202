import { sql, type Kysely } from 'kysely';
import {
  appendReadIndexes,
  encodeLeaf,
  leafHash,
  signCheckpoint,
  storedHashesFromReads,
  storedHashIndex,
  treeHashFromHashes,
  treeHashIndexes,
  type LogLeaf,
} from '../transparency/index.js';
import { markLogEventsIntegrated, pendingLogEvents, withTransaction, type Database } from '../store/index.js';
import { nodeSha256, readStoredHashes, writeStoredHashes } from './hash-store.js';
import type { LogIdentity } from './log-key.js';

export interface IntegrationResult {
  /** Leaves added by this call. */
  added: number;
  treeSize: number;
}

/**
 * Moves pending log events into the Merkle tree: each gets the next index (no gaps, in event order), its leaf bytes
 * (RFC 8785 JSON), its stored hashes; then the new root is signed as a checkpoint. One transaction per batch, holding
 * the log_head row lock, so two integrators (two processes) never assign an index twice; a crash leaves either the
 * whole batch or none of it. The transaction does database work only (hashing is synchronous), so it never holds
 * the lock while waiting on anything else. Batching is what makes thousands of appends per second possible.
 */
export async function integratePending(db: Kysely<Database>, log: LogIdentity, opts: { batchSize?: number } = {}): Promise<IntegrationResult> {
  const batchSize = opts.batchSize ?? 1000;
  let added = 0;
  for (;;) {
    const r = await withTransaction(db, async (trx) => {
      // Take the lock before reading: PostgreSQL row lock; SQLite's write lock (an UPDATE upgrades at once).
      await trx.updateTable('log_head').set({ tree_size: sql`tree_size` }).where('id', '=', 1).execute();
      const head = await trx.selectFrom('log_head').select('tree_size').where('id', '=', 1).executeTakeFirstOrThrow();
      const size = Number(head.tree_size);
      const events = await pendingLogEvents(trx, batchSize);
      if (events.length === 0) return { n: 0, size };
      const pending = new Map<number, Uint8Array>();
      const firstStored = storedHashIndex(0, size);
      const newHashes: Uint8Array[] = [];
      const marks: { id: number; logIndex: number; leafJson: string }[] = [];
      for (let k = 0; k < events.length; k++) {
        const e = events[k]!;
        const index = size + k;
        const leaf: LogLeaf = {
          seq: index,
          time: e.at,
          kind: e.kind,
          agency: e.agencyId,
          docType: e.typeId,
          documentId: e.documentId,
          pdfSha256: e.pdfSha256,
          successorId: e.kind === 'superseded' ? e.successorId : null,
        };
        const bytes = encodeLeaf(leaf);
        const siblings = await readStoredHashes(trx, appendReadIndexes(index), pending);
        const stored = storedHashesFromReads(index, leafHash(bytes, nodeSha256), siblings, nodeSha256);
        const at = storedHashIndex(0, index);
        stored.forEach((h, i) => pending.set(at + i, h));
        newHashes.push(...stored);
        marks.push({ id: e.id, logIndex: index, leafJson: new TextDecoder().decode(bytes) });
      }
      await markLogEventsIntegrated(trx, marks);
      await writeStoredHashes(trx, firstStored, newHashes);
      const newSize = size + events.length;
      await trx.updateTable('log_head').set({ tree_size: newSize }).where('id', '=', 1).execute();
      return { n: events.length, size: newSize };
    });
    added += r.n;
    if (r.n < batchSize) {
      await signLatest(db, log);
      return { added, treeSize: r.size };
    }
  }
}

/**
 * Signs a checkpoint for the integrated size when the newest one is older. Outside the integration transaction on
 * purpose: the Ed25519 signature is asynchronous work, and holding SQLite's write lock across it would stall every
 * other writer (and a process blocked meanwhile would keep the lock). A crash before this step only delays the
 * checkpoint: the next run signs it. Readers always use the newest signed checkpoint, never the bare head.
 */
async function signLatest(db: Kysely<Database>, log: LogIdentity): Promise<void> {
  const head = Number((await db.selectFrom('log_head').select('tree_size').where('id', '=', 1).executeTakeFirstOrThrow()).tree_size);
  if (head === 0) return;
  const latest = await db.selectFrom('log_checkpoints').select('tree_size').orderBy('tree_size', 'desc').limit(1).executeTakeFirst();
  if (latest && Number(latest.tree_size) >= head) return;
  const root = treeHashFromHashes(head, await readStoredHashes(db, treeHashIndexes(head)), nodeSha256);
  const note = await signCheckpoint({ origin: log.origin, size: head, rootHash: root }, log.signer);
  await db
    .insertInto('log_checkpoints')
    .values({ tree_size: head, note, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('tree_size').doNothing())
    .execute();
}


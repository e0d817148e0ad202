import type { Kysely } from 'kysely';
import {
  buildProofBundle,
  decodeLeaf,
  encodeEntryBundle,
  proofFromHashes,
  recordProofIndexes,
  tileFromHashes,
  tileHashIndexes,
  TILE_HEIGHT,
  TILE_WIDTH,
  treeProofIndexes,
  type ProofBundle,
  type Tile,
} from '../transparency/index.js';
import { logEventsOfDocument, logLeaves, type Database } from '../store/index.js';
import { nodeSha256, readStoredHashes } from './hash-store.js';

export interface LatestCheckpoint {
  size: number;
  note: string;
}

/** The newest signed checkpoint (null before the first leaf). */
export async function latestCheckpoint(db: Kysely<Database>): Promise<LatestCheckpoint | null> {
  const row = await db.selectFrom('log_checkpoints').select(['tree_size', 'note']).orderBy('tree_size', 'desc').limit(1).executeTakeFirst();
  return row ? { size: Number(row.tree_size), note: row.note } : null;
}

/**
 * The inclusion proof of a document's issuance leaf (or, with `kind`, its latest leaf of that kind) in the latest
 * checkpoint: everything a verifier needs, checkable with SHA-256 and the log's public key alone.
 */
export async function proofForDocument(db: Kysely<Database>, documentId: string, kind = 'issued'): Promise<ProofBundle | null> {
  const cp = await latestCheckpoint(db);
  if (!cp) return null;
  const events = (await logEventsOfDocument(db, documentId)).filter((e) => e.kind === kind && e.logIndex !== null && e.logIndex < cp.size);
  const e = events.at(-1);
  if (!e || e.logIndex === null || !e.leafJson) return null;
  return proofBundle(db, cp, e.logIndex, e.leafJson);
}

/** The bundle for one leaf in the tree of a checkpoint: leaf, inclusion proof and the signed note. */
async function proofBundle(db: Kysely<Database>, cp: LatestCheckpoint, index: number, leafJson: string): Promise<ProofBundle> {
  const plan = recordProofIndexes(index, cp.size);
  const proof = proofFromHashes(plan.counts, await readStoredHashes(db, plan.indexes), nodeSha256);
  return buildProofBundle({ index, treeSize: cp.size, leaf: decodeLeaf(new TextEncoder().encode(leafJson)), proof, checkpoint: cp.note });
}

/** The inclusion proof of the leaf at `index` in the latest checkpoint (null when the log is not that long). */
export async function proofForIndex(db: Kysely<Database>, index: number): Promise<ProofBundle | null> {
  const cp = await latestCheckpoint(db);
  if (!cp || !Number.isSafeInteger(index) || index < 0 || index >= cp.size) return null;
  const [leaf] = await logLeaves(db, index, index + 1);
  return leaf ? proofBundle(db, cp, index, leaf.leafJson) : null;
}

/** Consistency proof between two tree sizes (old ≤ new ≤ latest). */
export async function consistencyProof(db: Kysely<Database>, oldSize: number, newSize: number): Promise<Uint8Array[]> {
  const plan = treeProofIndexes(oldSize, newSize);
  return proofFromHashes(plan.counts, await readStoredHashes(db, plan.indexes), nodeSha256);
}

/** Hashes at tree level 8·L in a tree of `size` leaves. */
const hashesAtLevel = (size: number, tileLevel: number) => Math.floor(size / 2 ** (TILE_HEIGHT * tileLevel));

/** A hash tile's bytes, if the tree of `size` leaves contains it (C2SP tlog-tiles). */
export async function readHashTile(db: Kysely<Database>, tile: Tile, size: number): Promise<Uint8Array | null> {
  if (tile.index * TILE_WIDTH + tile.width > hashesAtLevel(size, tile.level)) return null;
  return tileFromHashes(await readStoredHashes(db, tileHashIndexes(tile)));
}

/** An entry bundle: leaves [256·N, 256·N + width) if the tree of `size` leaves contains them. */
export async function readEntryBundle(db: Kysely<Database>, index: number, width: number, size: number): Promise<Uint8Array | null> {
  const start = index * TILE_WIDTH;
  if (start + width > size) return null;
  const leaves = await logLeaves(db, start, start + width);
  if (leaves.length !== width) return null;
  return encodeEntryBundle(leaves.map((l) => new TextEncoder().encode(l.leafJson)));
}

/** Leaves in [start, end) as JSON objects (for people and simple clients; monitors should prefer entry bundles). */
export async function readEntries(db: Kysely<Database>, start: number, end: number): Promise<{ index: number; leaf: unknown }[]> {
  return (await logLeaves(db, start, end)).map((l) => ({ index: l.index, leaf: JSON.parse(l.leafJson) as unknown }));
}

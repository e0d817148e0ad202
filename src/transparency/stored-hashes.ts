/**
 * The "stored hash" model of a Merkle log (after Crosby & Wallach, as used by Go's sumdb/tlog): every complete
 * subtree hash is stored once, in a dense linear order, at the moment its last leaf is appended. A log of N leaves
 * keeps fewer than 2N hashes; root hashes and proofs for any earlier size are then computed from O(log N) of them,
 * so the server never rebuilds the tree.
 *
 * Order: the hash of leaf n is followed by the hashes of the subtrees that leaf completes, lowest level first.
 * Hence StoredHashIndex(0, n) = n + ⌊n/2⌋ + ⌊n/4⌋ + …, and level L's hash n sits right after level L-1's hash 2n+1.
 *
 * Each operation comes in two halves — which indexes to read, and what to compute from them — plus a synchronous
 * convenience over a HashReader. A storage layer with an asynchronous driver (pg) can await its own read between
 * the halves.
 */
import {
  assembleRanges,
  checkCount,
  consistencyRanges,
  emptyTreeHash,
  foldSubtrees,
  inclusionRanges,
  nodeHash,
  planSubtrees,
  rangeSubtrees,
  type SubtreeCoord,
} from './merkle.js';
import { sha256, type HashFn } from './sha256.js';

/** Reads stored hashes by index. Must return exactly one 32-byte hash per index, in the order asked. */
export interface HashReader {
  readHashes(indexes: number[]): Uint8Array[];
}

const half = (x: number): number => Math.floor(x / 2);

/** Number of trailing 1 bits of x (arithmetic, so correct beyond 2^31). */
function trailingOnes(x: number): number {
  let c = 0;
  while (x % 2 === 1) {
    c++;
    x = half(x);
  }
  return c;
}

/** Dense storage index of the complete subtree (level, n). */
export function storedHashIndex(level: number, n: number): number {
  checkCount('level', level);
  checkCount('n', n);
  // The hash at (level, n) is written just after leaf (n+1)·2^level − 1, i.e. `level` slots after that leaf's hash.
  let leaf = (n + 1) * 2 ** level - 1;
  if (!Number.isSafeInteger(leaf)) throw new RangeError(`subtree (${level}, ${n}) is beyond 2^53 leaves`);
  let i = 0;
  for (; leaf > 0; leaf = half(leaf)) i += leaf;
  return i + level;
}

/** Inverse of storedHashIndex. */
export function splitStoredHashIndex(index: number): SubtreeCoord {
  checkCount('index', index);
  // storedHashIndex(0, n) grows with n and is ≤ index for the leaf whose append wrote this slot: binary search it.
  let lo = 0;
  let hi = Math.min(index, Number.MAX_SAFE_INTEGER / 2);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (storedHashIndex(0, mid) <= index) lo = mid;
    else hi = mid - 1;
  }
  const level = index - storedHashIndex(0, lo);
  if (level > trailingOnes(lo)) throw new Error(`internal: no stored hash at index ${index}`);
  return { level, n: Math.floor(lo / 2 ** level) };
}

/** How many hashes a log of `size` leaves has stored. */
export function storedHashCount(size: number): number {
  checkCount('size', size);
  if (size === 0) return 0;
  return storedHashIndex(0, size - 1) + 1 + trailingOnes(size - 1);
}

/** Indexes to read before appending leaf `index`: the left siblings of the subtrees it completes, level 0 first. */
export function appendReadIndexes(index: number): number[] {
  checkCount('index', index);
  const out: number[] = [];
  const m = trailingOnes(index);
  for (let level = 0; level < m; level++) out.push(storedHashIndex(level, Math.floor(index / 2 ** level) - 1));
  return out;
}

/** Hashes to store for leaf `index`, from its leaf hash and the hashes read at appendReadIndexes(index). */
export function storedHashesFromReads(
  index: number,
  leafHashValue: Uint8Array,
  siblings: readonly Uint8Array[],
  hash: HashFn = sha256,
): Uint8Array[] {
  const m = trailingOnes(index);
  if (siblings.length !== m) throw new Error(`appending leaf ${index} needs ${m} stored hashes, got ${siblings.length}`);
  const out = [leafHashValue];
  let h = leafHashValue;
  for (let level = 0; level < m; level++) {
    h = nodeHash(siblings[level]!, h, hash);
    out.push(h);
  }
  return out;
}

/**
 * The hashes to store when appending leaf `index` (which must equal the current size), to be written at
 * consecutive indexes starting at storedHashIndex(0, index). One to 1 + log₂(index) hashes; two on average.
 */
export function storedHashesForAppend(
  index: number,
  leafHashValue: Uint8Array,
  reader: HashReader,
  hash: HashFn = sha256,
): Uint8Array[] {
  const idx = appendReadIndexes(index);
  return storedHashesFromReads(index, leafHashValue, idx.length ? checkedRead(reader, idx) : [], hash);
}

function checkedRead(reader: HashReader, indexes: number[]): Uint8Array[] {
  const got = reader.readHashes(indexes);
  if (got.length !== indexes.length) throw new Error(`readHashes returned ${got.length} hashes for ${indexes.length} indexes`);
  return got;
}

const toIndexes = (coords: readonly SubtreeCoord[]): number[] => coords.map((c) => storedHashIndex(c.level, c.n));

/** Stored indexes needed for the root hash of the tree of `size` leaves (at most 1 + log₂ size). */
export function treeHashIndexes(size: number): number[] {
  checkCount('size', size);
  return toIndexes(rangeSubtrees(0, size));
}

export function treeHashFromHashes(size: number, hashes: readonly Uint8Array[], hash: HashFn = sha256): Uint8Array {
  if (size === 0) return emptyTreeHash(hash);
  return foldSubtrees(hashes, hash);
}

/** Root hash of the tree of `size` leaves (any size up to the log's current one). */
export function treeHash(size: number, reader: HashReader, hash: HashFn = sha256): Uint8Array {
  const idx = treeHashIndexes(size);
  return treeHashFromHashes(size, idx.length ? checkedRead(reader, idx) : [], hash);
}

/** Stored indexes and per-element counts for the inclusion proof of leaf `index` in the tree of `size`. */
export function recordProofIndexes(index: number, size: number): { indexes: number[]; counts: number[] } {
  const { coords, counts } = planSubtrees(inclusionRanges(index, size));
  return { indexes: toIndexes(coords), counts };
}

/** Stored indexes and per-element counts for the consistency proof between two tree sizes. */
export function treeProofIndexes(oldSize: number, newSize: number): { indexes: number[]; counts: number[] } {
  const { coords, counts } = planSubtrees(consistencyRanges(oldSize, newSize));
  return { indexes: toIndexes(coords), counts };
}

/** Assembles a proof from the hashes read at the indexes of recordProofIndexes / treeProofIndexes. */
export function proofFromHashes(counts: readonly number[], hashes: readonly Uint8Array[], hash: HashFn = sha256): Uint8Array[] {
  return assembleRanges(counts, hashes, hash);
}

/** Inclusion proof for leaf `index` in the tree of `size` leaves, with one batched read. */
export function proveRecord(index: number, size: number, reader: HashReader, hash: HashFn = sha256): Uint8Array[] {
  const { indexes, counts } = recordProofIndexes(index, size);
  return proofFromHashes(counts, indexes.length ? checkedRead(reader, indexes) : [], hash);
}

/** Consistency proof from the tree of `oldSize` leaves to the tree of `newSize` leaves, with one batched read. */
export function proveTree(oldSize: number, newSize: number, reader: HashReader, hash: HashFn = sha256): Uint8Array[] {
  const { indexes, counts } = treeProofIndexes(oldSize, newSize);
  return proofFromHashes(counts, indexes.length ? checkedRead(reader, indexes) : [], hash);
}

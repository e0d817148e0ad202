/**
 * An in-memory stored-hash log for tests, benchmarks and tools (a monitor rebuilding a log it downloaded).
 * Hashes live in one growable byte array, 32 bytes per stored index: a million leaves take about 64 MB.
 */
import { HASH_SIZE, leafHash } from './merkle.js';
import { sha256, type HashFn } from './sha256.js';
import { storedHashesForAppend, storedHashIndex, treeHash, type HashReader } from './stored-hashes.js';

export class MemoryHashStore implements HashReader {
  private bytes = new Uint8Array(HASH_SIZE * 1024);
  private stored = 0;
  private leaves = 0;

  constructor(private readonly hash: HashFn = sha256) {}

  /** Number of leaves appended. */
  get size(): number {
    return this.leaves;
  }

  /** Number of hashes stored. */
  get storedCount(): number {
    return this.stored;
  }

  readHashes(indexes: number[]): Uint8Array[] {
    return indexes.map((i) => {
      if (!Number.isSafeInteger(i) || i < 0 || i >= this.stored) {
        throw new RangeError(`stored hash index ${String(i)} is outside 0..${this.stored - 1}`);
      }
      return this.bytes.slice(i * HASH_SIZE, (i + 1) * HASH_SIZE);
    });
  }

  /** Appends a leaf by its leaf hash; returns the leaf's index. */
  appendLeafHash(leafHashValue: Uint8Array): number {
    if (leafHashValue.length !== HASH_SIZE) throw new RangeError(`a leaf hash is ${HASH_SIZE} bytes, got ${leafHashValue.length}`);
    const index = this.leaves;
    const hashes = storedHashesForAppend(index, leafHashValue, this, this.hash);
    const at = storedHashIndex(0, index);
    if (at !== this.stored) throw new Error(`internal: leaf ${index} should be stored at ${this.stored}, not ${at}`);
    this.reserve(this.stored + hashes.length);
    for (const h of hashes) this.bytes.set(h, HASH_SIZE * this.stored++);
    this.leaves++;
    return index;
  }

  /** Appends a leaf by its bytes (an entry); returns the leaf's index. */
  appendLeaf(entry: Uint8Array): number {
    return this.appendLeafHash(leafHash(entry, this.hash));
  }

  /** Root hash at the current size, or at an earlier one. */
  rootHash(size: number = this.leaves): Uint8Array {
    if (size > this.leaves) throw new RangeError(`size ${size} is beyond the log's ${this.leaves} leaves`);
    return treeHash(size, this, this.hash);
  }

  private reserve(count: number): void {
    if (count * HASH_SIZE <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(count * HASH_SIZE, this.bytes.length * 2));
    next.set(this.bytes.subarray(0, this.stored * HASH_SIZE));
    this.bytes = next;
  }
}

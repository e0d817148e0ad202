/**
 * RFC 9162 §2.1 Merkle tree hashing (identical to RFC 6962): leaf hash H(0x00 ‖ leaf), interior node
 * H(0x01 ‖ left ‖ right), the empty tree H(""), inclusion proofs (§2.1.3) and consistency proofs (§2.1.4).
 *
 * Proof generation works over *complete subtree hashes*: the hash of leaves [n·2^level, (n+1)·2^level). Every
 * proof element is the hash of a range that splits into at most log₂(size) such subtrees, so a log that stores
 * them (stored-hashes.ts) answers any proof with O(log N) reads. The plan (which ranges, which subtrees) is
 * separated from the hashing so an asynchronous store can fetch everything in one query and then assemble.
 *
 * Verification follows the RFC's iterative algorithms, deliberately independent from the generator's recursion,
 * so that tests comparing the two catch mistakes in either.
 */
import { bytesEqual } from './bytes.js';
import { sha256, type HashFn } from './sha256.js';

export const HASH_SIZE = 32;

/** Hash of a complete subtree at (level, n), i.e. of leaves [n·2^level, (n+1)·2^level). */
export type SubtreeHashGetter = (level: number, n: number) => Uint8Array;

/** A complete subtree's coordinates. */
export interface SubtreeCoord {
  level: number;
  n: number;
}

/** A half-open range of leaf indexes [lo, hi) whose Merkle tree hash is one proof element. */
export type LeafRange = readonly [lo: number, hi: number];

export function leafHash(leaf: Uint8Array, hash: HashFn = sha256): Uint8Array {
  const buf = new Uint8Array(leaf.length + 1);
  buf[0] = 0x00;
  buf.set(leaf, 1);
  return hash(buf);
}

export function nodeHash(left: Uint8Array, right: Uint8Array, hash: HashFn = sha256): Uint8Array {
  const buf = new Uint8Array(1 + 2 * HASH_SIZE);
  buf[0] = 0x01;
  buf.set(left, 1);
  buf.set(right, 1 + HASH_SIZE);
  return hash(buf);
}

/** MTH({}) = HASH() — the root of the empty tree (RFC 9162 §2.1.1). */
export function emptyTreeHash(hash: HashFn = sha256): Uint8Array {
  return hash(new Uint8Array(0));
}

/** Throws a RangeError naming the argument unless it is a whole number usable as a leaf index or tree size. */
export function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number from 0 to 2^53-1, got ${String(value)}`);
  }
}

// Plain arithmetic rather than bit operators: JavaScript's >> and & truncate to 32 bits, and a log may outgrow 2^31.
const half = (x: number): number => Math.floor(x / 2);
const isOdd = (x: number): boolean => x % 2 === 1;

function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** The largest power of two strictly below n (n ≥ 2): the RFC's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Root hash of the tree whose leaf hashes are given (already H(0x00 ‖ leaf)). Linear time, O(log n) memory. */
export function rootFromLeafHashes(leafHashes: readonly Uint8Array[], hash: HashFn = sha256): Uint8Array {
  if (leafHashes.length === 0) return emptyTreeHash(hash);
  // A stack of complete subtrees, largest first, maintained like a binary counter: adding leaf i merges one
  // subtree per trailing 1 bit of i. At the end, the RFC's left-heavy split means folding from the right.
  const stack: Uint8Array[] = [];
  for (let i = 0; i < leafHashes.length; i++) {
    let h = leafHashes[i]!;
    for (let c = i; isOdd(c); c = half(c)) h = nodeHash(stack.pop()!, h, hash);
    stack.push(h);
  }
  let root = stack.pop()!;
  while (stack.length > 0) root = nodeHash(stack.pop()!, root, hash);
  return root;
}

/**
 * Splits [lo, hi) into complete subtrees, largest first. Ranges that appear in RFC 9162 proofs always start at a
 * multiple of a power of two at least as large as the range, so the split is exact; anything else is a bug here.
 */
export function rangeSubtrees(lo: number, hi: number, out: SubtreeCoord[] = []): SubtreeCoord[] {
  while (lo < hi) {
    let size = 1;
    let level = 0;
    while (size * 2 <= hi - lo) {
      size *= 2;
      level++;
    }
    if (lo % size !== 0) throw new Error(`internal: range [${lo}, ${hi}) is not aligned to complete subtrees`);
    out.push({ level, n: lo / size });
    lo += size;
  }
  return out;
}

/** Combines the complete-subtree hashes of one range (as listed by rangeSubtrees) into the range's hash. */
export function foldSubtrees(hashes: readonly Uint8Array[], hash: HashFn = sha256): Uint8Array {
  let h = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) h = nodeHash(hashes[i]!, h, hash);
  return h;
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]) as leaf ranges, in proof order (nearest the leaf first). */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  checkCount('size', size);
  checkCount('index', index);
  if (index >= size) throw new RangeError(`index ${index} is not in a tree of size ${size}`);
  const topDown: LeafRange[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      topDown.push([lo + k, hi]);
      hi = lo + k;
    } else {
      topDown.push([lo, lo + k]);
      lo += k;
    }
  }
  return topDown.reverse();
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) as leaf ranges, in proof order. Empty when m is 0 or m equals n. */
export function consistencyRanges(oldSize: number, newSize: number): LeafRange[] {
  checkCount('old size', oldSize);
  checkCount('new size', newSize);
  if (oldSize > newSize) throw new RangeError(`old size ${oldSize} is larger than new size ${newSize}`);
  if (oldSize === 0 || oldSize === newSize) return [];
  // SUBPROOF(m, D[lo:hi], b), unrolled. `complete` is the RFC's b: true while the old tree is still the whole
  // left edge of the current range, in which case the verifier already knows its hash.
  const topDown: LeafRange[] = [];
  let lo = 0;
  let hi = newSize;
  let complete = true;
  for (;;) {
    if (oldSize === hi) {
      if (!complete) topDown.push([lo, hi]);
      break;
    }
    const k = splitPoint(hi - lo);
    if (oldSize <= lo + k) {
      topDown.push([lo + k, hi]);
      hi = lo + k;
    } else {
      topDown.push([lo, lo + k]);
      lo += k;
      complete = false;
    }
  }
  return topDown.reverse();
}

/** All subtree coordinates needed for a list of ranges, plus how many belong to each range. */
export function planSubtrees(ranges: readonly LeafRange[]): { coords: SubtreeCoord[]; counts: number[] } {
  const coords: SubtreeCoord[] = [];
  const counts: number[] = [];
  for (const [lo, hi] of ranges) {
    const before = coords.length;
    rangeSubtrees(lo, hi, coords);
    counts.push(coords.length - before);
  }
  return { coords, counts };
}

/** Turns the fetched subtree hashes of a plan back into one hash per range. */
export function assembleRanges(counts: readonly number[], hashes: readonly Uint8Array[], hash: HashFn): Uint8Array[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (hashes.length !== total) throw new Error(`expected ${total} stored hashes, got ${hashes.length}`);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const c of counts) {
    out.push(foldSubtrees(hashes.slice(at, at + c), hash));
    at += c;
  }
  return out;
}

function proveRanges(ranges: readonly LeafRange[], getHash: SubtreeHashGetter, hash: HashFn): Uint8Array[] {
  const { coords, counts } = planSubtrees(ranges);
  return assembleRanges(counts, coords.map((c) => getHash(c.level, c.n)), hash);
}

/** Inclusion proof (audit path) for leaf `index` in the tree of `size` leaves. */
export function inclusionProof(index: number, size: number, getHash: SubtreeHashGetter, hash: HashFn = sha256): Uint8Array[] {
  return proveRanges(inclusionRanges(index, size), getHash, hash);
}

/** Consistency proof that the tree of `oldSize` leaves is a prefix of the tree of `newSize` leaves. */
export function consistencyProof(
  oldSize: number,
  newSize: number,
  getHash: SubtreeHashGetter,
  hash: HashFn = sha256,
): Uint8Array[] {
  return proveRanges(consistencyRanges(oldSize, newSize), getHash, hash);
}

const isCount = (v: number): boolean => Number.isSafeInteger(v) && v >= 0;
const allHashes = (xs: readonly Uint8Array[]): boolean => xs.every((x) => x instanceof Uint8Array && x.length === HASH_SIZE);

/** RFC 9162 §2.1.3.2: does `proof` show that `leaf` (a leaf hash) is at `index` in the tree with `root`? */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  hash: HashFn = sha256,
): boolean {
  if (!isCount(index) || !isCount(size) || index >= size) return false;
  if (!allHashes([leaf, root]) || !allHashes(proof)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r, hash);
      // A right-edge node with no sibling at some levels: climb until we are a right child again (or at the top).
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p, hash);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(r, root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (oldSize, oldRoot) is a prefix of (newSize, newRoot)? */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  proof: readonly Uint8Array[],
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  hash: HashFn = sha256,
): boolean {
  if (!isCount(oldSize) || !isCount(newSize) || oldSize > newSize) return false;
  if (!allHashes([oldRoot, newRoot]) || !allHashes(proof)) return false;
  if (oldSize === newSize) return proof.length === 0 && bytesEqual(oldRoot, newRoot);
  if (oldSize === 0) return proof.length === 0; // every tree extends the empty tree
  if (proof.length === 0) return false;
  // When the old tree is a complete subtree, the proof omits its root (the verifier has it): put it back.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr, hash);
      sr = nodeHash(c, sr, hash);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c, hash);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, oldRoot) && bytesEqual(sr, newRoot);
}

/**
 * The library against the naive RFC 9162 implementation (naive-merkle.ts, node:crypto hashing) on random trees:
 * roots, inclusion and consistency proofs for every size 1..300 and some sizes in the thousands, stored-hash
 * bookkeeping, and tampering (any byte, index, size or extra/missing element) making verification fail.
 */
import { describe, expect, it } from 'vitest';
import { bytesEqual, toHex } from '../../src/transparency/bytes.js';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../src/transparency/merkle.js';
import { MemoryHashStore } from '../../src/transparency/memory-hash-store.js';
import {
  appendReadIndexes,
  proveRecord,
  proveTree,
  splitStoredHashIndex,
  storedHashCount,
  storedHashIndex,
  treeHash,
  type HashReader,
} from '../../src/transparency/stored-hashes.js';
import { NaiveTree, naiveRootFromPath, nodeSha256, seededBytes, seededInt } from './naive-merkle.js';

const MAX = 4200;
const randomBytes = seededBytes(20250115);
const randomInt = seededInt(77);
const leaves = Array.from({ length: MAX }, () => randomBytes(1 + randomInt(120)));
const naive = new NaiveTree(leaves);
const store = new MemoryHashStore();
const roots: Uint8Array[] = [];
for (const l of leaves) {
  store.appendLeaf(l);
  roots[store.size] = store.rootHash();
}
const getHash = (level: number, n: number): Uint8Array => store.readHashes([storedHashIndex(level, n)])[0]!;

/** A reader that refuses hashes a log of `size` leaves would not have: proofs must not peek into the future. */
function readerAt(size: number): HashReader {
  const limit = storedHashCount(size);
  return {
    readHashes(indexes) {
      for (const i of indexes) if (i >= limit) throw new Error(`read stored hash ${i} beyond size ${size}`);
      return store.readHashes(indexes);
    },
  };
}

const hex = (xs: Uint8Array[]): string[] => xs.map(toHex);
const flip = (proof: Uint8Array[], i: number, byte: number, bit = 1): Uint8Array[] =>
  proof.map((p, j) => {
    if (j !== i) return p;
    const c = p.slice();
    c[byte]! ^= bit;
    return c;
  });

const SIZES = [...Array.from({ length: 300 }, (_, i) => i + 1), 511, 512, 513, 1000, 1023, 1024, 1025, 2047, 2048, 2049, 3001, 4096, 4097, 4200];

describe('Merkle tree against a naive RFC 9162 implementation', () => {
  it('the same root for every size, from leaves, from stored hashes, and naively (node:crypto)', () => {
    const lh = leaves.map((l) => leafHash(l));
    for (const size of SIZES) {
      const want = toHex(naive.root(size));
      expect(toHex(roots[size]!), `stored, size ${size}`).toBe(want);
      expect(toHex(treeHash(size, readerAt(size))), `reader limited to size ${size}`).toBe(want);
      if (size <= 300 || size % 1000 === 0) expect(toHex(rootFromLeafHashes(lh.slice(0, size)))).toBe(want);
    }
  });

  it('the same root with node:crypto injected as the hash function', () => {
    const fast = new MemoryHashStore(nodeSha256);
    for (let i = 0; i < 1025; i++) fast.appendLeaf(leaves[i]!);
    expect(toHex(fast.rootHash())).toBe(toHex(naive.root(1025)));
    expect(hex(proveRecord(700, 1025, fast, nodeSha256))).toEqual(hex(naive.inclusion(700, 1025)));
  });

  it('inclusion proofs equal PATH(m, D[n]) and verify (every index for sizes ≤ 160, sampled above)', () => {
    let checked = 0;
    for (const size of SIZES) {
      const indexes = size <= 160 ? Array.from({ length: size }, (_, i) => i) : [0, 1, size - 2, size - 1, ...Array.from({ length: 20 }, () => randomInt(size))];
      for (const index of indexes) {
        const want = hex(naive.inclusion(index, size));
        const viaReader = proveRecord(index, size, readerAt(size));
        expect(hex(viaReader), `${index}/${size}`).toEqual(want);
        if (index % 7 === 0) expect(hex(inclusionProof(index, size, getHash))).toEqual(want);
        expect(verifyInclusion(naive.leafHashes[index]!, index, size, viaReader, roots[size]!), `verify ${index}/${size}`).toBe(true);
        // The RFC bit-walk and a recursive walk over the tree shape agree on the root.
        expect(toHex(naiveRootFromPath(naive.leafHashes[index]!, index, size, viaReader)!)).toBe(toHex(roots[size]!));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(15_000);
  });

  it('consistency proofs equal PROOF(m, D[n]) and verify', () => {
    let checked = 0;
    for (const n of SIZES) {
      const olds = n <= 64 ? Array.from({ length: n + 1 }, (_, m) => m) : [1, 2, n - 1, n, ...Array.from({ length: 12 }, () => 1 + randomInt(n))];
      for (const m of olds) {
        const want = hex(naive.consistency(m, n));
        const proof = proveTree(m, n, readerAt(n));
        expect(hex(proof), `${m}→${n}`).toEqual(want);
        if (m % 5 === 0) expect(hex(consistencyProof(m, n, getHash))).toEqual(want);
        const oldRoot = m === 0 ? naive.root(0) : roots[m]!;
        expect(verifyConsistency(m, n, proof, oldRoot, roots[n]!), `verify ${m}→${n}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(4000);
  });

  it('an inclusion proof fails when any byte, the index, the size (with that size’s real root) or its length changes', () => {
    for (const [index, size] of [[0, 2], [5, 8], [6, 7], [12, 13], [100, 257], [1000, 1025], [2047, 4097], [3333, 4200]] as const) {
      const proof = proveRecord(index, size, store);
      const leaf = naive.leafHashes[index]!;
      const root = roots[size]!;
      expect(verifyInclusion(leaf, index, size, proof, root)).toBe(true);
      for (let i = 0; i < proof.length; i++) {
        for (let byte = 0; byte < 32; byte++) expect(verifyInclusion(leaf, index, size, flip(proof, i, byte, 1 << (byte % 8)), root)).toBe(false);
      }
      const flippedLeaf = leaf.slice();
      flippedLeaf[31]! ^= 0x80;
      expect(verifyInclusion(flippedLeaf, index, size, proof, root)).toBe(false);
      const flippedRoot = root.slice();
      flippedRoot[0]! ^= 1;
      expect(verifyInclusion(leaf, index, size, proof, flippedRoot)).toBe(false);
      for (let other = 0; other < size; other++) {
        if (other !== index) expect(verifyInclusion(leaf, other, size, proof, root), `index ${other} for ${index}`).toBe(false);
      }
      for (let otherSize = index + 1; otherSize <= Math.min(MAX, size * 2 + 3); otherSize++) {
        if (otherSize !== size) expect(verifyInclusion(leaf, index, otherSize, proof, roots[otherSize]!), `size ${otherSize}`).toBe(false);
      }
      expect(verifyInclusion(leaf, index, size, [...proof, root], root)).toBe(false);
      expect(verifyInclusion(leaf, index, size, [root, ...proof], root)).toBe(false);
      expect(verifyInclusion(leaf, index, size, proof.slice(0, -1), root)).toBe(false);
      expect(verifyInclusion(leaf, index, size, [...proof.slice(0, -1), new Uint8Array(31)], root)).toBe(false);
    }
  });

  it('a consistency proof fails when any byte, either size (with real roots), a root or its length changes', () => {
    for (const [m, n] of [[1, 2], [2, 5], [3, 7], [6, 8], [7, 8], [100, 257], [256, 4096], [1000, 1025], [3001, 4200]] as const) {
      const proof = proveTree(m, n, store);
      const [r1, r2] = [roots[m]!, roots[n]!];
      expect(verifyConsistency(m, n, proof, r1, r2)).toBe(true);
      for (let i = 0; i < proof.length; i++) {
        for (let byte = 0; byte < 32; byte++) expect(verifyConsistency(m, n, flip(proof, i, byte, 1 << (byte % 8)), r1, r2)).toBe(false);
      }
      for (let m2 = 1; m2 <= n; m2++) if (m2 !== m) expect(verifyConsistency(m2, n, proof, roots[m2]!, r2), `old ${m2}`).toBe(false);
      for (let n2 = m; n2 <= Math.min(MAX, 2 * n + 3); n2++) if (n2 !== n) expect(verifyConsistency(m, n2, proof, r1, roots[n2]!), `new ${n2}`).toBe(false);
      expect(verifyConsistency(m, n, proof, r2, r1)).toBe(false);
      expect(verifyConsistency(m, n, [], r1, r2)).toBe(false);
      expect(verifyConsistency(m, n, proof.slice(0, -1), r1, r2)).toBe(false);
      expect(verifyConsistency(m, n, [...proof, r1], r1, r2)).toBe(false);
      expect(verifyConsistency(m, n, [r2, ...proof], r1, r2)).toBe(false);
      expect(verifyConsistency(m, n, [proof[0]!, ...proof], r1, r2)).toBe(false);
    }
  });

  it('rejects impossible arguments when proving', () => {
    expect(() => proveRecord(5, 5, store)).toThrow(/not in a tree of size 5/);
    expect(() => proveRecord(-1, 5, store)).toThrow(RangeError);
    expect(() => proveRecord(0.5, 5, store)).toThrow(RangeError);
    expect(() => proveTree(6, 5, store)).toThrow(/larger than new size/);
    expect(() => treeHash(MAX + 1, store)).toThrow(/outside/);
  });
});

describe('stored hashes', () => {
  it('a log of N leaves stores storedHashCount(N) < 2N hashes, each leaf’s block starting at storedHashIndex(0, n)', () => {
    const s = new MemoryHashStore();
    for (let n = 0; n < 3000; n++) {
      expect(s.storedCount).toBe(storedHashCount(n));
      expect(storedHashIndex(0, n)).toBe(s.storedCount);
      s.appendLeaf(leaves[n]!);
      expect(s.storedCount).toBeLessThan(2 * (n + 1));
    }
  });

  it('every stored slot holds the naive hash of the complete subtree it names, and split inverts the index', () => {
    const count = storedHashCount(MAX);
    for (let index = 0; index < count; index++) {
      const { level, n } = splitStoredHashIndex(index);
      expect(storedHashIndex(level, n)).toBe(index);
      const lo = n * 2 ** level;
      expect(bytesEqual(store.readHashes([index])[0]!, naive.mth(lo, lo + 2 ** level)), `slot ${index} = (${level}, ${n})`).toBe(true);
    }
  });

  it('index math holds far beyond 2^32 leaves (no 32-bit truncation)', () => {
    for (const n of [2 ** 33 + 5, 2 ** 40 - 1, 2 ** 45 + 12345]) {
      for (const level of [0, 1, 5, 20]) {
        const at = Math.floor(n / 2 ** level);
        const i = storedHashIndex(level, at);
        expect(i).toBeGreaterThan(2 ** 32);
        expect(splitStoredHashIndex(i)).toEqual({ level, n: at });
      }
      expect(appendReadIndexes(n).length).toBe(n.toString(2).length - n.toString(2).replace(/1+$/, '').length);
    }
  });
});

/**
 * Reference vectors of Certificate Transparency (RFC 6962 / RFC 9162 hashing): the eight leaves, the roots of the
 * trees of size 1..8, and the inclusion and consistency proofs, as published in
 * github.com/transparency-dev/merkle, proof/verify_test.go (leaves, roots, inclusionProofs, consistencyProofs;
 * the same values as google/certificate-transparency-go's merkletree tests). The leaf index in inclusionProofs is
 * 1-based there; it is 0-based here.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/transparency/bytes.js';
import {
  consistencyProof,
  emptyTreeHash,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../src/transparency/merkle.js';
import { MemoryHashStore } from '../../src/transparency/memory-hash-store.js';
import { proveRecord, proveTree, storedHashIndex } from '../../src/transparency/stored-hashes.js';

const h = (hex: string): Uint8Array => fromHex(hex)!;

const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(h);

const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const INCLUSION: { index: number; size: number; proof: string[] }[] = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

const CONSISTENCY: { m: number; n: number; proof: string[] }[] = [
  { m: 1, n: 1, proof: [] },
  {
    m: 1,
    n: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    m: 6,
    n: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    m: 2,
    n: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    m: 6,
    n: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const leafHashes = LEAVES.map((l) => leafHash(l));
const store = new MemoryHashStore();
for (const l of LEAVES) store.appendLeaf(l);
const getHash = (level: number, n: number): Uint8Array => store.readHashes([storedHashIndex(level, n)])[0]!;
describe('RFC 6962/9162 reference values (transparency-dev/merkle proof/verify_test.go)', () => {
  it('empty tree, leaf and node hashes', () => {
    // transparency-dev/merkle rfc6962/rfc6962_test.go: empty tree = SHA-256(""), leaf "" = 6e340b…
    expect(toHex(emptyTreeHash())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(leafHash(new Uint8Array(0)))).toBe(ROOTS[0]);
    expect(toHex(nodeHash(leafHashes[0]!, leafHashes[1]!))).toBe(ROOTS[1]);
  });

  it('roots of the trees of size 1..8, three ways', () => {
    for (let size = 1; size <= 8; size++) {
      expect(toHex(rootFromLeafHashes(leafHashes.slice(0, size))), `size ${size}`).toBe(ROOTS[size - 1]);
      expect(toHex(store.rootHash(size)), `stored size ${size}`).toBe(ROOTS[size - 1]);
    }
  });

  it('inclusion proofs are generated exactly and verify', () => {
    for (const v of INCLUSION) {
      const want = v.proof;
      expect(inclusionProof(v.index, v.size, getHash).map(toHex), `${v.index}/${v.size}`).toEqual(want);
      expect(proveRecord(v.index, v.size, store).map(toHex)).toEqual(want);
      expect(verifyInclusion(leafHashes[v.index]!, v.index, v.size, want.map(h), h(ROOTS[v.size - 1]!))).toBe(true);
    }
  });

  it('consistency proofs are generated exactly and verify', () => {
    for (const v of CONSISTENCY) {
      expect(consistencyProof(v.m, v.n, getHash).map(toHex), `${v.m}→${v.n}`).toEqual(v.proof);
      expect(proveTree(v.m, v.n, store).map(toHex)).toEqual(v.proof);
      expect(verifyConsistency(v.m, v.n, v.proof.map(h), h(ROOTS[v.m - 1]!), h(ROOTS[v.n - 1]!))).toBe(true);
    }
  });

  it('edge cases from the same suite', () => {
    const some = h('abacaba000000000000000000000000000000000000000000060061e00123456');
    const empty = emptyTreeHash();
    // Invalid index/size combinations never verify.
    for (const [i, s] of [[0, 0], [1, 0], [2, 1]] as const) {
      expect(verifyInclusion(some, i, s, [], empty)).toBe(false);
    }
    // A one-leaf tree: root equals the leaf hash, proof empty; a mismatching root fails.
    expect(verifyInclusion(leafHashes[0]!, 0, 1, [], leafHashes[0]!)).toBe(true);
    expect(verifyInclusion(leafHashes[0]!, 0, 1, [], some)).toBe(false);
    // Consistency: trivially consistent sizes, time travel, empty proofs, non-empty proofs where none belong.
    expect(verifyConsistency(0, 0, [], empty, empty)).toBe(true);
    expect(verifyConsistency(0, 1, [], empty, some)).toBe(true);
    expect(verifyConsistency(1, 1, [], some, some)).toBe(true);
    expect(verifyConsistency(1, 1, [], some, empty)).toBe(false);
    expect(verifyConsistency(1, 0, [], some, empty)).toBe(false);
    expect(verifyConsistency(2, 1, [], some, empty)).toBe(false);
    expect(verifyConsistency(1, 2, [], some, empty)).toBe(false);
    expect(verifyConsistency(0, 1, [empty], empty, empty)).toBe(false);
    expect(verifyConsistency(1, 1, [empty], empty, empty)).toBe(false);
  });
});

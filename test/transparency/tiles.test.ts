/**
 * C2SP tlog-tiles: paths (canonical only), which tiles exist at a size (the spec's own examples), and tile bytes
 * for sizes crossing tile boundaries, checked hash by hash against the naive MTH of the leaf ranges the spec
 * defines: tile (L, N) hash i = MTH(D[(256N + i)·256^L : (256N + i + 1)·256^L]).
 */
import { describe, expect, it } from 'vitest';
import { bytesEqual, toHex } from '../../src/transparency/bytes.js';
import { MemoryHashStore } from '../../src/transparency/memory-hash-store.js';
import { storedHashCount, storedHashIndex, type HashReader } from '../../src/transparency/stored-hashes.js';
import {
  encodeEntryBundle,
  encodeTileIndex,
  entryBundlePath,
  hashFromTile,
  newTiles,
  parseEntryBundle,
  parseTilePath,
  readTile,
  tileForHash,
  tilePath,
  type Tile,
} from '../../src/transparency/tiles.js';
import { NaiveTree, seededBytes, seededInt } from './naive-merkle.js';

describe('tile paths', () => {
  it('encodes N in x-prefixed groups of three digits', () => {
    expect(encodeTileIndex(0)).toBe('000');
    expect(encodeTileIndex(5)).toBe('005');
    expect(encodeTileIndex(999)).toBe('999');
    expect(encodeTileIndex(1000)).toBe('x001/000');
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067'); // the spec's example
    expect(encodeTileIndex(2 ** 40)).toBe('x001/x099/x511/x627/776');
  });

  it('formats full and partial hash tiles and entry bundles', () => {
    expect(tilePath({ level: 0, index: 0, width: 256 })).toBe('tile/0/000');
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe('tile/0/x001/x234/067');
    expect(tilePath({ level: 1, index: 3, width: 17 })).toBe('tile/1/003.p/17');
    expect(tilePath({ level: 2, index: 0, width: 1 })).toBe('tile/2/000.p/1');
    expect(entryBundlePath(273, 112)).toBe('tile/entries/273.p/112');
    expect(entryBundlePath(1000)).toBe('tile/entries/x001/000');
    expect(() => tilePath({ level: 0, index: 0, width: 0 })).toThrow(/width/);
    expect(() => tilePath({ level: 0, index: 0, width: 257 })).toThrow(/width/);
    expect(() => tilePath({ level: 64, index: 0, width: 1 })).toThrow(/level/);
  });

  it('parses canonical paths back and refuses every other spelling', () => {
    for (const t of [{ level: 0, index: 0, width: 256 }, { level: 3, index: 1234067, width: 9 }, { level: 63, index: 999, width: 255 }]) {
      expect(parseTilePath(tilePath(t))).toEqual({ kind: 'hashes', tile: t });
    }
    expect(parseTilePath('tile/entries/x001/x234/067.p/5')).toEqual({ kind: 'entries', index: 1234067, width: 5 });
    for (const bad of [
      'tile/0/1', 'tile/0/0001', 'tile/00/000', 'tile/0/x000/001', 'tile/0/001/002', 'tile/0/x001', 'tile/0/000.p/0',
      'tile/0/000.p/256', 'tile/0/000.p/007', 'tile/64/000', 'tile/-1/000', 'tile/0/000/', '/tile/0/000', 'tile/entries/000.p/',
      'tile/0/x001/x234/067.p/5/', 'tile/data/000', 'tile/0/x1a3/000',
    ]) {
      expect(() => parseTilePath(bad), bad).toThrow();
    }
  });
});

describe('which tiles exist', () => {
  const summary = (tiles: Tile[]): string[] => {
    const byLevel = new Map<string, number>();
    for (const t of tiles) {
      const key = t.width === 256 ? `L${t.level} full` : `L${t.level} partial ${t.width}`;
      byLevel.set(key, (byLevel.get(key) ?? 0) + 1);
    }
    return [...byLevel].map(([k, v]) => `${v}× ${k}`);
  };

  it('matches the spec: size 70,000 and size 256', () => {
    expect(summary(newTiles(0, 70000))).toEqual(['273× L0 full', '1× L0 partial 112', '1× L1 full', '1× L1 partial 17', '1× L2 partial 1']);
    expect(summary(newTiles(0, 256))).toEqual(['1× L0 full', '1× L1 partial 1']);
    expect(newTiles(0, 0)).toEqual([]);
  });

  it('lists only new or grown tiles when the log grows', () => {
    expect(newTiles(255, 257)).toEqual([
      { level: 0, index: 0, width: 256 },
      { level: 0, index: 1, width: 1 },
      { level: 1, index: 0, width: 1 },
    ]);
    expect(newTiles(257, 257)).toEqual([]);
    expect(newTiles(257, 258)).toEqual([{ level: 0, index: 1, width: 2 }]);
    expect(newTiles(65535, 65537)).toEqual([
      { level: 0, index: 255, width: 256 },
      { level: 0, index: 256, width: 1 },
      { level: 1, index: 0, width: 256 },
      { level: 2, index: 0, width: 1 },
    ]);
  });
});

describe('tile contents', () => {
  const TOTAL = 65537;
  const bytes = seededBytes(99);
  const leaves = Array.from({ length: TOTAL }, (_, i) => bytes(8 + (i % 40)));
  const naive = new NaiveTree(leaves);
  const store = new MemoryHashStore();
  for (const l of leaves) store.appendLeaf(l);

  /** Only what a log of `size` leaves has stored: a tile for that size must not need more. */
  const readerAt = (size: number): HashReader => ({
    readHashes(indexes) {
      const limit = storedHashCount(size);
      for (const i of indexes) if (i >= limit) throw new Error(`stored hash ${i} does not exist at size ${size}`);
      return store.readHashes(indexes);
    },
  });

  it.each([255, 256, 257, 65536, 65537])('every tile of a tree of size %i holds the MTH of its spec-defined ranges', (size) => {
    const tiles = newTiles(0, size);
    for (const tile of tiles) {
      const data = readTile(tile, readerAt(size));
      expect(data.length).toBe(32 * tile.width);
      const span = 256 ** tile.level;
      for (let i = 0; i < tile.width; i++) {
        const lo = (tile.index * 256 + i) * span;
        expect(bytesEqual(data.subarray(i * 32, i * 32 + 32), naive.mth(lo, lo + span)), `${tilePath(tile)} hash ${i}`).toBe(true);
      }
    }
    const partials = tiles.filter((t) => t.width < 256).map(tilePath);
    expect(partials).toEqual(
      { 255: ['tile/0/000.p/255'], 256: ['tile/1/000.p/1'], 257: ['tile/0/001.p/1', 'tile/1/000.p/1'], 65536: ['tile/2/000.p/1'], 65537: ['tile/0/256.p/1', 'tile/2/000.p/1'] }[size],
    );
  });

  it('a partial tile is a prefix of the full tile it grows into', () => {
    const partial = readTile({ level: 0, index: 1, width: 100 }, store);
    const full = readTile({ level: 0, index: 1, width: 256 }, store);
    expect(toHex(full.subarray(0, partial.length))).toBe(toHex(partial));
  });

  it('any complete subtree hash can be rebuilt from the one tile that covers it', () => {
    const int = seededInt(5);
    for (let k = 0; k < 300; k++) {
      const level = int(17);
      const count = Math.floor(TOTAL / 2 ** level);
      if (count === 0) continue;
      const n = int(count);
      const tile = tileForHash(level, n);
      const got = hashFromTile(tile, readTile(tile, store), level, n);
      expect(toHex(got), `(${level}, ${n}) from ${tilePath(tile)}`).toBe(toHex(store.readHashes([storedHashIndex(level, n)])[0]!));
    }
    expect(() => hashFromTile({ level: 0, index: 0, width: 4 }, new Uint8Array(128), 0, 9)).toThrow(/not inside/);
    expect(() => hashFromTile({ level: 0, index: 0, width: 4 }, new Uint8Array(100), 0, 1)).toThrow(/bytes/);
  });
});

describe('entry bundles', () => {
  it('encodes each entry as a big-endian uint16 length then its bytes, and parses back', () => {
    const entries = [new Uint8Array([0x61]), new Uint8Array(0), new Uint8Array(300).fill(7)];
    const bundle = encodeEntryBundle(entries);
    expect(toHex(bundle.subarray(0, 7))).toBe('000161' + '0000' + '012c');
    expect(bundle.length).toBe(2 + 1 + 2 + 0 + 2 + 300);
    expect(parseEntryBundle(bundle, 3)).toEqual(entries);
    const max = new Uint8Array(0xffff).fill(1);
    expect(parseEntryBundle(encodeEntryBundle([max]))[0]!.length).toBe(0xffff);
  });

  it('refuses what cannot be encoded and what is truncated or miscounted', () => {
    expect(() => encodeEntryBundle([new Uint8Array(0x10000)])).toThrow(/at most 65535/);
    expect(() => encodeEntryBundle([])).toThrow(/1\.\.256/);
    expect(() => encodeEntryBundle(Array.from({ length: 257 }, () => new Uint8Array(1)))).toThrow(/1\.\.256/);
    const bundle = encodeEntryBundle([new Uint8Array([1, 2, 3]), new Uint8Array([4])]);
    expect(() => parseEntryBundle(bundle.subarray(0, bundle.length - 1))).toThrow(/needs 1 bytes/);
    expect(() => parseEntryBundle(bundle.subarray(0, 6))).toThrow(/truncated length/);
    expect(() => parseEntryBundle(bundle, 3)).toThrow(/expected 3 entries, found 2/);
  });
});

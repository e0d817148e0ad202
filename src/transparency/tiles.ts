/**
 * C2SP tlog-tiles (https://c2sp.org/tlog-tiles): the log's Merkle tree served as static "tiles" of 256 hashes.
 * A tile at level L, index N holds the hashes of the complete subtrees of height 8·L for leaves
 * [(256N + i)·256^L, (256N + i + 1)·256^L), i < W — exactly stored hashes (8·L, 256N + i), so a tile is a batch
 * read from the hash store. Entries are served alongside as "entry bundles" of up to 256 length-prefixed entries.
 *
 *   tile/<L>/<N>[.p/<W>]         hash tile (32·W bytes), W < 256 only for the right-most, partial tile
 *   tile/entries/<N>[.p/<W>]     entry bundle
 *
 * N is written in groups of three digits, all but the last prefixed with "x" (1234067 → x001/x234/067), so the
 * tiles can sit in a filesystem and be served as they are.
 */
import { checkCount, HASH_SIZE, rootFromLeafHashes } from './merkle.js';
import { sha256, type HashFn } from './sha256.js';
import { storedHashIndex, type HashReader } from './stored-hashes.js';

/** Tree levels per tile: 2^8 = 256 hashes in a full tile (the spec's fixed height). */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** Largest entry an entry bundle can hold (uint16 length prefix). */
export const MAX_ENTRY_BYTES = 0xffff;

export interface Tile {
  /** Tile level (0 = leaf hashes). */
  level: number;
  /** Tile index within its level. */
  index: number;
  /** Number of hashes, 1..256 (256 = full). */
  width: number;
}

export class TilePathError extends Error {
  override name = 'TilePathError';
}

function checkTile(tile: Tile): void {
  checkCount('tile level', tile.level);
  checkCount('tile index', tile.index);
  if (tile.level > 63) throw new RangeError(`tile level must be 0..63, got ${tile.level}`);
  if (!Number.isInteger(tile.width) || tile.width < 1 || tile.width > TILE_WIDTH) {
    throw new RangeError(`tile width must be 1..${TILE_WIDTH}, got ${String(tile.width)}`);
  }
}

/** 1234067 → "x001/x234/067"; 5 → "005". */
export function encodeTileIndex(n: number): string {
  checkCount('tile index', n);
  let s = String(n % 1000).padStart(3, '0');
  for (let rest = Math.floor(n / 1000); rest > 0; rest = Math.floor(rest / 1000)) {
    s = `x${String(rest % 1000).padStart(3, '0')}/${s}`;
  }
  return s;
}

const widthSuffix = (width: number): string => (width === TILE_WIDTH ? '' : `.p/${width}`);

/** Path of a hash tile, relative to the log prefix: `tile/<L>/<N>[.p/<W>]`. */
export function tilePath(tile: Tile): string {
  checkTile(tile);
  return `tile/${tile.level}/${encodeTileIndex(tile.index)}${widthSuffix(tile.width)}`;
}

/** Path of an entry bundle (entries 256N … 256N+W-1), relative to the log prefix: `tile/entries/<N>[.p/<W>]`. */
export function entryBundlePath(index: number, width: number = TILE_WIDTH): string {
  checkTile({ level: 0, index, width });
  return `tile/entries/${encodeTileIndex(index)}${widthSuffix(width)}`;
}

export type ParsedTilePath = { kind: 'hashes'; tile: Tile } | { kind: 'entries'; index: number; width: number };

/**
 * Parses a path relative to the log prefix (as a router would see it) and accepts only the canonical spelling:
 * two spellings of one tile would split caches and let a client fetch one resource under another name.
 */
export function parseTilePath(path: string): ParsedTilePath {
  const m = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (!m) throw new TilePathError(`not a tile path: expected tile/<level>/<N>[.p/<width>] or tile/entries/<N>[.p/<width>]`);
  const groups = m[2]!.split('/').map((g) => g.replace(/^x/, ''));
  if (groups.length > 1 && groups[0] === '000') throw new TilePathError('tile index has a leading zero group');
  if (groups.length > 6) throw new TilePathError('tile index is too large');
  const index = groups.reduce((acc, g) => acc * 1000 + Number(g), 0);
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
  if (m[3] !== undefined && width >= TILE_WIDTH) throw new TilePathError(`partial tile width must be 1..${TILE_WIDTH - 1}, got ${width}`);
  if (m[1] === 'entries') return { kind: 'entries', index, width };
  const level = Number(m[1]);
  if (level > 63) throw new TilePathError(`tile level must be 0..63, got ${level}`);
  return { kind: 'hashes', tile: { level, index, width } };
}

/** Number of hashes at tile level L for a tree of `size` leaves: ⌊size / 256^L⌋. */
function hashesAtLevel(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/**
 * Tiles whose content exists at `newSize` but not (or not fully) at `oldSize`: what to publish after growing the
 * log, full tiles and each level's new partial tile. newTiles(0, size) lists every tile of the tree.
 */
export function newTiles(oldSize: number, newSize: number): Tile[] {
  checkCount('old size', oldSize);
  checkCount('new size', newSize);
  if (oldSize > newSize) throw new RangeError(`old size ${oldSize} is larger than new size ${newSize}`);
  const out: Tile[] = [];
  for (let level = 0; hashesAtLevel(newSize, level) > 0; level++) {
    const oldCount = hashesAtLevel(oldSize, level);
    const newCount = hashesAtLevel(newSize, level);
    for (let n = Math.floor(oldCount / TILE_WIDTH); n * TILE_WIDTH < newCount; n++) {
      const width = Math.min(TILE_WIDTH, newCount - n * TILE_WIDTH);
      const oldWidth = Math.max(0, Math.min(TILE_WIDTH, oldCount - n * TILE_WIDTH));
      if (width > oldWidth) out.push({ level, index: n, width });
    }
  }
  return out;
}

/** Stored hash indexes of a tile's hashes, in tile order. */
export function tileHashIndexes(tile: Tile): number[] {
  checkTile(tile);
  const out: number[] = [];
  for (let i = 0; i < tile.width; i++) out.push(storedHashIndex(TILE_HEIGHT * tile.level, tile.index * TILE_WIDTH + i));
  return out;
}

/** A tile's bytes: its hashes concatenated (32·width bytes). */
export function tileFromHashes(hashes: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(hashes.length * HASH_SIZE);
  hashes.forEach((h, i) => {
    if (h.length !== HASH_SIZE) throw new RangeError(`tile hash ${i} is ${h.length} bytes, expected ${HASH_SIZE}`);
    out.set(h, i * HASH_SIZE);
  });
  return out;
}

/** Builds a tile's bytes with one batched read from the hash store. */
export function readTile(tile: Tile, reader: HashReader): Uint8Array {
  const indexes = tileHashIndexes(tile);
  const hashes = reader.readHashes(indexes);
  if (hashes.length !== indexes.length) throw new Error(`readHashes returned ${hashes.length} hashes for ${indexes.length}`);
  return tileFromHashes(hashes);
}

/** The smallest tile holding what is needed to compute the complete subtree hash (level, n). */
export function tileForHash(level: number, n: number): Tile {
  checkCount('level', level);
  checkCount('n', n);
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const span = 2 ** (level - tileLevel * TILE_HEIGHT); // tile hashes under this subtree
  const first = n * span;
  const index = Math.floor(first / TILE_WIDTH);
  return { level: tileLevel, index, width: first + span - index * TILE_WIDTH };
}

/**
 * Computes the complete subtree hash (level, n) from the bytes of a tile that covers it (see tileForHash): the
 * levels between two tile levels are not served, a client rebuilds them from the tile's hashes.
 */
export function hashFromTile(tile: Tile, data: Uint8Array, level: number, n: number, hash: HashFn = sha256): Uint8Array {
  checkTile(tile);
  if (data.length !== tile.width * HASH_SIZE) {
    throw new RangeError(`tile data is ${data.length} bytes, expected ${tile.width * HASH_SIZE} for width ${tile.width}`);
  }
  const need = tileForHash(level, n);
  if (need.level !== tile.level || need.index !== tile.index || need.width > tile.width) {
    throw new RangeError(`subtree (${level}, ${n}) is not inside tile ${tilePath(tile)}`);
  }
  const span = 2 ** (level - tile.level * TILE_HEIGHT);
  const start = n * span - tile.index * TILE_WIDTH;
  const hashes: Uint8Array[] = [];
  for (let i = start; i < start + span; i++) hashes.push(data.slice(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  // A power-of-two run of complete-subtree hashes combines exactly like leaf hashes into their parent.
  return rootFromLeafHashes(hashes, hash);
}

/** Encodes entries as an entry bundle: each entry as a big-endian uint16 length followed by its bytes. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length === 0 || entries.length > TILE_WIDTH) {
    throw new RangeError(`an entry bundle holds 1..${TILE_WIDTH} entries, got ${entries.length}`);
  }
  let total = 0;
  entries.forEach((e, i) => {
    if (e.length > MAX_ENTRY_BYTES) throw new RangeError(`entry ${i} is ${e.length} bytes; at most ${MAX_ENTRY_BYTES} fit`);
    total += 2 + e.length;
  });
  const out = new Uint8Array(total);
  let at = 0;
  for (const e of entries) {
    out[at] = e.length >>> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/** Parses an entry bundle; with `expectedCount`, refuses a bundle holding a different number of entries. */
export function parseEntryBundle(bytes: Uint8Array, expectedCount?: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) throw new RangeError(`entry bundle: truncated length prefix at byte ${at}`);
    const len = (bytes[at]! << 8) | bytes[at + 1]!;
    if (at + 2 + len > bytes.length) throw new RangeError(`entry bundle: entry ${out.length} needs ${len} bytes, only ${bytes.length - at - 2} left`);
    out.push(bytes.slice(at + 2, at + 2 + len));
    at += 2 + len;
    if (out.length > TILE_WIDTH) throw new RangeError(`entry bundle: more than ${TILE_WIDTH} entries`);
  }
  if (expectedCount !== undefined && out.length !== expectedCount) {
    throw new RangeError(`entry bundle: expected ${expectedCount} entries, found ${out.length}`);
  }
  return out;
}

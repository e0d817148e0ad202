/**
 * Transparency log core: pure, synchronous Merkle code (RFC 9162) with an injectable SHA-256, C2SP signed notes,
 * checkpoints and tiles, the leaf format and proof bundles. Browser-safe: no node: imports; WebCrypto for Ed25519.
 */
export { sha256, type HashFn } from './sha256.js';
export { toBase64, fromBase64, toHex, fromHex, bytesEqual } from './bytes.js';
export {
  HASH_SIZE,
  leafHash,
  nodeHash,
  emptyTreeHash,
  rootFromLeafHashes,
  inclusionProof,
  consistencyProof,
  verifyInclusion,
  verifyConsistency,
  inclusionRanges,
  consistencyRanges,
  rangeSubtrees,
  type SubtreeHashGetter,
  type SubtreeCoord,
  type LeafRange,
} from './merkle.js';
export {
  storedHashIndex,
  splitStoredHashIndex,
  storedHashCount,
  appendReadIndexes,
  storedHashesFromReads,
  storedHashesForAppend,
  treeHashIndexes,
  treeHashFromHashes,
  treeHash,
  recordProofIndexes,
  treeProofIndexes,
  proofFromHashes,
  proveRecord,
  proveTree,
  type HashReader,
} from './stored-hashes.js';
export { MemoryHashStore } from './memory-hash-store.js';
export {
  TILE_HEIGHT,
  TILE_WIDTH,
  MAX_ENTRY_BYTES,
  TilePathError,
  encodeTileIndex,
  tilePath,
  entryBundlePath,
  parseTilePath,
  newTiles,
  tileHashIndexes,
  tileFromHashes,
  readTile,
  tileForHash,
  hashFromTile,
  encodeEntryBundle,
  parseEntryBundle,
  type Tile,
  type ParsedTilePath,
} from './tiles.js';
export {
  NoteError,
  MAX_NOTE_SIGNATURES,
  isValidKeyName,
  noteKeyId,
  formatVerifierKey,
  parseVerifierKey,
  createNoteVerifier,
  createNoteSigner,
  generateNoteKey,
  formatNote,
  parseNote,
  signNote,
  openNote,
  type Note,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  type OpenedNote,
} from './note.js';
export {
  CheckpointError,
  formatCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  openCheckpoint,
  type Checkpoint,
} from './checkpoint.js';
export { LEAF_KINDS, LeafError, validateLeaf, encodeLeaf, decodeLeaf, type LeafKind, type LogLeaf } from './leaf.js';
export { buildProofBundle, verifyProofBundle, type ProofBundle, type ProofBundleResult } from './proof-bundle.js';

/**
 * The answer of GET /log/proof/:documentId, and its verification — pure and browser-safe, for src/verify:
 *
 *   { "index": N, "tree_size": S, "leaf": {…leaf JSON…}, "proof": ["base64", …], "checkpoint": "<signed note>" }
 *
 * Verifying needs only the log's verifier key: open the checkpoint (Ed25519), re-encode the leaf as canonical
 * JSON, hash it (SHA-256, RFC 9162 leaf hash) and walk the proof up to the checkpoint's root.
 */
import { fromBase64, toBase64 } from './bytes.js';
import { CheckpointError, openCheckpoint, type Checkpoint } from './checkpoint.js';
import { encodeLeaf, LeafError, validateLeaf, type LogLeaf } from './leaf.js';
import { HASH_SIZE, leafHash, verifyInclusion } from './merkle.js';

export interface ProofBundle {
  index: number;
  tree_size: number;
  leaf: LogLeaf;
  /** Inclusion proof hashes, standard base64, nearest the leaf first. */
  proof: string[];
  /** The signed checkpoint (C2SP note) for tree_size. */
  checkpoint: string;
}

export type ProofBundleResult =
  | { ok: true; index: number; treeSize: number; leaf: LogLeaf; checkpoint: Checkpoint }
  | { ok: false; reason: string };

/** Assembles the JSON answer (server side). */
export function buildProofBundle(args: {
  index: number;
  treeSize: number;
  leaf: LogLeaf;
  proof: readonly Uint8Array[];
  checkpoint: string;
}): ProofBundle {
  return {
    index: args.index,
    tree_size: args.treeSize,
    leaf: validateLeaf(args.leaf),
    proof: args.proof.map(toBase64),
    checkpoint: args.checkpoint,
  };
}

const fail = (reason: string): ProofBundleResult => ({ ok: false, reason });
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Checks a proof bundle (untrusted JSON) against the log's verifier key. With `documentId`, also insists the leaf
 * is about that document. Never throws for bad input: the reason says what failed.
 */
export async function verifyProofBundle(
  bundle: unknown,
  verifierKey: string,
  options: { documentId?: string; origin?: string } = {},
): Promise<ProofBundleResult> {
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) return fail('proof bundle must be a JSON object');
  const b = bundle as Record<string, unknown>;
  if (!isCount(b.index)) return fail('"index" must be a whole number ≥ 0');
  if (!isCount(b.tree_size)) return fail('"tree_size" must be a whole number ≥ 0');
  if (b.index >= b.tree_size) return fail(`"index" ${b.index} is not inside a tree of ${b.tree_size} leaves`);
  if (typeof b.checkpoint !== 'string') return fail('"checkpoint" must be the signed checkpoint text');
  if (!Array.isArray(b.proof) || b.proof.length > 64) return fail('"proof" must be an array of at most 64 base64 hashes');
  const proof: Uint8Array[] = [];
  for (const [i, p] of b.proof.entries()) {
    const h = typeof p === 'string' ? fromBase64(p) : null;
    if (h === null || h.length !== HASH_SIZE) return fail(`"proof"[${i}] must be base64 of a ${HASH_SIZE}-byte hash`);
    proof.push(h);
  }

  let leaf: LogLeaf;
  try {
    leaf = validateLeaf(b.leaf);
  } catch (e) {
    if (e instanceof LeafError) return fail(e.message);
    throw e;
  }
  if (leaf.seq !== b.index) return fail(`the leaf says it is entry ${leaf.seq}, but the proof is for index ${b.index}`);
  if (options.documentId !== undefined && leaf.documentId !== options.documentId) {
    return fail(`the leaf is about document ${leaf.documentId}, not ${options.documentId}`);
  }

  let checkpoint: Checkpoint;
  try {
    checkpoint = await openCheckpoint(b.checkpoint, verifierKey, options.origin === undefined ? {} : { origin: options.origin });
  } catch (e) {
    if (e instanceof CheckpointError) return fail(e.message);
    throw e;
  }
  if (checkpoint.size !== b.tree_size) return fail(`the checkpoint is for ${checkpoint.size} leaves, the proof for ${b.tree_size}`);

  if (!verifyInclusion(leafHash(encodeLeaf(leaf)), b.index, b.tree_size, proof, checkpoint.rootHash)) {
    return fail('the inclusion proof does not lead to the checkpoint root hash');
  }
  return { ok: true, index: b.index, treeSize: b.tree_size, leaf, checkpoint };
}

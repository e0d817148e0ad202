import {
  bytesEqual,
  CheckpointError,
  decodeLeaf,
  entryBundlePath,
  fromBase64,
  leafHash,
  nodeHash,
  openCheckpoint,
  parseEntryBundle,
  TILE_WIDTH,
  toBase64,
  verifyConsistency,
  type HashFn,
} from '../transparency/index.js';

/**
 * An independent monitor of a public log (`ekasarn log monitor`). It keeps the last checkpoint it accepted and a
 * compact range of the tree (the roots of its complete subtrees, O(log n) hashes), and on each run: checks the new
 * checkpoint's signature, that the log did not shrink or fork, the consistency proof from the old size, and that the
 * entries it downloads (C2SP entry bundles) hash to exactly the new root. Any failure is an alarm: someone rewrote,
 * removed or forked the history.
 */
export interface MonitorState {
  baseUrl: string;
  verifierKey: string;
  size: number;
  /** base64 */
  rootHash: string;
  /** Complete-subtree hashes of the tree, largest (leftmost) first, with their sizes. */
  frontier: { size: number; hash: string }[];
  checkedAt: string;
}

export type MonitorResult =
  | { ok: true; state: MonitorState; newLeaves: number; lines: string[] }
  | { ok: false; alarm: string; lines: string[] };

type Fetch = typeof globalThis.fetch;

async function getBytes(fetch: Fetch, url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Adds one leaf hash to a compact range (merging equal-size subtrees, as the tree does). */
function appendToFrontier(frontier: { size: number; hash: Uint8Array }[], h: Uint8Array, hash: HashFn | undefined): void {
  frontier.push({ size: 1, hash: h });
  while (frontier.length >= 2 && frontier[frontier.length - 1]!.size === frontier[frontier.length - 2]!.size) {
    const right = frontier.pop()!;
    const left = frontier.pop()!;
    frontier.push({ size: left.size * 2, hash: nodeHash(left.hash, right.hash, hash) });
  }
}

/** RFC 9162 root of the tree a compact range describes (right-most subtrees combine first). */
function frontierRoot(frontier: readonly { size: number; hash: Uint8Array }[], hash: HashFn | undefined): Uint8Array | null {
  if (frontier.length === 0) return null;
  let h = frontier[frontier.length - 1]!.hash;
  for (let i = frontier.length - 2; i >= 0; i--) h = nodeHash(frontier[i]!.hash, h, hash);
  return h;
}

export async function monitorOnce(opts: { baseUrl: string; verifierKey: string; state?: MonitorState | null; fetch?: Fetch; hash?: HashFn }): Promise<MonitorResult> {
  const fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const base = opts.baseUrl.replace(/\/+$/, '');
  const lines: string[] = [];
  const alarm = (text: string): MonitorResult => ({ ok: false, alarm: text, lines });
  const prev = opts.state ?? null;
  if (prev && prev.verifierKey !== opts.verifierKey) return alarm(`the log key differs from the one pinned in the state (${prev.verifierKey})`);

  let cp;
  try {
    cp = await openCheckpoint(await getBytes(fetch, `${base}/checkpoint`), opts.verifierKey);
  } catch (e) {
    if (e instanceof CheckpointError) return alarm(`checkpoint rejected: ${e.message}`);
    throw e;
  }
  lines.push(`checkpoint: size ${cp.size}, root ${toBase64(cp.rootHash)}`);
  const oldSize = prev?.size ?? 0;
  const oldRoot = prev ? fromBase64(prev.rootHash) : null;
  if (cp.size < oldSize) return alarm(`the log shrank from ${oldSize} to ${cp.size} entries (history removed)`);
  if (prev && cp.size === oldSize) {
    if (!oldRoot || !bytesEqual(oldRoot, cp.rootHash)) return alarm(`fork: size ${cp.size} had root ${prev.rootHash}, now ${toBase64(cp.rootHash)}`);
    lines.push('no new entries');
    return { ok: true, state: { ...prev, checkedAt: new Date().toISOString() }, newLeaves: 0, lines };
  }
  if (prev && oldSize > 0) {
    const body = (await (await fetch(`${base}/consistency?from=${oldSize}&to=${cp.size}`)).json()) as { proof?: string[] };
    const proof = (body.proof ?? []).map((p) => fromBase64(p));
    if (proof.some((p) => p === null) || !verifyConsistency(oldSize, cp.size, proof as Uint8Array[], oldRoot!, cp.rootHash, opts.hash)) {
      return alarm(`the log at ${cp.size} is not an extension of the log at ${oldSize} (consistency proof fails): history was rewritten`);
    }
    lines.push(`consistent with the previous checkpoint (size ${oldSize})`);
  }

  // Download and hash every new entry, continuing the compact range.
  const frontier = (prev?.frontier ?? []).map((f) => ({ size: f.size, hash: fromBase64(f.hash)! }));
  let index = oldSize;
  while (index < cp.size) {
    const bundle = Math.floor(index / TILE_WIDTH);
    const end = Math.min(cp.size, (bundle + 1) * TILE_WIDTH);
    const width = end - bundle * TILE_WIDTH;
    const entries = parseEntryBundle(await getBytes(fetch, `${base}/${entryBundlePath(bundle, width)}`), width);
    for (let i = index - bundle * TILE_WIDTH; i < width; i++) {
      const bytes = entries[i]!;
      let leaf;
      try {
        leaf = decodeLeaf(bytes);
      } catch (e) {
        return alarm(`entry ${bundle * TILE_WIDTH + i} is not a valid leaf: ${(e as Error).message}`);
      }
      if (leaf.seq !== bundle * TILE_WIDTH + i) return alarm(`entry ${bundle * TILE_WIDTH + i} claims sequence ${leaf.seq}`);
      appendToFrontier(frontier, leafHash(bytes, opts.hash), opts.hash);
    }
    index = end;
  }
  const root = frontierRoot(frontier, opts.hash);
  if (!root || !bytesEqual(root, cp.rootHash)) {
    return alarm(`the entries served do not hash to the signed root of size ${cp.size}: an entry was altered or replaced`);
  }
  lines.push(`checked ${cp.size - oldSize} new entr${cp.size - oldSize === 1 ? 'y' : 'ies'}: they hash to the signed root`);
  return {
    ok: true,
    newLeaves: cp.size - oldSize,
    lines,
    state: {
      baseUrl: base,
      verifierKey: opts.verifierKey,
      size: cp.size,
      rootHash: toBase64(cp.rootHash),
      frontier: frontier.map((f) => ({ size: f.size, hash: toBase64(f.hash) })),
      checkedAt: new Date().toISOString(),
    },
  };
}

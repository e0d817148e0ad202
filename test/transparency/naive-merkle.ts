/**
 * A second, deliberately naive Merkle implementation written straight from RFC 9162 §2.1 definitions — recursive
 * MTH (§2.1.1), PATH (§2.1.3.1), PROOF/SUBPROOF (§2.1.4.1) — hashing with node:crypto, not our SHA-256. The
 * library is checked against it. MTH results are memoised per leaf range only to keep the tests quick.
 */
import { createHash } from 'node:crypto';

export const nodeSha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());

export function naiveLeafHash(leaf: Uint8Array): Uint8Array {
  return nodeSha256(Buffer.concat([Buffer.from([0]), leaf]));
}

function naiveNode(l: Uint8Array, r: Uint8Array): Uint8Array {
  return nodeSha256(Buffer.concat([Buffer.from([1]), l, r]));
}

/** Largest power of two strictly less than n. */
function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

export class NaiveTree {
  readonly leafHashes: Uint8Array[];
  private memo = new Map<string, Uint8Array>();

  constructor(leaves: Uint8Array[]) {
    this.leafHashes = leaves.map(naiveLeafHash);
  }

  /** MTH(D[lo:hi]). */
  mth(lo: number, hi: number): Uint8Array {
    const n = hi - lo;
    if (n === 0) return nodeSha256(new Uint8Array(0));
    if (n === 1) return this.leafHashes[lo]!;
    const key = `${lo},${hi}`;
    const cached = this.memo.get(key);
    if (cached) return cached;
    const split = k(n);
    const h = naiveNode(this.mth(lo, lo + split), this.mth(lo + split, hi));
    this.memo.set(key, h);
    return h;
  }

  root(size: number): Uint8Array {
    return this.mth(0, size);
  }

  /** PATH(m, D[lo:hi]) with m relative to lo. */
  path(m: number, lo: number, hi: number): Uint8Array[] {
    const n = hi - lo;
    if (n === 1) return [];
    const split = k(n);
    if (m < split) return [...this.path(m, lo, lo + split), this.mth(lo + split, hi)];
    return [...this.path(m - split, lo + split, hi), this.mth(lo, lo + split)];
  }

  inclusion(index: number, size: number): Uint8Array[] {
    return this.path(index, 0, size);
  }

  /** SUBPROOF(m, D[lo:hi], b). */
  subproof(m: number, lo: number, hi: number, b: boolean): Uint8Array[] {
    const n = hi - lo;
    if (m === n) return b ? [] : [this.mth(lo, hi)];
    const split = k(n);
    if (m <= split) return [...this.subproof(m, lo, lo + split, b), this.mth(lo + split, hi)];
    return [...this.subproof(m - split, lo + split, hi, false), this.mth(lo, lo + split)];
  }

  consistency(m: number, n: number): Uint8Array[] {
    if (m === 0 || m === n) return [];
    return this.subproof(m, 0, n, true);
  }
}

/** Recomputes a root from an audit path by recursion on the tree shape (not the RFC's bit-walk). */
export function naiveRootFromPath(leafHash: Uint8Array, index: number, size: number, path: Uint8Array[]): Uint8Array | null {
  if (size === 1) return path.length === 0 ? leafHash : null;
  if (path.length === 0) return null;
  const split = k(size);
  const last = path[path.length - 1]!;
  const rest = path.slice(0, -1);
  if (index < split) {
    const left = naiveRootFromPath(leafHash, index, split, rest);
    return left && naiveNode(left, last);
  }
  const right = naiveRootFromPath(leafHash, index - split, size - split, rest);
  return right && naiveNode(last, right);
}

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
export function seededBytes(seed: number): (len: number) => Uint8Array {
  let s = seed >>> 0 || 1;
  return (len) => {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      out[i] = s & 0xff;
    }
    return out;
  };
}

export function seededInt(seed: number): (below: number) => number {
  const bytes = seededBytes(seed);
  return (below) => {
    const b = bytes(4);
    return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) % below;
  };
}

/**
 * A tiny deterministic PRNG (mulberry32) so every fuzz case can be replayed from (seed, case number) alone: each case
 * gets its own generator seeded from both, so case 7,123 can be rerun without generating the 7,122 before it.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Generator for case `index` of a run started with `seed` (independent of every other case). */
  static forCase(seed: number, index: number): Rng {
    // Mix both numbers (murmur3 finaliser) so neighbouring cases do not get correlated streams.
    let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index >>> 0, 0x85ebca6b)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return new Rng((h ^ (h >>> 16)) >>> 0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.below(items.length)]!;
  }

  /** Picks a key with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let x = this.next() * total;
    for (const [k, w] of entries) {
      x -= w;
      if (x < 0) return k;
    }
    return entries[entries.length - 1]![0];
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.below(256);
    return out;
  }

  /** Small lengths are far likelier than large ones (1, 2, 4 … up to max), as most interesting edits are small. */
  smallLength(max: number): number {
    const bits = this.int(0, Math.max(0, Math.floor(Math.log2(Math.max(1, max)))));
    return Math.min(max, Math.max(1, this.int(1 << bits, (1 << (bits + 1)) - 1)));
  }
}

/** Parses a seed given on a command line or in an environment variable (decimal or 0x-hex). */
export function parseSeed(text: string): number {
  if (!/^(0x[0-9a-f]{1,8}|[0-9]{1,10})$/i.test(text)) throw new Error(`seed must be a 32-bit number (decimal or 0x hex), got "${text}"`);
  const n = Number(text);
  if (n > 0xffffffff) throw new Error(`seed must fit in 32 bits, got ${text}`);
  return n >>> 0;
}

/**
 * When to try a failed webhook delivery again. Waits grow roughly fivefold (10 s, 30 s, 2 min, 10 min, 1 h, then 6 h
 * each time) so a receiver that is down for a day still gets its notifications, without being hammered while it
 * recovers. Each wait is spread by ±20 % jitter so that deliveries that failed together (a receiver outage) do not all
 * retry in the same second.
 */
export type Backoff = (failedAttempts: number) => number;

export const DEFAULT_BACKOFF_SCHEDULE_MS: readonly number[] = [10_000, 30_000, 120_000, 600_000, 3_600_000, 21_600_000];

export interface BackoffOptions {
  /** Waits after the 1st, 2nd, … failure; the last one repeats. */
  scheduleMs?: readonly number[];
  /** Upper bound of any wait, jitter included. Default: the last step of the schedule. */
  capMs?: number;
  /** Relative spread, 0 … 1 (default 0.2 = ±20 %). */
  jitter?: number;
  /** A number in [0, 1) per call; inject `seededRandom(seed)` for reproducible waits. Default Math.random. */
  random?: () => number;
}

export function exponentialBackoff(opts: BackoffOptions = {}): Backoff {
  const schedule = opts.scheduleMs ?? DEFAULT_BACKOFF_SCHEDULE_MS;
  if (schedule.length === 0 || schedule.some((ms) => !Number.isFinite(ms) || ms < 0)) throw new RangeError('backoff scheduleMs must be non-negative numbers');
  const cap = opts.capMs ?? schedule[schedule.length - 1]!;
  const jitter = Math.min(1, Math.max(0, opts.jitter ?? 0.2));
  const random = opts.random ?? Math.random;
  return (failedAttempts) => {
    const step = schedule[Math.min(Math.max(1, Math.trunc(failedAttempts)), schedule.length) - 1]!;
    const spread = 1 - jitter + 2 * jitter * random();
    return Math.round(Math.min(cap, step * spread));
  };
}

/** A small deterministic PRNG (mulberry32) for tests and reproducible schedules; not for secrets. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

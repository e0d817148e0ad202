/**
 * Collects the garbage-collection pauses a child Node process prints with `--trace-gc`, so a load test can tell
 * whether its tail latency lines up with GC. A line looks like
 *   [123:0x55d…]   10234 ms: Mark-Compact 61.2 (80.1) -> 40.3 (79.0) MB, 4.81 / 0.00 ms  (average mu = …) …
 * where the first figure after "MB," is the main-thread pause.
 */
export interface GcEvent {
  kind: string;
  pauseMs: number;
}

const LINE = /ms: ([A-Za-z][A-Za-z -]*?)(?: \([^)]*\))? [\d.]+ \([\d.]+\) -> [\d.]+ \([\d.]+\) MB, ([\d.]+) \/ [\d.]+ ms/;

export class GcTrace {
  readonly events: GcEvent[] = [];

  /** Feeds one line of the child's stdout; returns true when it was a GC line (so callers need not echo it). */
  line(text: string): boolean {
    const m = LINE.exec(text);
    if (!m) return false;
    this.events.push({ kind: m[1]!.trim(), pauseMs: Number(m[2]) });
    return true;
  }

  /** Pauses since a mark taken with `events.length`: counts and totals per kind, and the longest pause. */
  since(mark: number): { count: number; totalPauseMs: number; maxPauseMs: number; byKind: Record<string, { count: number; totalMs: number; maxMs: number }> } {
    const byKind: Record<string, { count: number; totalMs: number; maxMs: number }> = {};
    let total = 0;
    let max = 0;
    const slice = this.events.slice(mark);
    for (const e of slice) {
      const k = (byKind[e.kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
      k.count++;
      k.totalMs += e.pauseMs;
      k.maxMs = Math.max(k.maxMs, e.pauseMs);
      total += e.pauseMs;
      max = Math.max(max, e.pauseMs);
    }
    return { count: slice.length, totalPauseMs: total, maxPauseMs: max, byKind };
  }
}

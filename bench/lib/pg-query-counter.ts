/**
 * Counts queries sent to PostgreSQL by every pg.Client in this process (Kysely's pool clients included), to show
 * how many round trips an operation costs — on a network database, round trips rather than CPU set the rate.
 * Benchmark-only instrumentation: it wraps pg.Client.prototype.query until `restore()`.
 */
import pg from 'pg';

export interface QueryCounter {
  readonly count: number;
  restore(): void;
}

export function countPgQueries(): QueryCounter {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let count = 0;
  proto.query = function (this: unknown, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  return {
    get count() {
      return count;
    },
    restore() {
      proto.query = original;
    },
  };
}

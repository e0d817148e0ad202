// A small cache keyed by the exact bytes of a DER value. Browser-safe.
//
// Why: online and B-LT verifications see the same few CRLs and OCSP responses again and again; parsing them with
// asn1js/pkijs dominated the cost (and the garbage collector's). A value is found by a cheap hash of the bytes and
// then confirmed byte by byte, so a single changed byte is always a miss, never a wrong hit.
import { bytesEqual, fnv1a } from '../../verify/bytes.js';

interface Entry<V> {
  /** The cache's own copy: a caller changing its buffer later cannot change what is cached. */
  der: Uint8Array;
  value: V;
}

/**
 * Least-recently-used cache bounded both by entry count and by the total DER size it keeps alive (a parsed CRL
 * holds a tree many times its DER size). A value larger than the byte budget is simply not kept.
 */
export class ContentCache<V> {
  private readonly buckets = new Map<string, Entry<V>[]>();
  private entries = 0;
  private bytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  private static bucketKey(der: Uint8Array): string {
    return `${der.length}:${fnv1a(der)}`;
  }

  /** The entry for exactly these bytes, or undefined. A hit becomes the most recently used. */
  get(der: Uint8Array): { der: Uint8Array; value: V } | undefined {
    const key = ContentCache.bucketKey(der);
    const bucket = this.buckets.get(key);
    if (!bucket) return undefined;
    const hit = bucket.find((e) => bytesEqual(e.der, der));
    if (hit) {
      this.buckets.delete(key);
      this.buckets.set(key, bucket);
    }
    return hit;
  }

  /** Stores `value` for `own`, which must be a copy nobody else writes to. */
  set(own: Uint8Array, value: V): void {
    if (own.length > this.maxBytes) return;
    const key = ContentCache.bucketKey(own);
    const bucket = this.buckets.get(key) ?? [];
    const same = bucket.findIndex((e) => bytesEqual(e.der, own));
    if (same >= 0) {
      bucket[same] = { der: own, value };
    } else {
      bucket.push({ der: own, value });
      this.entries++;
      this.bytes += own.length;
    }
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    this.evict();
  }

  private evict(): void {
    while (this.entries > this.maxEntries || this.bytes > this.maxBytes) {
      const oldest = this.buckets.entries().next();
      if (oldest.done) return;
      const [key, bucket] = oldest.value;
      const gone = bucket.shift()!;
      this.entries--;
      this.bytes -= gone.der.length;
      if (bucket.length === 0) this.buckets.delete(key);
    }
  }

  clear(): void {
    this.buckets.clear();
    this.entries = 0;
    this.bytes = 0;
  }

  get size(): number {
    return this.entries;
  }
}

/** A parse outcome worth remembering: parsing is a pure function of the bytes, failures included. */
export type ParseOutcome<T> = { ok: T } | { error: string };

/** Parses through `cache`: the same bytes give the same (shared, read-only) result or the same error message. */
export function parseThrough<T>(cache: ContentCache<ParseOutcome<T>>, der: Uint8Array, parse: (own: Uint8Array) => T): T {
  // Wrong types and empty input are refused by the parser itself, with its own message.
  if (!(der instanceof Uint8Array) || der.length === 0) return parse(der);
  let outcome = cache.get(der)?.value;
  if (!outcome) {
    const own = der.slice();
    try {
      outcome = { ok: parse(own) };
    } catch (e) {
      outcome = { error: (e as Error).message };
    }
    cache.set(own, outcome);
  }
  if ('error' in outcome) throw new Error(outcome.error);
  return outcome.ok;
}

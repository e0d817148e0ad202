/**
 * Synthetic transparency-log events for benchmarks: ids and digests that pass the store's validators (22-character
 * base64url document ids, 64-hex SHA-256, slugs), made from one block of random bytes so generating a million of them
 * costs little next to what is being measured.
 */
import { randomBytes } from 'node:crypto';
import type { NewLogEvent } from '../../src/store/repos/log-events.js';

export const BENCH_AGENCY = 'bench-agency';
export const BENCH_TYPE = 'bench-certificate';

/** `n` random document ids (16 random bytes each, base64url → 22 characters, as newDocumentId makes them). */
export function randomDocumentIds(n: number): string[] {
  const bytes = randomBytes(16 * n);
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) ids[i] = bytes.subarray(16 * i, 16 * (i + 1)).toString('base64url');
  return ids;
}

/** A random SHA-256-shaped digest (the benchmark has no PDF to hash). */
export function randomSha256Hex(): string {
  return randomBytes(32).toString('hex');
}

/** `n` "issued" events for fresh documents, timestamps one millisecond apart from `start`. */
export function issuedEvents(n: number, start = Date.now()): NewLogEvent[] {
  const ids = randomDocumentIds(n);
  const digests = randomBytes(32 * n);
  return ids.map((documentId, i) => ({
    at: new Date(start + i).toISOString(),
    kind: 'issued',
    agencyId: BENCH_AGENCY,
    typeId: BENCH_TYPE,
    documentId,
    pdfSha256: digests.subarray(32 * i, 32 * (i + 1)).toString('hex'),
    successorId: null,
  }));
}

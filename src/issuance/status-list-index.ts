import { statusListCapacity } from '../domain/status-list.js';
import { countDocumentsOfType, reservedStatusIndexes, statusListIndexesTaken, type Executor } from '../store/index.js';

/**
 * `count` distinct random free positions in the agency/type status list: not used by a document and not reserved by
 * a pending bulk row (whose commit would collide later). Random, not sequential, so a position says nothing about when
 * a document was issued or which one it is. The capacity follows `expectedDocuments` — a counter kept by a bulk run,
 * not a COUNT per row — and the list stays at most half full, so a few rounds suffice.
 */
export async function chooseStatusListIndexes(trx: Executor, agencyId: string, typeId: string, count: number, expectedDocuments: number): Promise<number[]> {
  if (count === 0) return [];
  const capacity = statusListCapacity(expectedDocuments + 1);
  const chosen = new Set<number>();
  const random = new Uint32Array(count * 2);
  for (let round = 0; chosen.size < count; round++) {
    if (round >= 64) throw new Error(`no free status-list position found for ${agencyId}/${typeId} after 64 rounds`);
    globalThis.crypto.getRandomValues(random);
    const candidates = [...new Set([...random].map((v) => v % capacity))].filter((i) => !chosen.has(i)).slice(0, count - chosen.size);
    const taken = new Set([...(await statusListIndexesTaken(trx, agencyId, typeId, candidates)), ...(await reservedStatusIndexes(trx, agencyId, typeId, candidates))]);
    for (const c of candidates) if (!taken.has(c)) chosen.add(c);
  }
  return [...chosen];
}

/** One free position for a single issuance (inside its transaction, after the serial counter's row lock). */
export async function chooseStatusListIndex(trx: Executor, agencyId: string, typeId: string): Promise<number> {
  return (await chooseStatusListIndexes(trx, agencyId, typeId, 1, await countDocumentsOfType(trx, agencyId, typeId)))[0]!;
}

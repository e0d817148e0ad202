import { statusListCapacity } from '../domain/status-list.js';
import { countDocumentsOfType, reservedStatusIndexes, statusListIndexTaken, type Executor } from '../store/index.js';

/**
 * A random free position in the agency/type status list. Random (not sequential) so a position says nothing about
 * when a document was issued or which one it is; the list stays at most half full, so a few tries suffice.
 */
export async function chooseStatusListIndex(trx: Executor, agencyId: string, typeId: string): Promise<number> {
  const capacity = statusListCapacity((await countDocumentsOfType(trx, agencyId, typeId)) + 1);
  const random = new Uint32Array(1);
  for (let attempt = 0; attempt < 64; attempt++) {
    globalThis.crypto.getRandomValues(random);
    const index = random[0]! % capacity;
    // Positions reserved by pending bulk rows count as taken too, or that row's commit would collide later.
    if (!(await statusListIndexTaken(trx, agencyId, typeId, index)) && (await reservedStatusIndexes(trx, agencyId, typeId, [index])).size === 0) return index;
  }
  throw new Error(`no free status-list position found for ${agencyId}/${typeId} after 64 tries`);
}

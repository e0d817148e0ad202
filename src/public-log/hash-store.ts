import { createHash } from 'node:crypto';
import type { HashFn } from '../transparency/index.js';
import type { Executor } from '../store/index.js';

/** SHA-256 through node:crypto for the server side of the log (the Merkle code takes the hash as a parameter). */
export const nodeSha256: HashFn = (data) => new Uint8Array(createHash('sha256').update(data).digest());

/**
 * Reads stored hashes (tlog "stored hash" indexes) from `log_hashes`, in the order asked. `pending` holds hashes
 * written earlier in the same batch, not yet in the table.
 */
export async function readStoredHashes(db: Executor, indexes: readonly number[], pending?: Map<number, Uint8Array>): Promise<Uint8Array[]> {
  const out: (Uint8Array | undefined)[] = indexes.map((i) => pending?.get(i));
  const missing = [...new Set(indexes.filter((_, k) => out[k] === undefined))];
  if (missing.length) {
    const found = new Map<number, Uint8Array>();
    for (let i = 0; i < missing.length; i += 500) {
      const rows = await db.selectFrom('log_hashes').select(['idx', 'hash']).where('idx', 'in', missing.slice(i, i + 500)).execute();
      for (const r of rows) found.set(Number(r.idx), new Uint8Array(r.hash));
    }
    indexes.forEach((idx, k) => {
      if (out[k] === undefined) out[k] = found.get(idx);
    });
  }
  return out.map((h, k) => {
    if (!h) throw new Error(`transparency log: stored hash ${indexes[k]} is missing`);
    return h;
  });
}

export async function writeStoredHashes(trx: Executor, start: number, hashes: readonly Uint8Array[]): Promise<void> {
  for (let i = 0; i < hashes.length; i += 500) {
    await trx
      .insertInto('log_hashes')
      .values(hashes.slice(i, i + 500).map((h, k) => ({ idx: start + i + k, hash: Buffer.from(h) })))
      .execute();
  }
}

import type { Kysely } from 'kysely';
import { isDocumentId } from '../domain/identifiers.js';
import type { LogServices } from '../http/services.js';
import type { Database } from '../store/index.js';
import { parseTilePath, toBase64, TilePathError } from '../transparency/index.js';
import type { PublicLog } from './public-log.js';
import { consistencyProof, latestCheckpoint, proofForDocument, proofForIndex, readEntries, readEntryBundle, readHashTile } from './read-log.js';

/** The log's read side for the HTTP layer. Sizes are checked against the latest checkpoint: nothing beyond it leaks. */
export function logServices(db: Kysely<Database>, log: PublicLog): LogServices {
  const size = async () => (await latestCheckpoint(db))?.size ?? 0;
  return {
    checkpoint: () => latestCheckpoint(db),
    verifierKey: async () => (await log.identity()).verifierKey,
    proof: (id) => (isDocumentId(id) ? proofForDocument(db, id) : Promise.resolve(null)),
    proofAt: (index) => proofForIndex(db, index),
    async consistency(oldSize, newSize) {
      if (!(Number.isSafeInteger(oldSize) && Number.isSafeInteger(newSize) && oldSize >= 1 && oldSize <= newSize && newSize <= (await size()))) {
        throw new RangeError(`sizes must satisfy 1 ≤ from ≤ to ≤ ${await size()}`);
      }
      return (await consistencyProof(db, oldSize, newSize)).map(toBase64);
    },
    async tile(path) {
      let parsed;
      try {
        parsed = parseTilePath(path);
      } catch (e) {
        if (e instanceof TilePathError) return null;
        throw e;
      }
      const n = await size();
      if (parsed.kind === 'entries') return readEntryBundle(db, parsed.index, parsed.width, n);
      return readHashTile(db, parsed.tile, n);
    },
    async entries(start, end) {
      const n = await size();
      return readEntries(db, Math.max(0, start), Math.min(end, n, start + 1000));
    },
  };
}

import type { Kysely } from 'kysely';
import { statusListCapacity, statusListUrl } from '../domain/status-list.js';
import { buildStatusListCredential, agencyIssuerId, signStatusListCredential } from '../status-list/index.js';
import { countDocumentsOfType, listStatusEntries, type Database } from '../store/index.js';
import { loadAgencyIdentity } from './keys.js';
import type { Config } from '../config.js';

/**
 * The signed status list of an agency's document type (GET /status/:agency/:type): built from the registry, signed
 * with the agency's own key, valid for a day, and kept for `ttlMs` so a busy verifier population costs one build per
 * list per interval. `invalidate` after a status change in this process makes the next request rebuild it.
 */
export function statusListPublisher(db: Kysely<Database>, config: Config, ttlMs = 30_000) {
  const cache = new Map<string, { at: number; jws: Promise<string> }>();
  return {
    async get(agencyId: string, typeId: string): Promise<string | null> {
      const key = `${agencyId}/${typeId}`;
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < ttlMs) return hit.jws;
      const count = await countDocumentsOfType(db, agencyId, typeId);
      if (count === 0) return null;
      const jws = (async () => {
        const identity = await loadAgencyIdentity(config, agencyId);
        const credential = buildStatusListCredential({
          listUrl: statusListUrl(config.publicUrl, agencyId, typeId),
          issuerId: agencyIssuerId(config.publicUrl, agencyId),
          // A minute back: verifiers' clocks run a little behind ours, and the credential's times are whole seconds.
          validFrom: new Date(Date.now() - 60_000),
          entries: await listStatusEntries(db, agencyId, typeId),
          capacity: statusListCapacity(count),
        });
        return signStatusListCredential(credential, identity);
      })();
      cache.set(key, { at: Date.now(), jws });
      jws.catch(() => cache.delete(key));
      return jws;
    },
    invalidate(): void {
      cache.clear();
    },
  };
}

export type StatusListPublisher = ReturnType<typeof statusListPublisher>;

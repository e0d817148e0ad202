import type { Kysely } from 'kysely';
import { listAgencies, listAgencyCertificates, listTypeEntitlements, type Database } from '../store/index.js';
import type { IssuerDirectory } from '../verify/index.js';
import type { Bilingual } from '../domain/document-type.js';

/** The issuer directory with agency names, as published at /api/v1/trust (public facts only). */
export interface PublishedIssuerDirectory extends IssuerDirectory {
  agencies: { id: string; name: Bilingual; certificates: string[]; types: string[] }[];
}

export async function readIssuerDirectory(db: Kysely<Database>): Promise<PublishedIssuerDirectory> {
  const [agencies, certificates, entitlements] = await Promise.all([listAgencies(db), listAgencyCertificates(db), listTypeEntitlements(db)]);
  return {
    agencies: agencies.map((a) => ({
      id: a.id,
      name: { th: a.nameTh, en: a.nameEn },
      certificates: certificates.filter((c) => c.agencyId === a.id).map((c) => c.certificateSha256),
      types: entitlements.filter((e) => e.agencyId === a.id).map((e) => e.typeId),
    })),
  };
}

/**
 * The directory changes when an agency gets a key or an entitlement — rarely. Verification reads it on every request,
 * so it is kept for a short while; `invalidate` after a change made by this process.
 */
export function cachedIssuerDirectory(db: Kysely<Database>, ttlMs = 30_000): { get(): Promise<PublishedIssuerDirectory>; invalidate(): void } {
  let cached: { at: number; value: Promise<PublishedIssuerDirectory> } | undefined;
  return {
    get() {
      if (!cached || Date.now() - cached.at > ttlMs) {
        const value = readIssuerDirectory(db);
        cached = { at: Date.now(), value };
        value.catch(() => (cached = undefined));
      }
      return cached.value;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

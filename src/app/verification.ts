import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import { verifyPdf, type IssuerDirectory, type TransparencyOptions } from '../verify/index.js';
import { cachingRevocationFetch } from './revocation-fetch.js';
import { registryStatus } from './registry-status.js';
import type { VerificationReport } from '../verify/report.js';

/** One per process: remembered OCSP/CRL answers are shared by every verification. */
const revocationFetch = cachingRevocationFetch();

/**
 * Verification on the server and in the CLI: the browser-safe engine plus this deployment's registry and issuer
 * directory. Offline, neither the registry nor revocation addresses are asked, but the issuer directory (a local
 * copy of public facts) is still used when given.
 */
export async function verifyWithRegistry(
  pdf: Uint8Array,
  opts: {
    db: Kysely<Database>;
    trustRoots: Uint8Array[];
    offline: boolean;
    publicUrl: string;
    issuers?: IssuerDirectory;
    transparency?: TransparencyOptions;
    fetchStatusList?: (url: string) => Promise<string>;
  },
): Promise<VerificationReport> {
  return verifyPdf(pdf, {
    trustRoots: opts.trustRoots,
    ...(opts.issuers ? { issuers: opts.issuers, issuersRegistry: opts.publicUrl } : {}),
    ...(opts.offline
      ? {}
      : {
          statusLookup: (id, digests) => registryStatus(opts.db, id, digests),
          registryBaseUrl: opts.publicUrl,
          fetchRevocation: revocationFetch,
          ...(opts.transparency ? { transparency: opts.transparency } : {}),
          ...(opts.fetchStatusList ? { fetchStatusList: opts.fetchStatusList } : {}),
        }),
  });
}

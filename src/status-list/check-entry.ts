// A verifier's status check against the agency's signed Bitstring Status List. The verifier fetches the whole list
// for the agency and document type, so the server cannot tell which document is being checked; a cached copy keeps
// working offline until the list's validUntil.
import { STATUS_LIST_VALUES, STATUS_SIZE_BITS, type StatusListEntry } from '../domain/status-list.js';
import type { TrustStore } from '../verify/cms/trust-store.js';
import type { IssuerDirectory } from '../verify/pdf/issuer-checks.js';
import { StatusListError, readStatus } from './bitstring.js';
import { parseStatusListCredential } from './credential.js';
import { verifyStatusListJws } from './jws.js';

export type StatusListOutcome = 'active' | 'revoked' | 'suspended' | 'superseded' | 'unavailable' | 'invalid';

/** What a list fetcher returns: the JWS text, or the JWS with cache information (cachingListFetcher). */
export interface FetchedStatusList {
  jws: string;
  /** True when served from a cache instead of the network. */
  fromCache?: boolean;
  /** When the cached copy was fetched (ISO 8601). */
  fetchedAt?: string;
  /** Called by checkStatusListEntry once the list verified, so a cache keeps only good lists. */
  onVerified?: () => void;
}

export type StatusListFetcher = (url: string) => Promise<string | FetchedStatusList>;

export interface StatusListCheck {
  outcome: StatusListOutcome;
  /** English detail for experts and logs. */
  detail: string;
  listValidUntil?: string;
  fromCache?: boolean;
  /** SHA-256 of the certificate that signed the list, when the signature verified. */
  signerSha256?: string;
}

export interface CheckStatusListEntryOptions {
  /** The document's `status` from its embedded data. */
  entry: StatusListEntry;
  /** The agency that issued the document (its `issuer.id`). */
  agencyId: string;
  fetchList: StatusListFetcher;
  trustRoots: readonly Uint8Array[] | TrustStore;
  /** When given, the list must be signed by one of `agencyId`'s certificates. */
  issuers?: IssuerDirectory;
  now?: Date;
}

const OUTCOME_BY_VALUE = new Map<number, StatusListOutcome>(Object.entries(STATUS_LIST_VALUES).map(([name, value]) => [value, name as StatusListOutcome]));

function entryProblem(entry: unknown): string | undefined {
  if (!entry || typeof entry !== 'object') return 'status entry: expected { list, index }';
  const { list, index } = entry as { list?: unknown; index?: unknown };
  if (typeof list !== 'string' || list.length === 0 || list.length > 2048) return 'status entry list: expected a URL string';
  try {
    const u = new URL(list);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return `status entry list: expected an http(s) URL, got ${u.protocol}`;
  } catch {
    return `status entry list: ${JSON.stringify(list)} is not an absolute URL`;
  }
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) return `status entry index: expected a whole number ≥ 0, got ${JSON.stringify(index)}`;
  return undefined;
}

/** Check one document's entry. Never throws for bad lists or network trouble: they become 'invalid'/'unavailable'. */
export async function checkStatusListEntry(options: CheckStatusListEntryOptions): Promise<StatusListCheck> {
  if (!options || typeof options !== 'object') throw new TypeError('options: expected an object');
  if (typeof options.fetchList !== 'function') throw new TypeError('fetchList: expected a function (url) => Promise<string>');
  if (typeof options.agencyId !== 'string' || options.agencyId === '') throw new TypeError('agencyId: expected a non-empty string');
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('now: expected a valid Date');

  // The entry comes from the document being verified: a bad one is the document's problem, not a programming error.
  const problem = entryProblem(options.entry);
  if (problem) return { outcome: 'invalid', detail: problem };
  const { list, index } = options.entry;

  let fetched: FetchedStatusList;
  try {
    const got = await options.fetchList(list);
    fetched = typeof got === 'string' ? { jws: got } : got;
    if (!fetched || typeof fetched.jws !== 'string') throw new Error('the fetcher returned no JWS text');
  } catch (e) {
    return { outcome: 'unavailable', detail: `status list ${list} could not be fetched: ${(e as Error)?.message ?? String(e)}` };
  }
  const cacheInfo = fetched.fromCache ? { fromCache: true } : {};
  const answer = (outcome: StatusListOutcome, detail: string, extra: Partial<StatusListCheck> = {}): StatusListCheck => ({ outcome, detail, ...cacheInfo, ...extra });

  const verified = await verifyStatusListJws(fetched.jws, { trustRoots: options.trustRoots, now });
  if (!verified.ok) return answer('invalid', `status list ${list}: ${verified.detail}`);
  const signerSha256 = verified.signerSha256;

  let credential;
  try {
    credential = parseStatusListCredential(verified.payload);
  } catch (e) {
    return answer('invalid', `status list ${list}: ${(e as Error).message}`, { signerSha256 });
  }
  // A genuine list of another type or agency must not answer for this document.
  if (credential.id !== list) return answer('invalid', `status list served at ${list} is the list ${credential.id}`, { signerSha256 });

  if (options.issuers) {
    const agencies = options.issuers.agencies ?? [];
    const agency = agencies.find((a) => a.id === options.agencyId);
    if (!agency) return answer('invalid', `agency "${options.agencyId}" is not in the issuer directory`, { signerSha256 });
    if (!agency.certificates.includes(signerSha256)) {
      const owner = agencies.find((a) => a.certificates.includes(signerSha256));
      return answer(
        'invalid',
        owner
          ? `status list ${list} is signed with a certificate of agency "${owner.id}", not of "${options.agencyId}"`
          : `status list ${list} is signed with a certificate (SHA-256 ${signerSha256}) not registered to agency "${options.agencyId}"`,
        { signerSha256 },
      );
    }
  }

  const listValidUntil = credential.validUntil;
  const t = now.getTime();
  if (t < Date.parse(credential.validFrom)) {
    return answer('unavailable', `status list ${list} is not valid before ${credential.validFrom} (checked at ${now.toISOString()})`, { listValidUntil, signerSha256 });
  }
  if (t > Date.parse(listValidUntil)) {
    const cached = fetched.fromCache ? ` (cached copy${fetched.fetchedAt ? ` fetched ${fetched.fetchedAt}` : ''})` : '';
    return answer('unavailable', `status list ${list} is stale since ${listValidUntil}${cached}`, { listValidUntil, signerSha256 });
  }

  let value: number;
  try {
    value = readStatus(credential.credentialSubject.encodedList, index, STATUS_SIZE_BITS);
  } catch (e) {
    const detail = e instanceof StatusListError ? `${e.code}: ${e.message}` : (e as Error).message;
    return answer('invalid', `status list ${list}: ${detail}`, { listValidUntil, signerSha256 });
  }
  const outcome = OUTCOME_BY_VALUE.get(value);
  if (!outcome) return answer('invalid', `status list ${list}: value ${value} at index ${index} has no meaning`, { listValidUntil, signerSha256 });

  // Only now is the list known good: let a cache keep it for offline use.
  if (!fetched.fromCache) fetched.onVerified?.();
  const signedBy = verified.signer.commonName ?? verified.signer.subject;
  return answer(outcome, `index ${index} of ${list} is ${outcome} (list signed by "${signedBy}", valid until ${listValidUntil})`, { listValidUntil, signerSha256 });
}

export interface CachingListFetcherOptions {
  /** Serve a remembered list without asking the network while it is younger than this (ms). */
  ttlMs: number;
  /** At most this many lists are remembered (oldest dropped first). Default 256. */
  maxEntries?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * Wrap a fetcher for offline use: remember the last list that verified per URL, serve it without a request while
 * younger than `ttlMs`, and when the network fails. The checker still judges the cached list's validUntil, so an
 * old copy reports 'unavailable' (stale) rather than a possibly outdated status.
 */
export function cachingListFetcher(fetchList: StatusListFetcher, options: CachingListFetcherOptions): StatusListFetcher & { clear(): void } {
  if (typeof fetchList !== 'function') throw new TypeError('fetchList: expected a function');
  const ttlMs = options?.ttlMs;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 0) throw new TypeError('ttlMs: expected a number of milliseconds ≥ 0');
  const maxEntries = options.maxEntries ?? 256;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError('maxEntries: expected a whole number ≥ 1');
  const clock = options.now ?? Date.now;
  const cache = new Map<string, { jws: string; at: number }>();

  const remember = (url: string, jws: string): void => {
    cache.delete(url);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(url, { jws, at: clock() });
  };
  const cached = (url: string, hit: { jws: string; at: number }): FetchedStatusList => ({ jws: hit.jws, fromCache: true, fetchedAt: new Date(hit.at).toISOString() });

  const fetcher = async (url: string): Promise<FetchedStatusList> => {
    const hit = cache.get(url);
    if (hit && clock() - hit.at < ttlMs) return cached(url, hit);
    let got: string | FetchedStatusList;
    try {
      got = await fetchList(url);
    } catch (e) {
      if (hit) return cached(url, hit);
      throw e;
    }
    const jws = typeof got === 'string' ? got : got.jws;
    return { jws, fromCache: false, onVerified: () => remember(url, jws) };
  };
  return Object.assign(fetcher, { clear: () => cache.clear() });
}

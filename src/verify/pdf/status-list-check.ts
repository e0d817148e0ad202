import type { EmbeddedData } from '../../domain/embedded-data.js';
import { checkStatusListEntry, type StatusListFetcher } from '../../status-list/index.js';
import type { TrustStore } from '../cms/trust-store.js';
import { makeCheck, type Check, type Verdict } from '../report.js';
import type { IssuerDirectory } from './issuer-checks.js';

const VERDICT_OF: Record<'revoked' | 'suspended' | 'superseded', Verdict> = { revoked: 'REVOKED', suspended: 'SUSPENDED', superseded: 'SUPERSEDED' };

/**
 * The document's entry in its agency's signed status list. Absent when the document has no entry (issued before
 * status lists) or no way to fetch lists was given. A list that cannot be had or is stale is a warning; one that is
 * not the agency's (bad signature, other signer, other list) cannot be relied on (INDETERMINATE).
 */
export async function statusListCheck(
  data: EmbeddedData,
  opts: { fetchList: StatusListFetcher | undefined; trustRoots: TrustStore; issuers: IssuerDirectory | undefined; now: Date },
): Promise<Check | undefined> {
  if (!data.status || !opts.fetchList) return undefined;
  const r = await checkStatusListEntry({
    entry: data.status,
    agencyId: data.issuer.id,
    fetchList: opts.fetchList,
    trustRoots: opts.trustRoots,
    ...(opts.issuers ? { issuers: opts.issuers } : {}),
    now: opts.now,
  });
  const detail = `${data.status.list} #${data.status.index}: ${r.detail}${r.fromCache ? ' (cached copy)' : ''}`;
  switch (r.outcome) {
    case 'active':
      return makeCheck('status.list', 'passed', detail);
    case 'unavailable':
      return makeCheck('status.list', 'warning', detail);
    case 'invalid':
      return { ...makeCheck('status.list', 'failed', detail), onFailure: 'INDETERMINATE' };
    default:
      return { ...makeCheck('status.list', 'failed', detail), onFailure: VERDICT_OF[r.outcome] };
  }
}

import type { EmbeddedData } from '../../domain/embedded-data.js';
import { makeCheck, type Check } from '../report.js';

/** What the issuing agency's registry says about a document (no personal data crosses in either direction). */
export interface RegistryStatus {
  found: boolean;
  status?: string;
  /** True when this very file is one the registry issued (any version, e.g. before an archive renewal). */
  pdfMatches?: boolean;
  /** True when the embedded data's fields equal the registry's (compared by digest, see `dataSha256`). */
  dataMatches?: boolean;
  /** The public facts the registry holds, compared with the embedded ones. */
  record?: { serial: string; typeId: string; issuerId: string; issuedAt: string };
  validUntil?: string | null;
  successorId?: string | null;
  /** Why the status last changed and when (shown to the verifier). */
  statusReason?: string | null;
  statusChangedAt?: string | null;
}

/** Digests sent to the registry: never the file, never the data itself. */
export interface RegistryDigests {
  pdfSha256: string;
  /** SHA-256 of the canonical JSON (RFC 8785) of the embedded `fields`. */
  dataSha256: string;
}

/** Does the document's verifyUrl lie under this registry's base URL? */
export function namesRegistry(data: EmbeddedData, registryBaseUrl: string): boolean {
  return data.verifyUrl.startsWith(`${registryBaseUrl.replace(/\/+$/, '')}/`);
}

export type StatusLookup = (documentId: string, digests: RegistryDigests) => Promise<RegistryStatus>;

export interface RegistryOutcome {
  checks: Check[];
  status: Record<string, unknown>;
  successor?: string;
}

/** Embedded facts that differ from the registry's record, as "field: file vs registry" phrases. */
function recordMismatches(data: EmbeddedData, record: NonNullable<RegistryStatus['record']>): string[] {
  const out: string[] = [];
  if (record.serial !== data.serial) out.push(`serial: file "${data.serial}", registry "${record.serial}"`);
  if (record.typeId !== data.type.id) out.push(`type: file ${data.type.id}, registry ${record.typeId}`);
  if (record.issuerId !== data.issuer.id) out.push(`issuer: file ${data.issuer.id}, registry ${record.issuerId}`);
  if (Date.parse(record.issuedAt) !== Date.parse(data.issuedAt)) out.push(`issued: file ${data.issuedAt}, registry ${record.issuedAt}`);
  return out;
}

/**
 * Asks the registry about the document and turns the answer into checks: is this file one it issued, does the
 * embedded data match its record, and what is the document's status (revoked, suspended, superseded, expired).
 */
export async function registryChecks(
  data: EmbeddedData,
  digests: RegistryDigests,
  opts: { statusLookup?: StatusLookup; registryBaseUrl?: string },
): Promise<RegistryOutcome> {
  if (!opts.statusLookup) return { checks: [makeCheck('status.registry', 'skipped', 'offline')], status: { checked: false } };
  let r: RegistryStatus;
  try {
    r = await opts.statusLookup(data.id, digests);
  } catch (e) {
    return { checks: [makeCheck('status.registry', 'warning', `registry unreachable: ${(e as Error).message}`)], status: { checked: false, error: 'unreachable' } };
  }
  if (!r.found) {
    const ours = opts.registryBaseUrl !== undefined && namesRegistry(data, opts.registryBaseUrl);
    const c = ours
      ? { ...makeCheck('status.registry', 'failed', `document ${data.id} names this registry (${opts.registryBaseUrl}) but is not recorded in it`), onFailure: 'INDETERMINATE' as const }
      : makeCheck('status.registry', 'warning', `document ${data.id} is not in this registry`);
    return { checks: [c], status: { checked: true, found: false } };
  }
  const checks: Check[] = [];
  const pdfMatches = r.pdfMatches === true;
  checks.push(
    pdfMatches
      ? makeCheck('status.registry', 'passed', `SHA-256 ${digests.pdfSha256}`)
      : makeCheck('status.registry', 'failed', `no version in the registry has SHA-256 ${digests.pdfSha256}`),
  );
  const mismatches = r.record ? recordMismatches(data, r.record) : [];
  if (r.dataMatches === false) mismatches.unshift('the fields differ from the registry record');
  if (mismatches.length) checks.push(makeCheck('status.embedded-data', 'failed', mismatches.join('; ')));
  else if (r.dataMatches === true || r.record) checks.push(makeCheck('status.embedded-data', 'passed'));

  const st = r.status ?? 'active';
  const why = [r.statusReason ? `reason: ${r.statusReason}` : '', r.statusChangedAt ? `since ${r.statusChangedAt}` : ''].filter(Boolean).join(', ');
  if (st === 'revoked') checks.push(makeCheck('status.revoked', 'failed', why || undefined));
  if (st === 'suspended') checks.push(makeCheck('status.suspended', 'failed', why || undefined));
  if (st === 'superseded') checks.push(makeCheck('status.superseded', 'failed', [r.successorId ? `successor ${r.successorId}` : '', why].filter(Boolean).join(', ') || undefined));
  if (st === 'expired') checks.push(makeCheck('document.expired', 'failed', `the registry marks it expired${why ? ` (${why})` : ''}`));

  const status: Record<string, unknown> = { checked: true, found: true, status: st, pdfMatches };
  if (r.dataMatches !== undefined) status.dataMatches = r.dataMatches;
  if (r.statusReason) status.reason = r.statusReason;
  if (r.statusChangedAt) status.changedAt = r.statusChangedAt;
  if (r.successorId) status.successorId = r.successorId;
  if (r.validUntil !== undefined) status.validUntil = r.validUntil;
  return { checks, status, ...(r.successorId ? { successor: r.successorId } : {}) };
}

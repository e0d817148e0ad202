// Was a certificate revoked at a given moment? Weighs CRLs and OCSP responses (embedded in a PAdES DSS or fetched
// online) and explains itself as report checks. Browser-safe.
import { getParsedCertificate, type ParsedCertificate } from '../../verify/cms/parsed-certificate.js';
import type { Check } from '../../verify/report.js';
import { certIdMatches } from './cert-id.js';
import type { CrlReason } from './crl-reason.js';
import { parseCrl } from './parse-crl.js';
import { parseOcspResponse } from './parse-ocsp.js';
import { revocationCheck } from './revocation-messages.js';
import { verifyCrl } from './verify-crl.js';
import { verifyOcspResponse } from './verify-ocsp.js';

export interface RevocationCheckInput {
  /** DER of the certificate whose status is asked. */
  certificate: Uint8Array;
  /** DER of its issuer's certificate. */
  issuer: Uint8Array;
  crls?: readonly Uint8Array[];
  ocspResponses?: readonly Uint8Array[];
  /** The moment the status matters for (the signing time for a signature). */
  at: Date;
  /** OCSP responder certificates trusted directly, beyond the issuer and responders it delegated. */
  trustedResponders?: readonly Uint8Array[];
  /** Clock tolerance between producers and `at`. Default 5 minutes. */
  slackMs?: number;
  /** How long a statement without nextUpdate stays usable after its thisUpdate. Default 7 days. */
  maxAgeWithoutNextUpdateMs?: number;
}

export type RevocationStatus = 'good' | 'revoked' | 'unknown';

export interface RevocationResult {
  /** Status at `at`. 'good' even when the certificate was revoked later (see revokedAfter). */
  status: RevocationStatus;
  /** Revocation time: when status is 'revoked', or when the certificate was revoked after `at`. */
  revokedAt?: Date;
  reason?: CrlReason;
  /** True when the certificate was good at `at` but has been revoked since. */
  revokedAfter?: boolean;
  /** Which kind of evidence decided the status. */
  source?: 'ocsp' | 'crl';
  checks: Check[];
}

interface Evidence {
  source: 'ocsp' | 'crl';
  /** Revocation time if the evidence lists the certificate as revoked. */
  revokedAt?: Date;
  reason?: CrlReason;
  /** true: proves the status at `at` (good, revoked before, or revoked later). */
  conclusive: boolean;
}

const DEFAULT_SLACK_MS = 5 * 60_000;
const DEFAULT_MAX_AGE_MS = 7 * 86_400_000;

function checkBytes(value: unknown, field: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length === 0) throw new TypeError(`${field}: expected non-empty DER bytes (Uint8Array)`);
  return value;
}

function checkList(value: unknown, field: string): Uint8Array[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`${field}: expected an array of DER byte arrays`);
  return value.map((v, i) => checkBytes(v, `${field}[${i}]`));
}

function checkDuration(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`${field}: expected a non-negative number of milliseconds`);
  return value;
}

const iso = (d: Date): string => d.toISOString();

/**
 * Does a "not revoked" statement with these times prove the status at `at`? Either it was made after `at`
 * (revocation is permanent, so "not revoked at thisUpdate" implies "not revoked at at"), or `at` falls in the
 * period it claims to be valid for.
 */
function covers(at: Date, thisUpdate: Date, nextUpdate: Date | undefined, slackMs: number, maxAgeMs: number): string | undefined {
  if (thisUpdate.getTime() >= at.getTime()) return undefined;
  const end = nextUpdate ? nextUpdate.getTime() : thisUpdate.getTime() + maxAgeMs;
  if (at.getTime() <= end + slackMs) return undefined;
  return `it was issued at ${iso(thisUpdate)} and ${nextUpdate ? `expired at ${iso(nextUpdate)}` : 'has no nextUpdate'}, before ${iso(at)}`;
}

/** A revoked entry decides on its own: a revocation time ≤ at means revoked then; later means good then. */
function revokedEvidence(source: 'ocsp' | 'crl', revokedAt: Date, reason: CrlReason | undefined): Evidence {
  const e: Evidence = { source, revokedAt, conclusive: true };
  if (reason) e.reason = reason;
  return e;
}

async function ocspEvidence(der: Uint8Array, index: number, cert: ParsedCertificate, issuer: ParsedCertificate, input: Required<Pick<RevocationCheckInput, 'at'>> & { slack: number; maxAge: number; trusted: Uint8Array[] }, checks: Check[]): Promise<Evidence | undefined> {
  const label = `OCSP response #${index + 1}`;
  let resp;
  try {
    resp = parseOcspResponse(der);
  } catch (e) {
    checks.push(revocationCheck('revocation.ocsp', 'warning', `${label}: ${(e as Error).message}`));
    return undefined;
  }
  const v = await verifyOcspResponse(resp, issuer, input.trusted);
  if (!v.ok) {
    checks.push(revocationCheck('revocation.ocsp', 'warning', `${label}: ${v.detail}`));
    return undefined;
  }
  let single;
  for (const r of resp.responses) if (await certIdMatches(r.certId, issuer, cert.serialHex, cert.issuerDer)) single = r;
  if (!single) {
    checks.push(revocationCheck('revocation.ocsp', 'warning', `${label}: no status for serial ${cert.serialHex} in it`));
    return undefined;
  }
  const when = `thisUpdate ${iso(single.thisUpdate)}${single.nextUpdate ? `, nextUpdate ${iso(single.nextUpdate)}` : ''}, producedAt ${iso(resp.producedAt!)}`;
  if (single.status === 'revoked') {
    checks.push(revocationCheck('revocation.ocsp', 'passed', `${label}: revoked at ${iso(single.revocationTime!)}${single.reason ? ` (${single.reason})` : ''}; ${v.detail}; ${when}`));
    return revokedEvidence('ocsp', single.revocationTime!, single.reason);
  }
  if (single.status === 'unknown') {
    checks.push(revocationCheck('revocation.ocsp', 'warning', `${label}: the responder does not know serial ${cert.serialHex}; ${v.detail}`));
    return { source: 'ocsp', conclusive: false };
  }
  const stale = covers(input.at, single.thisUpdate, single.nextUpdate, input.slack, input.maxAge);
  if (stale) {
    checks.push(revocationCheck('revocation.ocsp', 'warning', `${label}: says good, but does not cover ${iso(input.at)}: ${stale}`));
    return { source: 'ocsp', conclusive: false };
  }
  checks.push(revocationCheck('revocation.ocsp', 'passed', `${label}: good; ${v.detail}; ${when}`));
  return { source: 'ocsp', conclusive: true };
}

async function crlEvidence(der: Uint8Array, index: number, cert: ParsedCertificate, issuer: ParsedCertificate, input: { at: Date; slack: number; maxAge: number }, checks: Check[]): Promise<Evidence | undefined> {
  const label = `CRL #${index + 1}`;
  let crl;
  try {
    crl = parseCrl(der);
  } catch (e) {
    checks.push(revocationCheck('revocation.crl', 'warning', `${label}: ${(e as Error).message}`));
    return undefined;
  }
  if (crl.issuerKey !== issuer.subjectKey) {
    // Not an error: a DSS holds the CRLs of every certificate in the chain; this one is for another issuer.
    return undefined;
  }
  const v = await verifyCrl(crl, issuer);
  if (!v.ok) {
    checks.push(revocationCheck('revocation.crl', 'warning', `${label}: ${v.detail}`));
    return undefined;
  }
  const entry = crl.revoked.get(cert.serialHex);
  if (entry) {
    checks.push(revocationCheck('revocation.crl', 'passed', `${label}: lists serial ${cert.serialHex} as revoked at ${iso(entry.date)}${entry.reason ? ` (${entry.reason})` : ''}; ${v.detail}`));
    return revokedEvidence('crl', entry.date, entry.reason);
  }
  if (crl.isDelta) {
    checks.push(revocationCheck('revocation.crl', 'warning', `${label}: a delta CRL cannot prove a certificate was not revoked`));
    return { source: 'crl', conclusive: false };
  }
  // RFC 5280 §3.3: entries may be dropped once a certificate expires, so absence from a later CRL proves nothing.
  if (crl.thisUpdate.getTime() > cert.notAfter.getTime()) {
    checks.push(revocationCheck('revocation.crl', 'warning', `${label}: issued after the certificate expired (${iso(cert.notAfter)}), so its silence proves nothing`));
    return { source: 'crl', conclusive: false };
  }
  const stale = covers(input.at, crl.thisUpdate, crl.nextUpdate, input.slack, input.maxAge);
  if (stale) {
    checks.push(revocationCheck('revocation.crl', 'warning', `${label}: does not list the certificate, but does not cover ${iso(input.at)}: ${stale}`));
    return { source: 'crl', conclusive: false };
  }
  checks.push(revocationCheck('revocation.crl', 'passed', `${label}: does not list serial ${cert.serialHex}; ${v.detail}`));
  return { source: 'crl', conclusive: true };
}

/**
 * Decides the revocation status of `certificate` at `at` from the given CRLs and OCSP responses. Data counts only
 * if it verifies (issuer or delegated responder), is about this certificate, and covers `at`. A revocation at
 * T ≤ at makes the status 'revoked'; T > at leaves it 'good' with revokedAfter and revokedAt set, because a
 * signature made before a revocation stays valid. Never throws for bad revocation data (it becomes a warning
 * check); throws TypeError for invalid arguments.
 */
export async function checkRevocation(input: RevocationCheckInput): Promise<RevocationResult> {
  if (!input || typeof input !== 'object') throw new TypeError('checkRevocation: expected an options object');
  const certDer = checkBytes(input.certificate, 'certificate');
  const issuerDer = checkBytes(input.issuer, 'issuer');
  if (!(input.at instanceof Date) || Number.isNaN(input.at.getTime())) throw new TypeError('at: expected a valid Date');
  const crls = checkList(input.crls, 'crls');
  const ocspResponses = checkList(input.ocspResponses, 'ocspResponses');
  const trusted = checkList(input.trustedResponders, 'trustedResponders');
  const slack = checkDuration(input.slackMs, 'slackMs', DEFAULT_SLACK_MS);
  const maxAge = checkDuration(input.maxAgeWithoutNextUpdateMs, 'maxAgeWithoutNextUpdateMs', DEFAULT_MAX_AGE_MS);
  const at = input.at;

  const checks: Check[] = [];
  const cert = await getParsedCertificate(certDer);
  const issuer = await getParsedCertificate(issuerDer);
  if (cert.issuerKey !== issuer.subjectKey) {
    checks.push(revocationCheck('revocation.status', 'warning', `the given issuer "${issuer.subjectText}" did not issue "${cert.subjectText}" (issuer "${cert.issuerText}")`));
    return { status: 'unknown', checks };
  }
  if (crls.length === 0 && ocspResponses.length === 0) {
    checks.push(revocationCheck('revocation.status', 'skipped', 'no CRL or OCSP response was provided'));
    return { status: 'unknown', checks };
  }

  const evidence: Evidence[] = [];
  for (const [i, der] of ocspResponses.entries()) {
    const e = await ocspEvidence(der, i, cert, issuer, { at, slack, maxAge, trusted }, checks);
    if (e) evidence.push(e);
  }
  for (const [i, der] of crls.entries()) {
    const e = await crlEvidence(der, i, cert, issuer, { at, slack, maxAge }, checks);
    if (e) evidence.push(e);
  }
  if (crls.length > 0 && !checks.some((c) => c.id === 'revocation.crl')) {
    checks.push(revocationCheck('revocation.crl', 'warning', `none of the ${crls.length} CRL(s) was issued by "${issuer.subjectText}"`));
  }

  const byTime = (a: Evidence, b: Evidence): number => a.revokedAt!.getTime() - b.revokedAt!.getTime() || (a.source === 'ocsp' ? -1 : 1);
  const revocations = evidence.filter((e) => e.revokedAt).sort(byTime);
  const before = revocations.find((e) => e.revokedAt!.getTime() <= at.getTime());
  if (before) {
    const result: RevocationResult = { status: 'revoked', revokedAt: before.revokedAt!, source: before.source, checks };
    if (before.reason) result.reason = before.reason;
    checks.push(revocationCheck('revocation.status', 'failed', `serial ${cert.serialHex} revoked at ${iso(before.revokedAt!)}${before.reason ? ` (${before.reason})` : ''}, at or before ${iso(at)} (source: ${before.source})`, 'REVOKED'));
    return result;
  }
  const good = evidence.filter((e) => e.conclusive).sort((a, b) => (a.source === b.source ? 0 : a.source === 'ocsp' ? -1 : 1));
  if (good.length === 0) {
    checks.push(revocationCheck('revocation.status', 'warning', `no usable revocation data covers ${iso(at)} for serial ${cert.serialHex}`));
    return { status: 'unknown', checks };
  }
  const result: RevocationResult = { status: 'good', source: good[0]!.source, checks };
  checks.push(revocationCheck('revocation.status', 'passed', `serial ${cert.serialHex} was not revoked at ${iso(at)} (source: ${good[0]!.source})`));
  const later = revocations[0];
  if (later) {
    result.revokedAt = later.revokedAt!;
    result.revokedAfter = true;
    if (later.reason) result.reason = later.reason;
    checks.push(revocationCheck('revocation.revoked-later', 'warning', `serial ${cert.serialHex} was revoked at ${iso(later.revokedAt!)}${later.reason ? ` (${later.reason})` : ''}, after ${iso(at)}`));
  }
  return result;
}

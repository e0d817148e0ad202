// One RFC 3161 token judged as evidence of time: intact, from a trusted authority whose certificate was valid (and,
// once expired, shown unrevoked) at the moment we can prove the token existed.
import { parseTimeStampToken } from '../../timestamp/token.js';
import { verifyTimeStampToken } from '../../timestamp/verify-token.js';
import { decideVerdict, makeCheck, type Check, type TimestampReport } from '../report.js';
import { parseAll, pathExpiredAt, trustedPath, type LtvContext } from './ltv-context.js';
import { revocationAt } from './revocation-at.js';

export interface CheckedTimestamp {
  report: TimestampReport;
  /** The attested time, only when the token is usable as proof. */
  provenTime?: Date;
  /** Summary check for the owner (signature or document): passed, failed (integrity) or warning (not usable). */
  summary: Check;
}

/** Failures that mean the token or the stamped data was altered or is garbage — not merely "cannot be trusted now". */
const INTEGRITY = new Set(['tst.parse', 'tst.imprint', 'tst.message-digest', 'tst.signature', 'tst.signing-certificate', 'verify.internal-error']);

export interface CheckTimestampInput {
  kind: 'signature' | 'document';
  token: Uint8Array;
  /** The stamped data: the CMS signature value, or the document timestamp's byte ranges concatenated. */
  data: Uint8Array;
  /**
   * Proof of existence from a later verified timestamp: the token is judged at this time instead of now, so an
   * authority certificate that expired since still counts (PAdES B-LTA renewal).
   */
  provenExistingAt?: Date;
  fieldName?: string;
  ctx: LtvContext;
}

const iso = (d: Date): string => d.toISOString();

/**
 * Why the token cannot serve as proof of time beyond its own checks: the authority's certificate revoked before
 * `at`, or — once its chain has expired — no data showing it unrevoked then. Undefined when nothing stands against it.
 */
async function tsaRevocation(token: Uint8Array, tsaSha256: string, at: Date, ctx: LtvContext): Promise<{ checks: Check[]; problem?: string }> {
  let tokenCerts: Uint8Array[];
  try {
    tokenCerts = parseTimeStampToken(token).certificates;
  } catch {
    return { checks: [] };
  }
  const pool = await parseAll([...tokenCerts, ...ctx.dss.certificates]);
  const tsa = pool.find((c) => c.fingerprint === tsaSha256);
  if (!tsa) return { checks: [] };
  const path = await trustedPath(tsa, pool, ctx.store, at);
  if (!path) return { checks: [] };
  const required = pathExpiredAt(path, ctx.now);
  const rev = await revocationAt({
    certificate: tsa.der,
    issuer: path[1]!.der,
    at,
    crls: ctx.dss.crls,
    ocspResponses: ctx.dss.ocspResponses,
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
  });
  // Only the CRL/OCSP details: the module's status sentences speak of "the signer", ours of the authority.
  const details = rev.checks.filter((c) => c.id === 'revocation.crl' || c.id === 'revocation.ocsp');
  const who = `TSA certificate serial ${tsa.serialHex}`;
  if (rev.status === 'revoked') {
    const problem = `${who} revoked at ${iso(rev.revokedAt!)}${rev.reason ? ` (${rev.reason})` : ''}, at or before ${iso(at)}`;
    return { checks: [makeCheck('ltv.tsa-revocation', 'failed', problem), ...details], problem };
  }
  if (rev.status === 'good') {
    const later = rev.revokedAfter ? `; revoked later, at ${iso(rev.revokedAt!)}${rev.reason ? ` (${rev.reason})` : ''}` : '';
    return { checks: [makeCheck('ltv.tsa-revocation', 'passed', `${who} not revoked at ${iso(at)} (${rev.source} data)${later}`), ...details] };
  }
  const why = rev.hadData ? 'no usable revocation data covers that time' : ctx.fetch ? `none could be fetched: ${rev.fetchErrors.join('; ')}` : 'the document carries none and verification ran offline';
  if (!required) return { checks: [makeCheck('ltv.tsa-revocation', 'skipped', `${who}: ${why}; not needed while its certificate is valid`), ...details] };
  const problem = `${who} expired by ${iso(ctx.now)}; its revocation status at ${iso(at)} is needed but ${why}`;
  return { checks: [makeCheck('ltv.tsa-revocation', 'warning', problem), ...details], problem };
}

export async function checkTimestamp(input: CheckTimestampInput): Promise<CheckedTimestamp> {
  const { ctx } = input;
  const judgedAt = input.provenExistingAt ?? ctx.now;
  const v = await verifyTimeStampToken({
    token: input.token,
    data: input.data,
    trustRoots: ctx.store,
    certificates: ctx.dss.certificates,
    validationTime: judgedAt,
  });
  const checks = [...v.checks];
  const failed = checks.filter((c) => c.status === 'failed');
  const integrity = failed.filter((c) => INTEGRITY.has(c.id));
  const summaryId = input.kind === 'signature' ? 'ltv.signature-timestamp' : 'ltv.document-timestamp';
  const when = v.genTime ? `genTime ${iso(v.genTime)}` : 'unreadable token';
  const authority = v.tsa ? (v.tsa.commonName ?? v.tsa.subject) : undefined;

  let summary: Check;
  let usable = false;
  if (integrity.length > 0) {
    summary = makeCheck(summaryId, 'failed', `${when}: ${integrity.map((c) => `${c.id}: ${c.detail ?? 'failed'}`).join('; ')}`);
    // The verdict the token's own checks imply (TAMPERED for an altered token or data, MALFORMED for garbage).
    summary.onFailure = decideVerdict(integrity);
  } else if (failed.length > 0) {
    // Intact but not trustworthy as proof (untrusted authority, certificate expired at the judged time): the token is
    // set aside and the signature is judged as if it were absent.
    summary = makeCheck(summaryId, 'warning', `${when}, judged at ${iso(judgedAt)}: ${failed.map((c) => `${c.id}: ${c.detail ?? 'failed'}`).join('; ')}`);
  } else {
    const rev = await tsaRevocation(input.token, v.tsa!.sha256, judgedAt, ctx);
    checks.push(...rev.checks);
    if (rev.problem) summary = makeCheck(summaryId, 'warning', `${when}: ${rev.problem}`);
    else {
      usable = true;
      summary = makeCheck(summaryId, 'passed', `${when} by ${authority ?? 'unknown authority'}, judged at ${iso(judgedAt)}`);
    }
  }
  const report: TimestampReport = { kind: input.kind, verified: usable, judgedAt: iso(judgedAt), checks };
  if (v.genTime) report.time = iso(v.genTime);
  if (authority) report.authority = authority;
  if (input.fieldName) report.fieldName = input.fieldName;
  return { report, summary, ...(usable && v.genTime ? { provenTime: v.genTime } : {}) };
}

// One approval signature judged at its best-known signing time (ETSI EN 319 102-1 "validation with proof of
// existence", simplified): the earliest verified timestamp covering it replaces "now" for the signer's chain and
// revocation status, so a certificate that expired since still verifies when a trusted timestamp predates expiry.
import type { VerifyCmsResult } from '../cms/verify-cms-signature.js';
import { getParsedCertificate } from '../cms/parsed-certificate.js';
import { makeCheck, type Check, type PadesLevel, type SigningTime, type TimestampReport } from '../report.js';
import { checkTimestamp } from './check-timestamp.js';
import { readCmsValidationData } from './cms-validation-data.js';
import type { CheckedDocumentTimestamp } from './document-timestamps.js';
import { parseAll, trustedPath, type LtvContext } from './ltv-context.js';
import { revocationAt } from './revocation-at.js';

/** id-aa-signatureTimeStampToken (RFC 3161 appendix A), an unsigned attribute of the SignerInfo. */
export const SIGNATURE_TIMESTAMP_OID = '1.2.840.113549.1.9.16.2.14';

export interface SignatureAtTimeInput {
  /** Index of the revision that added the signature (document timestamps in later revisions cover it). */
  revision: number;
  cms: Uint8Array;
  /** The CMS verified at the validation time ("now"). */
  cmsNow: VerifyCmsResult;
  /** Verifies the same CMS with its chain judged at another time (cheap: the chain cache keeps the path). */
  reverify: (at: Date) => Promise<VerifyCmsResult>;
  claimedSigningTime?: Date | null;
  documentTimestamps: readonly CheckedDocumentTimestamp[];
  ctx: LtvContext;
}

export interface SignatureAtTime {
  /** The CMS result to report: judged at the signing time when a timestamp proves it, else cmsNow. */
  cms: VerifyCmsResult;
  /** Checks to append after the CMS checks (timestamps, signing time, revocation). */
  checks: Check[];
  timestamps: TimestampReport[];
  signingTime?: SigningTime;
  level?: PadesLevel;
}

const iso = (d: Date): string => d.toISOString();
const passed = (r: VerifyCmsResult, id: string): boolean => r.checks.some((c) => c.id === id && c.status === 'passed');

interface RevocationOutcome {
  checks: Check[];
  /** The status was established from data the document carries (for B-LT). */
  fromDocument: boolean;
}

/**
 * The signer certificate's revocation status at `at`. Rules (why each verdict):
 *  - revoked at or before `at` → revocation.status failed, UNTRUSTED: the key was no longer the agency's to use;
 *  - revoked after `at` → VALID, with a revocation.revoked-later warning giving the date and reason;
 *  - nothing decides, and the proof depends on it (`required`: the certificate has expired, so only evidence from
 *    then can vouch for it; or the document claims B-LT/B-LTA) → ltv.revocation-data failed, INDETERMINATE;
 *  - nothing decides and it is not required (a B-B document with a currently valid certificate) → skipped/warning,
 *    verdict unchanged, as before long-term validation existed.
 */
async function signerRevocation(input: SignatureAtTimeInput, cms: VerifyCmsResult, at: Date, required: string | undefined): Promise<RevocationOutcome> {
  const { ctx } = input;
  if (!cms.signerCertificate) return { checks: [], fromDocument: false };
  const inCms = readCmsValidationData(input.cms);
  const signer = await getParsedCertificate(cms.signerCertificate);
  const pool = await parseAll([...inCms.certificates, ...ctx.dss.certificates]);
  const path = await trustedPath(signer, pool, ctx.store, at);
  // No trusted path: chain.trusted already fails; revocation cannot change that.
  if (!path) return { checks: [], fromDocument: false };
  const rev = await revocationAt({
    certificate: signer.der,
    issuer: path[1]!.der,
    at,
    crls: [...ctx.dss.crls, ...inCms.crls],
    ocspResponses: [...ctx.dss.ocspResponses, ...inCms.ocspResponses],
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
  });
  const checks = rev.checks.map((c) => (c.id === 'revocation.status' && c.status === 'failed' ? { ...c, onFailure: 'UNTRUSTED' as const } : c));
  if (rev.status !== 'unknown') return { checks, fromDocument: rev.source === 'embedded' };
  const why = rev.hadData
    ? `no CRL or OCSP response the document carries${ctx.fetch ? ' or that could be fetched' : ''} covers ${iso(at)} for serial ${signer.serialHex}`
    : ctx.fetch
      ? `the document carries no revocation data for serial ${signer.serialHex} and none could be fetched (${rev.fetchErrors.join('; ')})`
      : `the document carries no revocation data for serial ${signer.serialHex} and verification ran offline`;
  if (required) checks.push(makeCheck('ltv.revocation-data', 'failed', `${why}; needed because ${required}`));
  else if (!rev.hadData) checks.push(makeCheck('revocation.status', 'skipped', why));
  return { checks, fromDocument: false };
}

export async function validateSignatureAtTime(input: SignatureAtTimeInput): Promise<SignatureAtTime> {
  const { cmsNow, ctx } = input;
  const claimed = input.claimedSigningTime && !Number.isNaN(input.claimedSigningTime.getTime()) ? input.claimedSigningTime : undefined;
  const claimedTime: SigningTime | undefined = claimed ? { value: iso(claimed), source: 'claimed' } : undefined;
  // A signature that does not verify cryptographically has no signing time worth establishing.
  if (!passed(cmsNow, 'cms.signature') || !cmsNow.signatureValue) {
    return { cms: cmsNow, checks: [], timestamps: [], ...(claimedTime ? { signingTime: claimedTime } : {}) };
  }

  const covering = input.documentTimestamps.filter((d) => d.revision > input.revision);
  const docProofs = covering.filter((d) => d.provenTime).map((d) => d.provenTime!.getTime());
  const provenByDocument = docProofs.length ? new Date(Math.min(...docProofs)) : undefined;

  const checks: Check[] = [];
  const timestamps: TimestampReport[] = [];
  const times: number[] = [...docProofs];
  const tokens = (cmsNow.unsignedAttributes ?? []).filter((a) => a.type === SIGNATURE_TIMESTAMP_OID).flatMap((a) => a.values);
  for (const token of tokens.slice(0, 8)) {
    const t = await checkTimestamp({ kind: 'signature', token, data: cmsNow.signatureValue, ctx, ...(provenByDocument ? { provenExistingAt: provenByDocument } : {}) });
    timestamps.push(t.report);
    checks.push(t.summary);
    if (t.provenTime) times.push(t.provenTime.getTime());
  }

  const best = times.length ? new Date(Math.min(...times)) : undefined;
  let cms = cmsNow;
  if (best) {
    cms = await input.reverify(best);
    const from = tokens.length && !docProofs.includes(best.getTime()) ? 'the signature timestamp' : 'a document timestamp';
    checks.push(makeCheck('ltv.signing-time', 'passed', `${iso(best)}, from ${from}; the signer's certificate chain is judged at this time`));
  }

  const expiredNow = cmsNow.checks.some((c) => c.id === 'chain.validity' && c.status === 'failed');
  const claimsLt = ctx.dss.present && (tokens.length > 0 || input.documentTimestamps.length > 0);
  const required = expiredNow
    ? `the signer's certificate chain is not valid at ${iso(ctx.now)}, so only evidence from the signing time can vouch for it`
    : claimsLt
      ? `the document carries long-term validation data (PAdES B-LT/B-LTA) and must prove the signer's status by itself`
      : undefined;
  const at = best ?? ctx.now;
  const revocation = await signerRevocation(input, cms, at, required);
  checks.push(...revocation.checks);

  let level: PadesLevel = 'B-B';
  if (best) level = 'B-T';
  if (best && ctx.dss.present && revocation.fromDocument) {
    level = 'B-LT';
    if (covering.some((d) => d.provenTime && d.coversDss())) level = 'B-LTA';
  }
  const signingTime: SigningTime | undefined = best ? { value: iso(best), source: 'timestamp' } : claimedTime;
  return { cms, checks, timestamps, level, ...(signingTime ? { signingTime } : {}) };
}

// What every point-in-time decision about one document shares: the trust anchors, "now", the document's DSS, and
// whether the network may be used for revocation data.
import { validateChain } from '../cms/chain.js';
import { getParsedCertificate, type ParsedCertificate } from '../cms/parsed-certificate.js';
import type { TrustStore } from '../cms/trust-store.js';

export interface LtvContext {
  store: TrustStore;
  /** The validation time of the whole run (VerifyPdfOptions.validationTime or the clock). */
  now: Date;
  dss: { present: boolean; certificates: Uint8Array[]; crls: Uint8Array[]; ocspResponses: Uint8Array[] };
  /** Network access for revocation data; undefined = offline. */
  fetch?: typeof globalThis.fetch;
}

/** Parses DER certificates, dropping the ones that do not parse (DSS content is untrusted input). */
export async function parseAll(ders: readonly Uint8Array[]): Promise<ParsedCertificate[]> {
  const out: ParsedCertificate[] = [];
  for (const der of ders) {
    try {
      out.push(await getParsedCertificate(der));
    } catch {
      // an unreadable certificate cannot help build a path; the path check reports what is missing
    }
  }
  return out;
}

/**
 * The trusted certification path of `cert` (cert first, anchor last), or undefined when none exists. Uses the chain
 * cache of the CMS verifier, so asking again for the same certificate set costs only the validity comparison.
 */
export async function trustedPath(cert: ParsedCertificate, pool: readonly ParsedCertificate[], store: TrustStore, at: Date): Promise<ParsedCertificate[] | undefined> {
  const outcome = await validateChain(cert, pool, store, at);
  const trusted = outcome.checks.find((c) => c.id === 'chain.trusted');
  return trusted?.status === 'passed' && outcome.path.length >= 2 ? outcome.path : undefined;
}

/** True when some certificate of the path, other than the trust anchor, is past its notAfter at `at`. */
export function pathExpiredAt(path: readonly ParsedCertificate[], at: Date): boolean {
  return path.slice(0, -1).some((c) => at.getTime() > c.notAfter.getTime());
}

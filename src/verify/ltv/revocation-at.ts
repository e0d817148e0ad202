// The revocation status of one certificate at one moment: first from the data the document carries (DSS, CMS),
// then — only when that does not decide and the caller allows network — from the CRL/OCSP URLs in the certificate.
import { certIdMatches } from '../../revocation/check/cert-id.js';
import { checkRevocation, type RevocationResult } from '../../revocation/check/check-revocation.js';
import { fetchRevocationData } from '../../revocation/check/fetch-revocation-data.js';
import { parseOcspResponse } from '../../revocation/check/parse-ocsp.js';
import { getParsedCertificate } from '../cms/parsed-certificate.js';
import type { Check } from '../report.js';

export interface RevocationAtInput {
  certificate: Uint8Array;
  issuer: Uint8Array;
  at: Date;
  /** Revocation data carried by the document. */
  crls: readonly Uint8Array[];
  ocspResponses: readonly Uint8Array[];
  /** Network access for revocation data; undefined = offline. */
  fetch?: typeof globalThis.fetch;
  fetchTimeoutMs?: number;
}

export interface RevocationAt {
  /** 'unknown' also when there was no data at all (see `hadData`). */
  status: RevocationResult['status'];
  revokedAt?: Date;
  reason?: string;
  revokedAfter?: boolean;
  /** Where the deciding data came from. */
  source: 'embedded' | 'online' | 'none';
  hadData: boolean;
  /** Detailed revocation.* checks from the revocation module (CRL/OCSP weighed, status). */
  checks: Check[];
  /** Why fetching failed, when it was tried. */
  fetchErrors: string[];
}

function fromResult(r: RevocationResult, source: RevocationAt['source'], hadData: boolean, fetchErrors: string[]): RevocationAt {
  const out: RevocationAt = { status: r.status, source: r.status === 'unknown' ? 'none' : source, hadData, checks: r.checks, fetchErrors };
  if (r.revokedAt) out.revokedAt = r.revokedAt;
  if (r.reason) out.reason = r.reason;
  if (r.revokedAfter) out.revokedAfter = true;
  return out;
}

/**
 * A DSS holds the OCSP responses of every certificate in the document (signer, authorities, intermediates). Only those
 * about this certificate are weighed, so the others do not show up as "unusable response" warnings; unreadable ones
 * are kept, and the revocation module reports them.
 */
async function ocspAbout(responses: readonly Uint8Array[], certificate: Uint8Array, issuer: Uint8Array): Promise<Uint8Array[]> {
  if (responses.length === 0) return [];
  const cert = await getParsedCertificate(certificate);
  const iss = await getParsedCertificate(issuer);
  const out: Uint8Array[] = [];
  for (const der of responses) {
    let singles;
    try {
      singles = parseOcspResponse(der).responses;
    } catch {
      out.push(der);
      continue;
    }
    for (const r of singles) {
      if (await certIdMatches(r.certId, iss, cert.serialHex, cert.issuerDer)) {
        out.push(der);
        break;
      }
    }
  }
  return out;
}

export async function revocationAt(input: RevocationAtInput): Promise<RevocationAt> {
  const base = { certificate: input.certificate, issuer: input.issuer, at: input.at };
  const ocspResponses = await ocspAbout(input.ocspResponses, input.certificate, input.issuer);
  const embedded = input.crls.length + ocspResponses.length > 0;
  let first: RevocationResult | undefined;
  if (embedded) {
    first = await checkRevocation({ ...base, crls: [...input.crls], ocspResponses });
    if (first.status !== 'unknown' || !input.fetch) return fromResult(first, 'embedded', true, []);
  }
  if (!input.fetch) return { status: 'unknown', source: 'none', hadData: false, checks: [], fetchErrors: [] };
  let fetched;
  try {
    fetched = await fetchRevocationData(input.certificate, input.issuer, { fetch: input.fetch, timeoutMs: input.fetchTimeoutMs ?? 10_000 });
  } catch (e) {
    const errors = [(e as Error).message];
    if (first) return fromResult(first, 'embedded', true, errors);
    return { status: 'unknown', source: 'none', hadData: false, checks: [], fetchErrors: errors };
  }
  // Embedded and fetched data are weighed together: a revocation found in either counts.
  const all = await checkRevocation({
    ...base,
    crls: [...input.crls, ...fetched.crls],
    ocspResponses: [...ocspResponses, ...fetched.ocspResponses],
  });
  return fromResult(all, 'online', true, fetched.errors);
}

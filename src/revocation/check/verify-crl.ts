// Is this CRL really from the certificate's issuer? Name match, key identifier, cRLSign, signature. Browser-safe.
import { getParsedCertificate, KEY_USAGE, type ParsedCertificate } from '../../verify/cms/parsed-certificate.js';
import { verifyRawSignature } from '../../verify/cms/verify-raw-signature.js';
import type { ParsedCrl } from './parse-crl.js';
import { VerificationMemo } from './verification-memo.js';

export interface RevocationDataVerification {
  ok: boolean;
  /** Why it failed (empty when ok). */
  problems: string[];
  /** One line for Check.detail. */
  detail: string;
}

function outcome(problems: string[], okDetail: string): RevocationDataVerification {
  return { ok: problems.length === 0, problems, detail: problems.length === 0 ? okDetail : problems.join('; ') };
}

const memo = new VerificationMemo<ParsedCrl, RevocationDataVerification>(8);

export function clearCrlVerificationCache(): void {
  memo.clear();
}

/** A copy, so a caller changing its result cannot change what the next caller gets. */
export const copyVerification = <R extends RevocationDataVerification>(r: R): R => ({ ...r, problems: [...r.problems] });

/**
 * Verifies a parsed CRL against the issuer certificate (DER or parsed): the CRL issuer name equals the issuer's
 * subject, the authority key identifier (if both sides have one) matches, the issuer may sign CRLs (keyUsage
 * cRLSign when the extension is present), no unknown critical extension, and the signature verifies with the
 * issuer's key (SHA-256 or stronger; SHA-1 signatures are refused as elsewhere in ekasarn). The outcome is remembered
 * per (parsed CRL, issuer certificate): it does not depend on any time, so a cached "ok" is valid for every `at`.
 */
export async function verifyCrl(crl: ParsedCrl, issuerCert: Uint8Array | ParsedCertificate): Promise<RevocationDataVerification> {
  const issuer = issuerCert instanceof Uint8Array ? await getParsedCertificate(issuerCert) : issuerCert;
  return copyVerification(await memo.get(crl, issuer.fingerprint, () => verifyCrlUncached(crl, issuer)));
}

async function verifyCrlUncached(crl: ParsedCrl, issuer: ParsedCertificate): Promise<RevocationDataVerification> {
  const problems: string[] = [];
  if (crl.issuerKey !== issuer.subjectKey) problems.push(`CRL issuer "${crl.issuer}" is not the certificate issuer "${issuer.subjectText}"`);
  if (crl.authorityKeyId && issuer.subjectKeyId && crl.authorityKeyId !== issuer.subjectKeyId) {
    problems.push(`CRL authority key id ${crl.authorityKeyId} does not match the issuer key id ${issuer.subjectKeyId}`);
  }
  if (issuer.keyUsage !== undefined && !(issuer.keyUsage & KEY_USAGE.cRLSign)) problems.push('the issuer certificate does not allow signing CRLs (keyUsage lacks cRLSign)');
  if (crl.unknownCriticalExtensions.length) problems.push(`CRL has unsupported critical extensions: ${crl.unknownCriticalExtensions.join(', ')}`);
  if (crl.crl.signature.algorithmId !== crl.crl.signatureAlgorithm.algorithmId) problems.push('CRL signature algorithm differs inside and outside the signed part');
  if (problems.length === 0) {
    const result = await verifyRawSignature({
      spkiDer: issuer.spki,
      spki: issuer.cert.subjectPublicKeyInfo,
      keyId: issuer.fingerprint,
      algorithm: crl.crl.signatureAlgorithm,
      signature: crl.crl.signatureValue.valueBlock.valueHexView,
      data: crl.crl.tbsView,
    });
    if (!result.ok) problems.push(`CRL signature: ${result.detail}`);
  }
  return outcome(problems, `CRL #${crl.crlNumber ?? '?'} from "${crl.issuer}", thisUpdate ${crl.thisUpdate.toISOString()}, signature verified`);
}


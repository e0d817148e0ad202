// Is this OCSP response really from someone entitled to speak for the issuer (RFC 6960 §4.2.2.2)? Browser-safe.
import { digest, toHex } from '../../verify/bytes.js';
import { getParsedCertificate, type ParsedCertificate } from '../../verify/cms/parsed-certificate.js';
import { verifyRawSignature } from '../../verify/cms/verify-raw-signature.js';
import { publicKeyBits } from './cert-id.js';
import type { ParsedOcspResponse } from './parse-ocsp.js';
import { REVOCATION_OID } from './revocation-oids.js';
import { VerificationMemo } from './verification-memo.js';
import { copyVerification, type RevocationDataVerification } from './verify-crl.js';

export interface OcspVerification extends RevocationDataVerification {
  /** Who signed: the CA itself, a responder certificate the CA issued for OCSP, or a locally trusted responder. */
  signer?: 'issuer' | 'delegated' | 'trusted-responder';
  /** DER of the delegated or trusted responder certificate. */
  responderCertificate?: Uint8Array;
}

async function matchesResponderId(resp: ParsedOcspResponse, c: ParsedCertificate): Promise<boolean> {
  const rid = resp.responderId;
  if (!rid) return false;
  // KeyHash is the SHA-1 of the subjectPublicKey bits (RFC 6960 §4.2.1), whatever else the response uses.
  if ('byKey' in rid) return toHex(await digest('SHA-1', publicKeyBits(c))) === rid.byKey;
  return c.subjectKey === rid.nameKey;
}

async function signedBy(resp: ParsedOcspResponse, c: ParsedCertificate): Promise<string | undefined> {
  const basic = resp.basic!;
  const r = await verifyRawSignature({
    spkiDer: c.spki,
    spki: c.cert.subjectPublicKeyInfo,
    keyId: c.fingerprint,
    algorithm: basic.signatureAlgorithm,
    signature: basic.signature.valueBlock.valueHexView,
    data: basic.tbsResponseData.tbsView,
  });
  return r.ok ? undefined : r.detail;
}

/** Problems with `c` as a responder delegated by `issuer`, or [] when it qualifies. */
async function delegationProblems(c: ParsedCertificate, issuer: ParsedCertificate, producedAt: Date): Promise<string[]> {
  const problems: string[] = [];
  if (c.issuerKey !== issuer.subjectKey) problems.push(`responder certificate "${c.subjectText}" was not issued by "${issuer.subjectText}"`);
  else {
    const r = await verifyRawSignature({
      spkiDer: issuer.spki,
      spki: issuer.cert.subjectPublicKeyInfo,
      keyId: issuer.fingerprint,
      algorithm: c.cert.signatureAlgorithm,
      signature: c.cert.signatureValue.valueBlock.valueHexView,
      data: c.cert.tbsView,
    });
    if (!r.ok) problems.push(`responder certificate "${c.subjectText}": ${r.detail}`);
  }
  if (!c.extKeyUsage?.includes(REVOCATION_OID.kpOcspSigning)) problems.push(`responder certificate "${c.subjectText}" lacks extended key usage OCSPSigning`);
  if (producedAt < c.notBefore || producedAt > c.notAfter) {
    problems.push(`responder certificate "${c.subjectText}" was not valid when the response was produced (${producedAt.toISOString()})`);
  }
  return problems;
}

const memo = new VerificationMemo<ParsedOcspResponse, OcspVerification>(8);

export function clearOcspVerificationCache(): void {
  memo.clear();
}

/**
 * Verifies an OCSP response's signature and the signer's authority for `issuerCert`: the issuer itself, a
 * delegated responder certificate (in the response) issued by it with EKU OCSPSigning and valid at producedAt, or
 * one of `trustedResponders` (RFC 6960 §4.2.2.2 "locally configured" — certificates trusted directly).
 * The outcome is remembered per (parsed response, issuer certificate, trusted responders in order): everything it
 * weighs is inside the response or those certificates (a delegated responder's validity is judged at producedAt),
 * never the validation time.
 */
export async function verifyOcspResponse(
  resp: ParsedOcspResponse,
  issuerCert: Uint8Array | ParsedCertificate,
  trustedResponders: readonly Uint8Array[] = [],
): Promise<OcspVerification> {
  if (resp.status !== 'successful' || !resp.basic || !resp.producedAt) {
    return { ok: false, problems: [`OCSP responder answered "${resp.status}"`], detail: `OCSP responder answered "${resp.status}"` };
  }
  const issuer = issuerCert instanceof Uint8Array ? await getParsedCertificate(issuerCert) : issuerCert;
  // A trusted responder that does not parse only matters (and throws, as it always did) if the issuer did not sign.
  const trusted = await Promise.all(trustedResponders.map((der) => getParsedCertificate(der).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))))));
  const signerKey = [issuer.fingerprint, ...trusted.map((c) => (c instanceof Error ? `!${c.message}` : c.fingerprint))].join('|');
  return copyVerification(await memo.get(resp, signerKey, () => verifyOcspUncached(resp, issuer, trusted)));
}

async function verifyOcspUncached(resp: ParsedOcspResponse, issuer: ParsedCertificate, trustedResponders: ReadonlyArray<ParsedCertificate | Error>): Promise<OcspVerification> {
  const producedAt = resp.producedAt!;
  const problems: string[] = [];
  const fail = (): OcspVerification => ({ ok: false, problems, detail: problems.join('; ') });

  if (await matchesResponderId(resp, issuer)) {
    const bad = await signedBy(resp, issuer);
    if (!bad) return { ok: true, problems: [], signer: 'issuer', detail: `OCSP response signed by the issuer "${issuer.subjectText}"` };
    problems.push(`OCSP signature by the issuer: ${bad}`);
    return fail();
  }
  for (const c of trustedResponders) {
    if (c instanceof Error) throw c;
    if (!(await matchesResponderId(resp, c))) continue;
    const bad = await signedBy(resp, c);
    if (!bad) return { ok: true, problems: [], signer: 'trusted-responder', responderCertificate: c.der, detail: `OCSP response signed by the trusted responder "${c.subjectText}"` };
    problems.push(`OCSP signature by trusted responder "${c.subjectText}": ${bad}`);
  }
  for (const der of resp.certificates) {
    let c: ParsedCertificate;
    try {
      c = await getParsedCertificate(der);
    } catch (e) {
      problems.push(`a certificate in the OCSP response does not parse: ${(e as Error).message}`);
      continue;
    }
    if (!(await matchesResponderId(resp, c))) continue;
    const delegation = await delegationProblems(c, issuer, producedAt);
    if (delegation.length) {
      problems.push(...delegation);
      continue;
    }
    const bad = await signedBy(resp, c);
    if (!bad) return { ok: true, problems: [], signer: 'delegated', responderCertificate: c.der, detail: `OCSP response signed by "${c.subjectText}", delegated by "${issuer.subjectText}"` };
    problems.push(`OCSP signature by "${c.subjectText}": ${bad}`);
  }
  if (problems.length === 0) problems.push('the OCSP responder is neither the issuer nor a responder certificate it delegated (responderID matches no known certificate)');
  return fail();
}

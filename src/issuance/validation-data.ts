import { readCertificateFields } from '../signing/index.js';

/** A certificate and its issuer: what a CRL or OCSP request is about. */
export interface CertificatePair {
  certificate: Uint8Array;
  issuer: Uint8Array;
}

/** Gathers revocation data (CRLs, OCSP responses) proving certificates unrevoked now, for the DSS (PAdES B-LT). */
export interface RevocationDataSource {
  collect(pairs: CertificatePair[]): Promise<{ crls: Uint8Array[]; ocspResponses: Uint8Array[] }>;
}

export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** Pairs every non-self-signed certificate in `certs` with its issuer among `certs` (by name). */
export function pairWithIssuers(certs: Uint8Array[]): CertificatePair[] {
  const fields = certs.map((c) => ({ der: c, f: readCertificateFields(c) }));
  const pairs: CertificatePair[] = [];
  for (const { der, f } of fields) {
    if (f.selfIssued) continue;
    const issuer = fields.find((x) => !sameBytes(x.der, der) && sameBytes(x.f.subjectDer, f.issuerDer));
    if (issuer) pairs.push({ certificate: der, issuer: issuer.der });
  }
  return pairs;
}

export function uniqueCertificates(certs: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const c of certs) if (!out.some((o) => sameBytes(o, c))) out.push(c);
  return out;
}

// Builds PAdES B-B / B-T / B-LT / B-LTA documents from real parts: the development CA, an in-process RFC 3161
// authority, CRLs and OCSP answers from the CA's revocation side, and the PDF incremental-update writer.
import { createHash } from 'node:crypto';
import { appendDss, embedSignature, openPdf, prepareSignature, signedRanges } from '../../../src/pdf/index.js';
import { buildCrl, createOcspResponder, emptyCaState, withIssuedCertificate, withRevocation, type CaState } from '../../../src/revocation/ca/index.js';
import { buildOcspRequest } from '../../../src/revocation/check/index.js';
import { x509 } from '../../../src/signing/dev-ca/x509-setup.js';
import { generateSigningKey } from '../../../src/signing/identity/generate-signing-key.js';
import {
  PadesSigner,
  addSignatureTimeStampToken,
  createDevRootCa,
  issueAgencySigningCertificate,
  signatureValueOf,
  type DevCa,
  type SigningIdentity,
} from '../../../src/signing/index.js';
import { createTimeStampAuthority, issueTsaCertificate, type TimeStampAuthority } from '../../../src/timestamp/authority/index.js';
import { buildTimeStampRequest, parseTimeStampResponse, parseTimeStampToken } from '../../../src/timestamp/index.js';

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

export interface Pki {
  ca: DevCa;
  /** Long-lived signer and authority, for the documents verified "now". */
  signer: SigningIdentity;
  tsa: TimeStampAuthority;
  tsaCertificate: Uint8Array;
  state: CaState;
}

export async function createPki(): Promise<Pki> {
  const ca = await createDevRootCa({ keyAlgorithm: 'P-256', commonName: 'ekasarn LTV test root' });
  const signer = await issueAgencySigningCertificate(ca, { agencyNameEn: 'LTV Test Agency', keyAlgorithm: 'P-256' });
  const tsaIdentity = await issueTsaCertificate(ca, { name: 'LTV test TSA' });
  const tsa = await createTimeStampAuthority({ identity: tsaIdentity });
  let state = emptyCaState();
  state = await withIssuedCertificate(state, signer.certificate);
  state = await withIssuedCertificate(state, tsaIdentity.certificate);
  return { ca, signer, tsa, tsaCertificate: tsaIdentity.certificate, state };
}

/**
 * A certificate that expires `notAfter` (whole seconds: X.509 time has no fractions). @peculiar/x509 directly,
 * because the dev CA counts validity in whole days. `tsa` gives the RFC 3161 profile (critical EKU timeStamping).
 */
export async function shortLivedIdentity(ca: DevCa, notAfter: Date, kind: 'signer' | 'tsa'): Promise<SigningIdentity> {
  const keys = await generateSigningKey('P-256');
  const caCert = new x509.X509Certificate(ca.certificate as Uint8Array<ArrayBuffer>);
  const caKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId;
  const serial = '01' + Array.from(globalThis.crypto.getRandomValues(new Uint8Array(15)), (b) => b.toString(16).padStart(2, '0')).join('');
  const eku = kind === 'tsa' ? new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.8'], true) : new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.emailProtection, '1.3.6.1.5.5.7.3.36'], false);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: `C=TH, O=ekasarn DEVELOPMENT - NOT FOR PRODUCTION, CN=Short-lived ${kind} ${serial.slice(0, 8)}`,
    issuer: caCert.subjectName,
    notBefore: new Date(Date.now() - 60_000),
    notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, false),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
      eku,
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      new x509.AuthorityKeyIdentifierExtension(caKeyId),
    ],
  });
  return { privateKey: keys.privateKey, certificate: new Uint8Array(cert.rawData), chain: [ca.certificate], keyAlgorithm: 'P-256' };
}

/** A token from the authority for a SHA-256 imprint: the same request/response bytes as over HTTP. */
export async function timestampToken(tsa: TimeStampAuthority, imprint: Uint8Array): Promise<Uint8Array> {
  const resp = parseTimeStampResponse(await tsa.respond(buildTimeStampRequest({ imprint }).der));
  if (!resp.token) throw new Error(`TSA refused: ${resp.statusText ?? resp.statusName}`);
  return resp.token;
}

export const genTimeOf = (token: Uint8Array): Date => parseTimeStampToken(token).tstInfo.genTime;

export interface Signed {
  pdf: Uint8Array;
  cms: Uint8Array;
  /** Adds the signature timestamp later (the CMS was signed earlier): writes it into the same /Contents. */
  addTimestamp(tsa: TimeStampAuthority): Promise<{ pdf: Uint8Array; token: Uint8Array }>;
}

/** PAdES B-B (optionally B-T right away): one signature over `unsigned`. */
export async function signDocument(unsigned: Uint8Array, identity: SigningIdentity, tsa?: TimeStampAuthority): Promise<Signed & { token?: Uint8Array }> {
  const signer = await PadesSigner.create(identity);
  const prepared = prepareSignature(unsigned, { kind: 'signature', contentsBytes: signer.maxCmsLength(8192), signingTime: new Date(), reason: 'LTV test' });
  const cms = await signer.signDigest(sha256(...signedRanges(prepared.pdf, prepared.byteRange)));
  const addTimestamp = async (authority: TimeStampAuthority) => {
    const token = await timestampToken(authority, sha256(signatureValueOf(cms)));
    return { pdf: embedSignature(prepared, addSignatureTimeStampToken(cms, token)), token };
  };
  if (!tsa) return { pdf: embedSignature(prepared, cms), cms, addTimestamp };
  const { pdf, token } = await addTimestamp(tsa);
  return { pdf, cms, token, addTimestamp };
}

/** PAdES B-LTA step: a document timestamp over everything so far (ByteRange digest), in a new revision. */
export async function addDocumentTimestamp(pdf: Uint8Array, tsa: TimeStampAuthority): Promise<{ pdf: Uint8Array; token: Uint8Array; signedBytes: Uint8Array }> {
  const prepared = prepareSignature(pdf, { kind: 'timestamp', contentsBytes: 8192 });
  const ranges = signedRanges(prepared.pdf, prepared.byteRange);
  const token = await timestampToken(tsa, sha256(...ranges));
  return { pdf: embedSignature(prepared, token), token, signedBytes: Buffer.concat(ranges) };
}

export async function crlOf(ca: DevCa, state: CaState): Promise<Uint8Array> {
  const now = new Date();
  return buildCrl(ca, state, { thisUpdate: now, nextUpdate: new Date(now.getTime() + 3_600_000), crlNumber: state.crlNumber + 1 });
}

export async function ocspOf(ca: DevCa, state: CaState, certificate: Uint8Array): Promise<Uint8Array> {
  return createOcspResponder(ca, state).respond(await buildOcspRequest(certificate, ca.certificate));
}

export { appendDss, openPdf, withIssuedCertificate, withRevocation };

/** The unsigned first revision of a signed document (the Typst output). */
export const unsignedPart = (signedPdf: Uint8Array): Uint8Array => signedPdf.slice(0, openPdf(signedPdf).revisions[0]!.end);

export const sleepUntil = async (t: number): Promise<void> => {
  const ms = t - Date.now();
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
};

/**
 * Verifies an RFC 3161 time-stamp token: that it covers the expected data, that its TSA signed it, that the TSA
 * certificate is bound by ESS signing-certificate(-v2), is a time-stamping certificate (critical EKU
 * id-kp-timeStamping, RFC 3161 §2.3) and chains to a trusted root. Reuses the CMS verifier's pieces (signer-info
 * reading, raw signature check, ESS comparison, path validation). Never throws: every problem is a Check.
 * Isomorphic.
 */
import { bytesEqual, digest, toHex } from '../verify/bytes.js';
import { ALLOWED_DIGESTS, digestNameOf, signatureSchemeOf, type HashName } from '../verify/cms/algorithms.js';
import { validateChain } from '../verify/cms/chain.js';
import { essMismatch, parseEssCertId } from '../verify/cms/ess-signing-certificate.js';
import { getParsedCertificate, nameKeyOf, summarizeCertificate, type ParsedCertificate } from '../verify/cms/parsed-certificate.js';
import type { AttrValue, SignerInfoData } from '../verify/cms/signer-info.js';
import { resolveTrustStore, type TrustStore } from '../verify/cms/trust-store.js';
import { verifyRawSignature } from '../verify/cms/verify-raw-signature.js';
import { SKIPPED_SUFFIX } from '../verify/messages.js';
import type { Check, CheckStatus, SignerSummary } from '../verify/report.js';
import { TST_CHECK_MESSAGES, TST_FAILURE_VERDICT, type TstCheckId } from './messages.js';
import { IMPRINT_HASHES, TSP_OID, type TimestampHash } from './oids.js';
import { parseTimeStampToken, type ParsedTimeStampToken, type TstInfo } from './token.js';

export interface VerifyTimeStampInput {
  /** DER of the time-stamp token (ContentInfo). */
  token: Uint8Array;
  /** The digest the token must carry (e.g. SHA-256 of the CMS signature value)… */
  imprint?: Uint8Array;
  /** …or the data itself (hashed with the token's imprint algorithm). Give one of the two. */
  data?: Uint8Array;
  /** Trusted roots for TSA certificates (DER) or a prepared TrustStore. Treat the array as immutable: it is memoised. */
  trustRoots: Uint8Array[] | TrustStore;
  /** Extra certificates (DER) to find the TSA certificate and intermediates when the token omits them (certReq false). */
  certificates?: Uint8Array[];
  /** When the certificate chain's validity is judged. Default: now. */
  validationTime?: Date;
}

export interface VerifyTimeStampResult {
  checks: Check[];
  /** The time the TSA attests, once the token parsed (trust it only if no check failed). */
  genTime?: Date;
  tstInfo?: TstInfo;
  tsa?: SignerSummary;
  /** Subjects from the TSA certificate up to the trust anchor (only the TSA when no trusted path exists). */
  chain?: string[];
}

export const TST_CHECK_ORDER: readonly TstCheckId[] = [
  'tst.parse',
  'tst.imprint',
  'tst.message-digest',
  'tst.signature',
  'tst.signing-certificate',
  'tst.eku',
  'tst.chain',
  'tst.validity',
];

export function makeTstCheck(id: TstCheckId, status: CheckStatus, detail?: string, onFailure = TST_FAILURE_VERDICT[id]): Check {
  const texts = TST_CHECK_MESSAGES[id];
  const message =
    status === 'failed' || status === 'warning'
      ? texts.failed
      : status === 'skipped'
        ? { th: texts.title.th + SKIPPED_SUFFIX.th, en: texts.title.en + SKIPPED_SUFFIX.en }
        : texts.passed;
  const check: Check = { id, status, message: { ...message }, onFailure };
  if (detail !== undefined) check.detail = detail;
  return check;
}

class Stop extends Error {
  constructor(readonly checkId: TstCheckId, message: string) {
    super(message);
  }
}

class CheckList {
  private readonly byId = new Map<string, Check>();
  private firstFailure?: string;
  add(id: TstCheckId, status: CheckStatus, detail?: string, onFailure?: Check['onFailure']): void {
    this.byId.set(id, makeTstCheck(id, status, detail, onFailure));
    if (status === 'failed' && !this.firstFailure) this.firstFailure = id;
  }
  finish(extra: Check[]): Check[] {
    const why = this.firstFailure ? `not checked because ${this.firstFailure} failed` : 'not checked';
    return [...TST_CHECK_ORDER.map((id) => this.byId.get(id) ?? makeTstCheck(id, 'skipped', why)), ...extra];
  }
}

async function checkImprint(input: VerifyTimeStampInput, tstInfo: TstInfo, list: CheckList): Promise<void> {
  const alg = tstInfo.imprint.algorithm;
  const info = IMPRINT_HASHES[alg as TimestampHash];
  if (!info) {
    list.add('tst.imprint', 'failed', `the token's imprint uses ${alg}; only SHA-256, SHA-384 and SHA-512 are accepted`, 'INDETERMINATE');
    return;
  }
  let expected: Uint8Array;
  if (input.imprint !== undefined) {
    if (!(input.imprint instanceof Uint8Array)) return list.add('tst.imprint', 'failed', 'imprint: expected a Uint8Array digest', 'INDETERMINATE');
    if (input.imprint.length !== info.length) {
      return list.add('tst.imprint', 'failed', `the token imprint is ${alg} (${info.length} bytes) but the expected digest has ${input.imprint.length} bytes`);
    }
    expected = input.imprint;
  } else if (input.data instanceof Uint8Array) {
    expected = await digest(alg as TimestampHash, input.data);
  } else {
    return list.add('tst.imprint', 'failed', 'neither imprint nor data was given, so the token cannot be tied to anything', 'INDETERMINATE');
  }
  const actual = tstInfo.imprint.digest;
  if (bytesEqual(actual, expected)) list.add('tst.imprint', 'passed', `${alg} ${toHex(actual)}`);
  else list.add('tst.imprint', 'failed', `token imprint ${alg} ${toHex(actual)} ≠ expected ${toHex(expected)}`);
}

function singleAttribute(si: SignerInfoData, oid: string, name: string): AttrValue | undefined {
  const matches = si.signedAttrs!.attributes.filter((a) => a.type === oid);
  if (matches.length === 0) return undefined;
  if (matches.length > 1 || matches[0]!.values.length !== 1) throw new Stop('tst.parse', `${name} attribute must appear once with one value`);
  return matches[0]!.values[0]!;
}

async function findSigner(si: SignerInfoData, certs: readonly ParsedCertificate[]): Promise<ParsedCertificate | undefined> {
  const sid = si.sid;
  if (sid.kind === 'issuerSerial') {
    const bySerial = certs.filter((c) => bytesEqual(c.serialBytes, sid.serial));
    const exact = bySerial.find((c) => bytesEqual(c.issuerDer, sid.issuerDer));
    if (exact || bySerial.length === 0) return exact;
    let issuerKey: string;
    try {
      issuerKey = nameKeyOf(sid.issuer());
    } catch (e) {
      // Found by fuzzing: the issuer name is decoded lazily, only here, so its errors escaped as internal errors.
      throw new Stop('tst.parse', `SignerInfo sid issuer name does not decode: ${(e as Error).message}`);
    }
    return bySerial.find((c) => c.issuerKey === issuerKey);
  }
  const ski = toHex(sid.ski);
  return certs.find((c) => c.subjectKeyId === ski);
}

function checkEku(tsa: ParsedCertificate, list: CheckList): void {
  const extensions = (tsa.cert.extensions ?? []).filter((e) => e.extnID === TSP_OID.extKeyUsage);
  if (extensions.length === 0) return list.add('tst.eku', 'failed', 'the TSA certificate has no extendedKeyUsage; RFC 3161 §2.3 requires a critical id-kp-timeStamping');
  const purposes = tsa.extKeyUsage ?? [];
  const problems: string[] = [];
  if (!extensions[0]!.critical) problems.push('extendedKeyUsage is not marked critical');
  if (!purposes.includes(TSP_OID.kpTimeStamping)) problems.push(`extendedKeyUsage ${purposes.join(', ') || '(empty)'} lacks id-kp-timeStamping`);
  else if (purposes.length !== 1) problems.push(`extendedKeyUsage has purposes besides id-kp-timeStamping: ${purposes.join(', ')}`);
  if (problems.length) list.add('tst.eku', 'failed', `${problems.join('; ')} (RFC 3161 §2.3)`);
  else list.add('tst.eku', 'passed', 'extendedKeyUsage: critical, id-kp-timeStamping only');
}

async function run(input: VerifyTimeStampInput, list: CheckList, result: VerifyTimeStampResult): Promise<void> {
  if (!input || typeof input !== 'object') throw new Stop('tst.parse', 'input: expected { token, imprint | data, trustRoots }');
  let parsed: ParsedTimeStampToken;
  try {
    parsed = parseTimeStampToken(input.token);
  } catch (e) {
    throw new Stop('tst.parse', (e as Error).message);
  }
  const { tstInfo, signerInfo: si } = parsed;
  result.tstInfo = tstInfo;
  const extra = input.certificates ?? [];
  if (!Array.isArray(extra) || !extra.every((c) => c instanceof Uint8Array)) throw new Stop('tst.parse', 'certificates: expected an array of DER Uint8Arrays');
  const certs: ParsedCertificate[] = [];
  for (const [i, der] of [...parsed.certificates, ...extra].entries()) {
    try {
      certs.push(await getParsedCertificate(der));
    } catch (e) {
      throw new Stop('tst.parse', `certificate #${i + 1} does not parse: ${(e as Error).message}`);
    }
  }
  if (!si.signedAttrs) throw new Stop('tst.parse', 'the SignerInfo has no signed attributes (RFC 3161 requires contentType, messageDigest and ESS signing-certificate)');
  const contentType = singleAttribute(si, TSP_OID.contentType, 'content-type')?.oid();
  if (contentType !== TSP_OID.tstInfo) {
    throw new Stop('tst.parse', `the content-type signed attribute is ${contentType ?? 'missing or unreadable'}, expected id-ct-TSTInfo ${TSP_OID.tstInfo}`);
  }
  const messageDigest = singleAttribute(si, TSP_OID.messageDigest, 'message-digest');
  const mdBytes = messageDigest?.tag === 0x04 ? messageDigest.content() : undefined;
  if (!mdBytes) throw new Stop('tst.parse', 'the message-digest signed attribute is missing or not an OCTET STRING');
  list.add('tst.parse', 'passed', `TSTInfo serial ${tstInfo.serialHex}, genTime ${tstInfo.genTimeText}, policy ${tstInfo.policy}; ${certs.length} certificate(s)`);
  result.genTime = tstInfo.genTime;

  await checkImprint(input, tstInfo, list);

  const hash = digestNameOf(si.digestAlgorithm.algorithmId);
  if (!hash || !ALLOWED_DIGESTS.has(hash as HashName)) {
    throw new Stop('tst.message-digest', `digest algorithm ${hash ?? si.digestAlgorithm.algorithmId} is not allowed (SHA-256, SHA-384, SHA-512)`);
  }
  const actual = await digest(hash as HashName, parsed.tstInfoDer);
  if (bytesEqual(actual, mdBytes)) list.add('tst.message-digest', 'passed', `${hash} of the TSTInfo ${toHex(actual)}`);
  else list.add('tst.message-digest', 'failed', `signed ${hash} ${toHex(mdBytes)} ≠ ${hash} of the TSTInfo ${toHex(actual)}`);

  const tsa = await findSigner(si, certs);
  if (!tsa) {
    throw new Stop('tst.signature', 'the TSA certificate is neither in the token nor among the given certificates (request tokens with certReq)');
  }
  result.tsa = summarizeCertificate(tsa);
  result.chain = [tsa.subjectText];
  const scheme = signatureSchemeOf(si.signatureAlgorithm);
  if (typeof scheme !== 'string' && scheme.hash && scheme.hash !== hash) {
    list.add('tst.signature', 'failed', `signatureAlgorithm ${scheme.label} disagrees with digestAlgorithm ${hash}`, 'INDETERMINATE');
  } else {
    const sig = await verifyRawSignature({
      spkiDer: tsa.spki,
      spki: tsa.cert.subjectPublicKeyInfo,
      keyId: tsa.fingerprint,
      algorithm: si.signatureAlgorithm,
      hashOverride: hash as HashName,
      signature: si.signature,
      data: si.signedAttrs.encoded,
    });
    if (sig.ok) list.add('tst.signature', 'passed', `${sig.label}${sig.keyBits ? `, ${sig.keyBits}-bit key` : ''}; TSA ${tsa.subjectText}`);
    else list.add('tst.signature', 'failed', sig.detail, sig.reason === 'bad-signature' ? undefined : 'INDETERMINATE');
  }

  // RFC 3161 §2.4.2 requires ESS signing-certificate; RFC 5816 allows signing-certificate-v2 instead.
  const problems: string[] = [];
  const confirmed: string[] = [];
  for (const [oid, version] of [[TSP_OID.signingCertificateV2, 2], [TSP_OID.signingCertificateV1, 1]] as const) {
    const values = si.signedAttrs.attributes.filter((a) => a.type === oid).flatMap((a) => a.values);
    if (values.length === 0) continue;
    if (values.length !== 1) {
      problems.push(`signing-certificate v${version} must have exactly one value`);
      continue;
    }
    const id = parseEssCertId(values[0]!, version);
    const mismatch = typeof id === 'string' ? `malformed: ${id}` : await essMismatch(id, tsa);
    if (mismatch) problems.push(`signing-certificate v${version}: ${mismatch}`);
    else confirmed.push(`v${version} certHash${typeof id !== 'string' && id.issuerSerial ? ' and issuerSerial' : ''} match`);
  }
  if (problems.length) list.add('tst.signing-certificate', 'failed', problems.join('; '));
  else if (confirmed.length) list.add('tst.signing-certificate', 'passed', confirmed.join('; '));
  else list.add('tst.signing-certificate', 'failed', 'no ESS signing-certificate(-v2) attribute: RFC 3161 §2.4.2 requires one');

  checkEku(tsa, list);

  const at = input.validationTime ?? new Date();
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new Stop('tst.validity', 'validationTime: expected a valid Date');
  const store = await resolveTrustStore(input.trustRoots ?? []);
  const chain = await validateChain(tsa, certs, store, at);
  result.chain = chain.path.map((c) => c.subjectText);
  const byId = new Map(chain.checks.map((c) => [c.id, c]));
  const structural = ['chain.trusted', 'chain.ca-constraints', 'chain.signer-key-usage', 'chain.critical-extensions'].map((id) => byId.get(id)!);
  const failedParts = structural.filter((c) => c.status === 'failed');
  const details = structural.filter((c) => c.detail).map((c) => `${c.id}: ${c.detail}`);
  if (failedParts.length) list.add('tst.chain', 'failed', failedParts.map((c) => `${c.id}: ${c.detail ?? 'failed'}`).join('; '));
  else list.add('tst.chain', 'passed', details.join('; '));

  // The TSA certificate must have been valid when it signed (genTime) and the path is judged at validationTime.
  const validity = byId.get('chain.validity')!;
  const genTime = tstInfo.genTime.getTime();
  const atGenTime = genTime < tsa.notBefore.getTime() || genTime > tsa.notAfter.getTime()
    ? `genTime ${tstInfo.genTime.toISOString()} is outside the TSA certificate validity ${tsa.notBefore.toISOString()} – ${tsa.notAfter.toISOString()}`
    : undefined;
  if (validity.status === 'failed' || atGenTime) list.add('tst.validity', 'failed', [atGenTime, validity.status === 'failed' ? validity.detail : undefined].filter(Boolean).join('; '));
  else list.add('tst.validity', validity.status === 'skipped' ? 'skipped' : 'passed', `genTime within the TSA certificate validity; path ${validity.detail ?? ''}`.trim());
}

/** Verifies a time-stamp token. Never throws; checks appear in TST_CHECK_ORDER, unreached ones as 'skipped'. */
export async function verifyTimeStampToken(input: VerifyTimeStampInput): Promise<VerifyTimeStampResult> {
  const list = new CheckList();
  const result: VerifyTimeStampResult = { checks: [] };
  const extra: Check[] = [];
  try {
    await run(input, list, result);
  } catch (e) {
    if (e instanceof Stop) list.add(e.checkId, 'failed', e.message);
    else {
      extra.push({
        id: 'verify.internal-error',
        status: 'failed',
        onFailure: 'INDETERMINATE',
        message: { th: 'เกิดข้อผิดพลาดภายในระหว่างตรวจตราประทับเวลา', en: 'An internal error occurred while checking the timestamp.' },
        detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      });
    }
  }
  result.checks = list.finish(extra);
  return result;
}

// Cryptographic verification of one detached CMS SignedData (PAdES / CAdES baseline) over given content.
// Every problem becomes a Check; nothing escapes as an exception.
import * as asn1js from 'asn1js';
import { bytesEqual, concatBytes, digest, toHex } from '../bytes.js';
import { childrenOf, oidAt, readTlv, slice, TAG } from '../der.js';
import type { CheckId } from '../messages.js';
import { makeCheck, type Check, type CheckStatus, type SignerSummary } from '../report.js';
import { ALLOWED_DIGESTS, digestNameOf, signatureSchemeOf, type HashName } from './algorithms.js';
import { validateChain } from './chain.js';
import { essMismatch, parseEssCertId } from './ess-signing-certificate.js';
import { OID } from './oids.js';
import { getParsedCertificate, nameKeyOf, summarizeCertificate, type ParsedCertificate } from './parsed-certificate.js';
import { readSignerInfo, type AttrValue, type SignerInfoData } from './signer-info.js';
import { resolveTrustStore, type TrustStore } from './trust-store.js';
import { verifyRawSignature } from './verify-raw-signature.js';
import { fromBerSafe } from './safe-ber.js';

/** Precomputed digests of the signed content, for callers that hashed the byte ranges while streaming. */
export interface ContentDigests {
  sha256?: Uint8Array;
  sha384?: Uint8Array;
  sha512?: Uint8Array;
}

export interface VerifyCmsInput {
  /** DER (or BER) CMS ContentInfo. Trailing zero bytes (PDF /Contents padding) are tolerated. */
  cms: Uint8Array;
  /** The signed bytes (the PDF byte ranges, in order) or their digest(s). */
  signedContent: Uint8Array[] | ContentDigests;
  /** Trusted root certificates (DER) or a prepared TrustStore. Treat the array as immutable: it is memoised. */
  trustRoots: Uint8Array[] | TrustStore;
  /** Time at which certificate validity is judged. Default: now. */
  validationTime?: Date;
}

export interface VerifyCmsResult {
  checks: Check[];
  signer?: SignerSummary;
  /** Subjects from the signer to the trust anchor (or just the signer when no trusted path exists). */
  chain?: string[];
  /** For later steps (timestamps over the signature value, LTV data): DER of the signer certificate. */
  signerCertificate?: Uint8Array;
  /** The SignerInfo signature value (an RFC 3161 signature timestamp covers these bytes). */
  signatureValue?: Uint8Array;
  /** Unsigned attributes by OID, each value as DER (e.g. 1.2.840.113549.1.9.16.2.14 signature timestamp). */
  unsignedAttributes?: Array<{ type: string; values: Uint8Array[] }>;
  digestAlgorithm?: string;
}

/** Order of checks in the result; ids not reached are reported as 'skipped'. */
export const CMS_CHECK_ORDER: readonly CheckId[] = [
  'cms.parse',
  'cms.signer-count',
  'cms.detached',
  'cms.digest-algorithm',
  'cms.signed-attributes',
  'cms.message-digest',
  'cms.signer-certificate',
  'cms.signature-algorithm',
  'cms.signature',
  'pades.signing-certificate-v2',
  'cms.signing-certificate',
  'pades.no-signing-time',
  'chain.trusted',
  'chain.ca-constraints',
  'chain.signer-key-usage',
  'chain.critical-extensions',
  'chain.validity',
  'chain.signer-eku',
];

/** A structural problem: aborts the run and becomes a failed check with this id. */
class Stop extends Error {
  constructor(readonly checkId: CheckId, message: string) {
    super(message);
  }
}

class CheckList {
  private readonly byId = new Map<string, Check>();
  private firstFailure?: string;
  add(id: CheckId, status: CheckStatus, detail?: string): void {
    this.byId.set(id, makeCheck(id, status, detail));
    if (status === 'failed' && !this.firstFailure) this.firstFailure = id;
  }
  put(check: Check): void {
    this.byId.set(check.id, check);
    if (check.status === 'failed' && !this.firstFailure) this.firstFailure = check.id;
  }
  has(id: CheckId): boolean {
    return this.byId.has(id);
  }
  finish(extra: Check[] = []): Check[] {
    const why = this.firstFailure ? `not checked because ${this.firstFailure} failed` : 'not checked';
    const ordered = CMS_CHECK_ORDER.map((id) => this.byId.get(id) ?? makeCheck(id, 'skipped', why));
    return [...ordered, ...extra];
  }
}

function element(value: asn1js.AsnType | undefined, what: string): asn1js.AsnType {
  if (!value) throw new Stop('cms.parse', `${what} is missing`);
  return value;
}

/** Children of a constructed value without BER end-of-contents markers (indefinite-length encodings). */
function items(el: asn1js.AsnType): asn1js.AsnType[] {
  const value = (el as asn1js.Constructed).valueBlock?.value;
  if (!Array.isArray(value)) return [];
  return value.filter((v) => !(v instanceof asn1js.EndOfContent));
}

function isContext(el: asn1js.AsnType | undefined, tag: number): el is asn1js.Constructed {
  return !!el && el.idBlock.tagClass === 3 && el.idBlock.tagNumber === tag;
}

interface ParsedSignedData {
  eContentType: string;
  hasEContent: boolean;
  certificates: Uint8Array[];
  signerInfos: Array<{ bytes: Uint8Array; element: () => asn1js.AsnType }>;
}

function decodeOne(bytes: Uint8Array, what: string): asn1js.AsnType {
  const asn1 = fromBerSafe(bytes);
  if (asn1.offset === -1 || asn1.offset !== bytes.length) throw new Stop('cms.parse', `${what} does not decode: ${asn1.result.error || 'trailing data'}`);
  return asn1.result;
}

/**
 * Fast path for DER input: find the certificates and SignerInfos by their boundaries without decoding the
 * certificates (they are looked up in the certificate cache by bytes). Returns undefined for anything unusual
 * (BER indefinite lengths, unexpected tags), and the full asn1js parse below then decides.
 */
function fastParseSignedData(cms: Uint8Array): ParsedSignedData | undefined {
  const ci = readTlv(cms, 0);
  if (!ci || ci.tag !== TAG.SEQUENCE) return undefined;
  for (let i = ci.end; i < cms.length; i++) if (cms[i] !== 0) return undefined;
  const ciParts = childrenOf(cms, ci);
  if (!ciParts || ciParts.length !== 2 || ciParts[0]!.tag !== TAG.OID || ciParts[1]!.tag !== TAG.CONTEXT_0) return undefined;
  if (oidAt(cms, ciParts[0]) !== OID.signedData) return undefined;
  const sdWrap = childrenOf(cms, ciParts[1]!);
  if (!sdWrap || sdWrap.length !== 1 || sdWrap[0]!.tag !== TAG.SEQUENCE) return undefined;
  const fields = childrenOf(cms, sdWrap[0]!);
  if (!fields || fields.length < 4) return undefined;
  if (fields[0]!.tag !== TAG.INTEGER || fields[1]!.tag !== TAG.SET || fields[2]!.tag !== TAG.SEQUENCE) return undefined;
  const encap = childrenOf(cms, fields[2]!);
  const eContentType = oidAt(cms, encap?.[0]);
  if (!encap || !eContentType) return undefined;
  let i = 3;
  const certificates: Uint8Array[] = [];
  if (fields[i]?.tag === TAG.CONTEXT_0) {
    const certs = childrenOf(cms, fields[i]!);
    if (!certs) return undefined;
    for (const c of certs) if (c.tag === TAG.SEQUENCE) certificates.push(slice(cms, c));
    i++;
  }
  if (fields[i]?.tag === TAG.CONTEXT_1) i++;
  const sis = fields[i];
  if (!sis || sis.tag !== TAG.SET || i !== fields.length - 1) return undefined;
  const siParts = childrenOf(cms, sis);
  if (!siParts) return undefined;
  return {
    eContentType,
    hasEContent: encap.length > 1,
    certificates,
    signerInfos: siParts.map((t, n) => {
      const bytes = slice(cms, t);
      return { bytes, element: () => decodeOne(bytes, `SignerInfo #${n + 1}`) };
    }),
  };
}

function parseSignedData(cms: Uint8Array): ParsedSignedData {
  if (cms.length === 0) throw new Stop('cms.parse', 'cms is empty');
  const fast = fastParseSignedData(cms);
  if (fast) return fast;
  const asn1 = fromBerSafe(cms);
  if (asn1.offset === -1) throw new Stop('cms.parse', `not BER/DER: ${asn1.result.error || 'decoding failed'}`);
  for (let i = asn1.offset; i < cms.length; i++) {
    if (cms[i] !== 0) throw new Stop('cms.parse', `${cms.length - asn1.offset} bytes of non-zero data after the CMS object`);
  }
  const ci = asn1.result;
  if (!(ci instanceof asn1js.Sequence)) throw new Stop('cms.parse', 'ContentInfo is not a SEQUENCE');
  const [typeEl, contentEl] = items(ci);
  if (!(typeEl instanceof asn1js.ObjectIdentifier)) throw new Stop('cms.parse', 'ContentInfo contentType is not an OID');
  const contentType = typeEl.valueBlock.toString();
  if (contentType !== OID.signedData) throw new Stop('cms.parse', `contentType is ${contentType}, expected signedData ${OID.signedData}`);
  if (!isContext(contentEl, 0)) throw new Stop('cms.parse', 'ContentInfo content [0] is missing');
  const sd = items(contentEl)[0];
  if (!(sd instanceof asn1js.Sequence)) throw new Stop('cms.parse', 'SignedData is not a SEQUENCE');
  const fields = items(sd);
  const version = element(fields[0], 'SignedData version');
  if (!(version instanceof asn1js.Integer)) throw new Stop('cms.parse', 'SignedData version is not an INTEGER');
  if (!(element(fields[1], 'digestAlgorithms') instanceof asn1js.Set)) throw new Stop('cms.parse', 'digestAlgorithms is not a SET');
  const encap = element(fields[2], 'encapContentInfo');
  if (!(encap instanceof asn1js.Sequence)) throw new Stop('cms.parse', 'encapContentInfo is not a SEQUENCE');
  const eType = items(encap)[0];
  if (!(eType instanceof asn1js.ObjectIdentifier)) throw new Stop('cms.parse', 'eContentType is not an OID');
  let i = 3;
  const certificates: Uint8Array[] = [];
  if (isContext(fields[i], 0)) {
    for (const c of items(fields[i] as asn1js.Constructed)) {
      // Only X.509 certificates (a plain SEQUENCE); attribute certificates ([1]..[3]) and others are ignored.
      if (c instanceof asn1js.Sequence) certificates.push(c.valueBeforeDecodeView);
    }
    i++;
  }
  if (isContext(fields[i], 1)) i++; // revocation data: not used for the cryptographic core
  const signerInfos = element(fields[i], 'signerInfos');
  if (!(signerInfos instanceof asn1js.Set)) throw new Stop('cms.parse', 'signerInfos is not a SET');
  if (i !== fields.length - 1) throw new Stop('cms.parse', 'unexpected elements after signerInfos');
  return {
    eContentType: eType.valueBlock.toString(),
    hasEContent: items(encap).length > 1,
    certificates,
    signerInfos: items(signerInfos).map((el) => ({ bytes: el.valueBeforeDecodeView, element: () => el })),
  };
}

interface SignedAttributes {
  byType: Map<string, AttrValue[]>;
  /** The DER to be verified: the [0] IMPLICIT encoding re-tagged as SET OF (RFC 5652 §5.4). */
  encoded: Uint8Array;
}

function readSignedAttributes(si: SignerInfoData): SignedAttributes | string {
  if (!si.signedAttrs || si.signedAttrs.attributes.length === 0) return 'no signed attributes (PAdES requires them)';
  const byType = new Map<string, AttrValue[]>();
  for (const a of si.signedAttrs.attributes) {
    if (byType.has(a.type)) return `attribute ${a.type} appears more than once`;
    byType.set(a.type, a.values);
  }
  const encoded = si.signedAttrs.encoded;
  if (encoded[0] !== 0x31) return 'signed attributes encoding could not be recovered';
  return { byType, encoded };
}

function single(attrs: SignedAttributes, oid: string, tag: number, name: string): AttrValue | string {
  const values = attrs.byType.get(oid);
  if (!values) return `${name} attribute is missing`;
  if (values.length !== 1) return `${name} attribute must have exactly one value, has ${values.length}`;
  const v = values[0]!;
  if (v.tag !== tag) return `${name} attribute value has the wrong type`;
  return v;
}

async function contentDigest(signedContent: VerifyCmsInput['signedContent'], hash: HashName): Promise<Uint8Array | string> {
  if (Array.isArray(signedContent)) {
    for (let i = 0; i < signedContent.length; i++) {
      if (!(signedContent[i] instanceof Uint8Array)) return `signedContent[${i}]: expected a Uint8Array`;
    }
    return digest(hash, concatBytes(signedContent));
  }
  if (signedContent && typeof signedContent === 'object') {
    const key = hash === 'SHA-256' ? 'sha256' : hash === 'SHA-384' ? 'sha384' : hash === 'SHA-512' ? 'sha512' : undefined;
    const given = key ? (signedContent as ContentDigests)[key] : undefined;
    if (given instanceof Uint8Array) return given;
    return `signedContent: the signature uses ${hash} but no ${key ?? hash} digest was given`;
  }
  return 'signedContent: expected an array of Uint8Array byte ranges or an object with a sha256/sha384/sha512 digest';
}

async function findSigner(si: SignerInfoData, certs: readonly ParsedCertificate[]): Promise<ParsedCertificate | string> {
  const sid = si.sid;
  if (sid.kind === 'issuerSerial') {
    const bySerial = certs.filter((c) => bytesEqual(c.serialBytes, sid.serial));
    // Byte-identical issuer names are the norm; fall back to RFC 5280 name comparison only when needed.
    let found = bySerial.find((c) => bytesEqual(c.issuerDer, sid.issuerDer));
    if (!found && bySerial.length) {
      let issuerKey: string;
      try {
        issuerKey = nameKeyOf(sid.issuer());
      } catch (e) {
        // Found by fuzzing: the issuer name is decoded lazily, only here, so its errors escaped as internal errors.
        throw new Stop('cms.parse', `SignerInfo sid issuer name does not decode: ${(e as Error).message}`);
      }
      found = bySerial.find((c) => c.issuerKey === issuerKey);
    }
    return found ?? `no certificate in the CMS matches issuerAndSerialNumber (serial ${toHex(sid.serial)})`;
  }
  const ski = sid.ski;
  if (ski.length === 0) return 'SignerInfo sid subjectKeyIdentifier is empty';
  const skiHex = toHex(ski);
  for (const c of certs) {
    if (c.subjectKeyId === skiHex) return c;
    // RFC 5280 method (1): SHA-1 of the subjectPublicKey bits, for certificates without the extension.
    if (!c.subjectKeyId) {
      const h = await digest('SHA-1', c.cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
      if (bytesEqual(h, ski)) return c;
    }
  }
  return `no certificate in the CMS matches subjectKeyIdentifier ${skiHex}`;
}

async function checkEss(attrs: SignedAttributes, signer: ParsedCertificate, list: CheckList): Promise<void> {
  const v2 = attrs.byType.get(OID.signingCertificateV2);
  const v1 = attrs.byType.get(OID.signingCertificateV1);
  if (v2) list.add('pades.signing-certificate-v2', 'passed', 'ESS signing-certificate-v2 present');
  else list.add('pades.signing-certificate-v2', 'failed', v1 ? 'only ESS signing-certificate (v1, SHA-1) is present; PAdES baseline requires signing-certificate-v2' : 'ESS signing-certificate-v2 (1.2.840.113549.1.9.16.2.47) is missing');
  const problems: string[] = [];
  const confirmed: string[] = [];
  for (const [values, version] of [[v2, 2], [v1, 1]] as const) {
    if (!values) continue;
    if (values.length !== 1) {
      problems.push(`signing-certificate v${version} must have exactly one value`);
      continue;
    }
    const id = parseEssCertId(values[0]!, version);
    if (typeof id === 'string') {
      problems.push(`signing-certificate v${version} is malformed: ${id}`);
      continue;
    }
    const mismatch = await essMismatch(id, signer);
    if (mismatch) problems.push(`signing-certificate v${version}: ${mismatch}`);
    else confirmed.push(`v${version} certHash${id.issuerSerial ? ' and issuerSerial' : ''} match`);
  }
  if (problems.length) list.add('cms.signing-certificate', 'failed', problems.join('; '));
  else if (confirmed.length) list.add('cms.signing-certificate', 'passed', confirmed.join('; '));
  else list.add('cms.signing-certificate', 'skipped', 'no ESS signing-certificate attribute to compare');
}

async function run(input: VerifyCmsInput, list: CheckList, result: VerifyCmsResult): Promise<void> {
  if (!input || typeof input !== 'object') throw new Stop('cms.parse', 'input: expected an object { cms, signedContent, trustRoots }');
  if (!(input.cms instanceof Uint8Array)) throw new Stop('cms.parse', 'cms: expected a Uint8Array with the DER CMS');

  const sd = parseSignedData(input.cms);
  let si: SignerInfoData | undefined;
  const only = sd.signerInfos.length === 1 ? sd.signerInfos[0] : undefined;
  if (only) {
    try {
      si = readSignerInfo(only.bytes, only.element);
    } catch (e) {
      throw new Stop('cms.parse', `SignerInfo does not parse: ${(e as Error).message}`);
    }
  }
  const certs: ParsedCertificate[] = [];
  for (let i = 0; i < sd.certificates.length; i++) {
    try {
      certs.push(await getParsedCertificate(sd.certificates[i]!));
    } catch (e) {
      throw new Stop('cms.parse', `certificate #${i + 1} in the CMS does not parse: ${(e as Error).message}`);
    }
  }
  list.add('cms.parse', 'passed', `SignedData with ${sd.certificates.length} certificate(s)`);

  if (!si) throw new Stop('cms.signer-count', `${sd.signerInfos.length} SignerInfos, expected exactly 1`);
  list.add('cms.signer-count', 'passed');

  if (sd.hasEContent) throw new Stop('cms.detached', 'encapContentInfo carries eContent; a PDF signature must be detached');
  if (sd.eContentType !== OID.data) throw new Stop('cms.detached', `eContentType is ${sd.eContentType}, expected id-data ${OID.data}`);
  list.add('cms.detached', 'passed');

  const digestName = digestNameOf(si.digestAlgorithm.algorithmId);
  if (!digestName || !ALLOWED_DIGESTS.has(digestName as HashName)) {
    throw new Stop('cms.digest-algorithm', `digest algorithm ${digestName ?? si.digestAlgorithm.algorithmId} is not allowed (SHA-256, SHA-384, SHA-512)`);
  }
  const hash = digestName as HashName;
  result.digestAlgorithm = hash;
  list.add('cms.digest-algorithm', 'passed', hash);

  result.signatureValue = si.signature;
  if (si.unsignedAttrs) result.unsignedAttributes = si.unsignedAttrs;

  const attrs = readSignedAttributes(si);
  if (typeof attrs === 'string') throw new Stop('cms.signed-attributes', attrs);
  const ct = single(attrs, OID.contentType, TAG.OID, 'content-type');
  if (typeof ct === 'string') throw new Stop('cms.signed-attributes', ct);
  const ctOid = ct.oid();
  if (ctOid !== sd.eContentType) throw new Stop('cms.signed-attributes', `content-type attribute ${ctOid ?? '(unreadable)'} differs from eContentType ${sd.eContentType}`);
  const mdValue = single(attrs, OID.messageDigest, TAG.OCTET_STRING, 'message-digest');
  if (typeof mdValue === 'string') throw new Stop('cms.signed-attributes', mdValue);
  const md = mdValue.content();
  if (!md) throw new Stop('cms.signed-attributes', 'message-digest value is not a DER OCTET STRING');
  list.add('cms.signed-attributes', 'passed');

  const actual = await contentDigest(input.signedContent, hash);
  if (typeof actual === 'string') {
    // We could not compute the digest: that is not evidence of tampering, but nothing can be claimed either.
    list.put({ ...makeCheck('cms.message-digest', 'failed', actual), onFailure: 'INDETERMINATE' });
  } else if (bytesEqual(actual, md)) {
    list.add('cms.message-digest', 'passed', `${hash} ${toHex(actual)}`);
  } else {
    list.add('cms.message-digest', 'failed', `signed ${hash} ${toHex(md)} ≠ content ${hash} ${toHex(actual)}`);
  }

  const signer = await findSigner(si, certs);
  if (typeof signer === 'string') throw new Stop('cms.signer-certificate', signer);
  list.add('cms.signer-certificate', 'passed', `${signer.subjectText} (sha256 ${signer.fingerprint})`);
  result.signer = summarizeCertificate(signer);
  result.signerCertificate = signer.der;
  result.chain = [signer.subjectText];

  const scheme = signatureSchemeOf(si.signatureAlgorithm);
  if (typeof scheme !== 'string' && scheme.hash && scheme.hash !== hash) {
    list.add('cms.signature-algorithm', 'failed', `signatureAlgorithm ${scheme.label} disagrees with digestAlgorithm ${hash}`);
  } else {
    const sig = await verifyRawSignature({
      spkiDer: signer.spki,
      spki: signer.cert.subjectPublicKeyInfo,
      keyId: signer.fingerprint,
      algorithm: si.signatureAlgorithm,
      hashOverride: hash,
      signature: si.signature,
      data: attrs.encoded,
    });
    if (sig.ok) {
      list.add('cms.signature-algorithm', 'passed', `${sig.label}${sig.keyBits ? `, ${sig.keyBits}-bit key` : ''}`);
      list.add('cms.signature', 'passed');
    } else if (sig.reason === 'bad-signature') {
      list.add('cms.signature-algorithm', 'passed', sig.label ?? '');
      list.add('cms.signature', 'failed', sig.detail);
    } else {
      list.add('cms.signature-algorithm', 'failed', sig.detail);
    }
  }

  await checkEss(attrs, signer, list);

  const signingTime = attrs.byType.get(OID.signingTime);
  if (signingTime) {
    let when = 'unreadable value';
    try {
      const v = signingTime[0]?.asn1();
      if (v instanceof asn1js.UTCTime || v instanceof asn1js.GeneralizedTime) when = v.toDate().toISOString();
    } catch {
      // keep 'unreadable value': the time is only informative here
    }
    list.add('pades.no-signing-time', 'warning', `signing-time attribute present (${when}); PAdES baseline puts the time in /M`);
  } else {
    list.add('pades.no-signing-time', 'passed');
  }

  const at = input.validationTime ?? new Date();
  const store = await resolveTrustStore(input.trustRoots ?? []);
  const chain = await validateChain(signer, certs, store, at);
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    chain.checks = chain.checks.map((c) => (c.id === 'chain.validity' ? makeCheck('chain.validity', 'failed', 'validationTime: expected a valid Date') : c));
  }
  for (const c of chain.checks) list.put(c);
  result.chain = chain.path.map((c) => c.subjectText);
}

/**
 * Verify a detached CMS signature over the given content. Never throws: every failure is a check.
 * The checks appear in CMS_CHECK_ORDER; those not reached are 'skipped' with the reason in `detail`.
 */
export async function verifyCmsSignature(input: VerifyCmsInput): Promise<VerifyCmsResult> {
  const list = new CheckList();
  const result: VerifyCmsResult = { checks: [] };
  const extra: Check[] = [];
  try {
    await run(input, list, result);
  } catch (e) {
    if (e instanceof Stop) list.add(e.checkId, 'failed', e.message);
    else extra.push(makeCheck('verify.internal-error', 'failed', e instanceof Error ? `${e.name}: ${e.message}` : String(e)));
  }
  result.checks = list.finish(extra);
  return result;
}

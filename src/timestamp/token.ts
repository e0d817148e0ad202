/**
 * Reading RFC 3161 responses and time-stamp tokens. asn1js is used (not our DER scanner) because third-party TSAs
 * may send BER; the TSTInfo itself is signed content, so its original bytes are kept for hashing. Isomorphic.
 *
 *   TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken ContentInfo OPTIONAL }
 *   PKIStatusInfo ::= SEQUENCE { status INTEGER, statusString SEQUENCE OF UTF8String OPTIONAL, failInfo BIT STRING OPTIONAL }
 *   TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber, genTime, accuracy OPTIONAL,
 *                          ordering DEFAULT FALSE, nonce OPTIONAL, tsa [0] GeneralName OPTIONAL, extensions [1] OPTIONAL }
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { NAME_LABELS } from '../verify/cms/oids.js';
import { readSignerInfo, type SignerInfoData } from '../verify/cms/signer-info.js';
import { bitsSet, hexOf, integerHex, parseGeneralizedTime } from './der-values.js';
import { TimestampError } from './errors.js';
import { FAILURE_BITS, STATUS_NAMES, TSP_OID, hashByOid, type TimestampHash } from './oids.js';

export interface TstInfo {
  genTime: Date;
  /** genTime exactly as written (fractions finer than milliseconds are kept here). */
  genTimeText: string;
  /** Serial number, lowercase hex without the sign byte. */
  serialHex: string;
  nonceHex?: string;
  policy: string;
  imprint: { algorithm: TimestampHash | string; digest: Uint8Array };
  accuracy?: { seconds: number; millis: number; micros: number };
  ordering: boolean;
  /** The TSA name when the token carries one, as "C=TH, O=…, CN=…" (directoryName) or the plain name. */
  tsaName?: string;
  hasExtensions: boolean;
}

export interface TimeStampResponse {
  /** 0 granted, 1 grantedWithMods, 2 rejection, 3 waiting, 4 revocationWarning, 5 revocationNotification. */
  status: number;
  statusName: string;
  statusText?: string;
  /** Names of the PKIFailureInfo bits (e.g. ['badAlg']). */
  failInfo?: string[];
  /** The time-stamp token: DER (or the TSA's BER) of the ContentInfo, exactly as received. */
  token?: Uint8Array;
  tstInfo?: TstInfo;
}

export interface ParsedTimeStampToken {
  tstInfo: TstInfo;
  /** The eContent octets: the DER TSTInfo that the signature covers through messageDigest. */
  tstInfoDer: Uint8Array;
  /** DER certificates carried in the token (TSA certificate when certReq was set, maybe its chain). */
  certificates: Uint8Array[];
  signerInfo: SignerInfoData;
}

const fail = (message: string): never => {
  throw new TimestampError('malformed', message);
};

function decode(bytes: Uint8Array, what: string): asn1js.AsnType {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) fail(`${what}: expected non-empty DER bytes`);
  const r = asn1js.fromBER(bytes);
  if (r.offset === -1) fail(`${what}: not DER/BER (${r.result.error || 'decoding failed'})`);
  if (r.offset !== bytes.length) fail(`${what}: ${bytes.length - r.offset} bytes of trailing data`);
  return r.result;
}

/** Children without BER end-of-contents markers. */
function items(el: asn1js.AsnType | undefined): asn1js.AsnType[] {
  const value = (el as asn1js.Constructed | undefined)?.valueBlock?.value;
  return Array.isArray(value) ? value.filter((v) => !(v instanceof asn1js.EndOfContent)) : [];
}

const isContext = (el: asn1js.AsnType | undefined, tag: number): boolean => !!el && el.idBlock.tagClass === 3 && el.idBlock.tagNumber === tag;

function integerContent(el: asn1js.AsnType | undefined, what: string): Uint8Array {
  if (!(el instanceof asn1js.Integer)) return fail(`${what}: expected an INTEGER`);
  return el.valueBlock.valueHexView;
}

/** Unsigned value of a small INTEGER or IMPLICIT-tagged integer (accuracy fields). */
function smallUnsigned(el: asn1js.AsnType, what: string): number {
  const bytes = (el as asn1js.Primitive).valueBlock.valueHexView;
  if (!bytes || bytes.length === 0 || bytes.length > 4 || bytes[0]! & 0x80) fail(`${what}: expected a small non-negative INTEGER`);
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}

/** Content octets of an OCTET STRING, joining the segments of a BER constructed one. */
function octets(el: asn1js.AsnType | undefined, what: string): Uint8Array {
  if (!(el instanceof asn1js.OctetString)) return fail(`${what}: expected an OCTET STRING`);
  if (!el.idBlock.isConstructed) return el.valueBlock.valueHexView;
  const parts = items(el).map((p, i) => octets(p, `${what} segment ${i + 1}`));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function oidOf(el: asn1js.AsnType | undefined, what: string): string {
  if (!(el instanceof asn1js.ObjectIdentifier)) return fail(`${what}: expected an OBJECT IDENTIFIER`);
  return el.valueBlock.toString();
}

function nameText(rdns: pkijs.RelativeDistinguishedNames): string {
  return rdns.typesAndValues
    .map((tv) => `${NAME_LABELS[tv.type] ?? tv.type}=${typeof tv.value.valueBlock.value === 'string' ? tv.value.valueBlock.value : '#' + hexOf(tv.value.valueBlock.valueHexView)}`)
    .join(', ');
}

function generalNameText(el: asn1js.AsnType): string {
  try {
    const gn = new pkijs.GeneralName({ schema: el });
    if (gn.type === 4 && gn.value instanceof pkijs.RelativeDistinguishedNames) return nameText(gn.value);
    if (typeof gn.value === 'string') return gn.value;
  } catch {
    // fall through: an unusual GeneralName form is shown by its tag only
  }
  return `[GeneralName tag ${el.idBlock.tagNumber}]`;
}

/** Parses a DER TSTInfo (the eContent of a token). Throws TimestampError('malformed'). */
export function parseTstInfo(der: Uint8Array): TstInfo {
  const seq = decode(der, 'TSTInfo');
  if (!(seq instanceof asn1js.Sequence)) return fail('TSTInfo: expected a SEQUENCE');
  const f = items(seq);
  const version = integerContent(f[0], 'TSTInfo.version');
  if (version.length !== 1 || version[0] !== 1) fail(`TSTInfo.version ${integerHex(version)} is not v1`);
  const policy = oidOf(f[1], 'TSTInfo.policy');
  const mi = items(f[2]);
  const alg = items(mi[0]);
  if (!(f[2] instanceof asn1js.Sequence) || mi.length !== 2 || !(mi[0] instanceof asn1js.Sequence)) fail('TSTInfo.messageImprint: expected SEQUENCE { AlgorithmIdentifier, OCTET STRING }');
  const algOid = oidOf(alg[0], 'messageImprint.hashAlgorithm');
  const digest = octets(mi[1], 'messageImprint.hashedMessage');
  const serial = integerContent(f[3], 'TSTInfo.serialNumber');
  if (serial[0]! & 0x80) fail('TSTInfo.serialNumber is negative');
  const genEl = f[4];
  if (!(genEl instanceof asn1js.GeneralizedTime)) return fail('TSTInfo.genTime: expected a GeneralizedTime');
  const genTimeText = new TextDecoder().decode(genEl.valueBlock.valueHexView);
  const genTime = parseGeneralizedTime(genTimeText);
  if (!genTime) return fail(`TSTInfo.genTime "${genTimeText}" is not in the form YYYYMMDDHHMMSS[.f]Z`);

  const info: TstInfo = {
    genTime,
    genTimeText,
    serialHex: integerHex(serial),
    policy,
    imprint: { algorithm: hashByOid(algOid) ?? algOid, digest: digest.slice() },
    ordering: false,
    hasExtensions: false,
  };
  let i = 5;
  if (f[i] instanceof asn1js.Sequence) {
    const acc = { seconds: 0, millis: 0, micros: 0 };
    for (const part of items(f[i])) {
      if (part instanceof asn1js.Integer) acc.seconds = smallUnsigned(part, 'accuracy.seconds');
      else if (isContext(part, 0)) acc.millis = smallUnsigned(part, 'accuracy.millis');
      else if (isContext(part, 1)) acc.micros = smallUnsigned(part, 'accuracy.micros');
      else fail('TSTInfo.accuracy: unexpected field');
    }
    if (acc.millis > 999 || acc.micros > 999) fail('TSTInfo.accuracy: millis and micros must be 1–999');
    info.accuracy = acc;
    i++;
  }
  if (f[i] instanceof asn1js.Boolean) info.ordering = (f[i++] as asn1js.Boolean).getValue();
  if (f[i] instanceof asn1js.Integer) info.nonceHex = integerHex(integerContent(f[i++], 'TSTInfo.nonce'));
  if (isContext(f[i], 0)) {
    const inner = items(f[i++])[0];
    if (inner) info.tsaName = generalNameText(inner);
  }
  if (isContext(f[i], 1)) {
    info.hasExtensions = true;
    i++;
  }
  if (i !== f.length) fail('TSTInfo: unexpected trailing fields');
  return info;
}

/** Parses a time-stamp token (ContentInfo with SignedData over a TSTInfo). Throws TimestampError('malformed'). */
export function parseTimeStampToken(token: Uint8Array): ParsedTimeStampToken {
  const ci = decode(token, 'timeStampToken');
  const [typeEl, contentEl] = items(ci);
  if (!(ci instanceof asn1js.Sequence) || oidOf(typeEl, 'ContentInfo.contentType') !== TSP_OID.signedData) fail('timeStampToken: not a CMS SignedData ContentInfo');
  if (!isContext(contentEl, 0)) fail('timeStampToken: ContentInfo content [0] is missing');
  const sd = items(contentEl)[0];
  if (!(sd instanceof asn1js.Sequence)) return fail('timeStampToken: SignedData is not a SEQUENCE');
  const fields = items(sd);
  integerContent(fields[0], 'SignedData.version');
  if (!(fields[1] instanceof asn1js.Set)) fail('SignedData.digestAlgorithms: expected a SET');
  const encap = items(fields[2]);
  const eContentType = oidOf(encap[0], 'encapContentInfo.eContentType');
  if (eContentType !== TSP_OID.tstInfo) fail(`encapContentInfo.eContentType is ${eContentType}, expected id-ct-TSTInfo ${TSP_OID.tstInfo}`);
  if (!isContext(encap[1], 0)) fail('encapContentInfo: the TSTInfo (eContent) is missing');
  const tstInfoDer = octets(items(encap[1])[0], 'encapContentInfo.eContent').slice();
  const tstInfo = parseTstInfo(tstInfoDer);

  let i = 3;
  const certificates: Uint8Array[] = [];
  if (isContext(fields[i], 0)) {
    for (const c of items(fields[i])) if (c instanceof asn1js.Sequence) certificates.push(c.valueBeforeDecodeView.slice());
    i++;
  }
  if (isContext(fields[i], 1)) i++;
  const signerInfos = fields[i];
  if (!(signerInfos instanceof asn1js.Set) || i !== fields.length - 1) return fail('SignedData.signerInfos: expected a SET as the last field');
  const infos = items(signerInfos);
  if (infos.length !== 1) fail(`SignedData has ${infos.length} SignerInfos; a time-stamp token has exactly one (RFC 3161 §2.4.2)`);
  let signerInfo: SignerInfoData;
  try {
    signerInfo = readSignerInfo(infos[0]!.valueBeforeDecodeView, () => infos[0]!);
  } catch (e) {
    return fail(`SignerInfo does not parse: ${(e as Error).message}`);
  }
  return { tstInfo, tstInfoDer, certificates, signerInfo };
}

/** Parses a TimeStampResp. A rejection is returned (status ≥ 2), not thrown; only undecodable input throws. */
export function parseTimeStampResponse(der: Uint8Array): TimeStampResponse {
  const resp = decode(der, 'TimeStampResp');
  const [statusInfo, tokenEl, extra] = items(resp);
  if (!(resp instanceof asn1js.Sequence) || !(statusInfo instanceof asn1js.Sequence) || extra) fail('TimeStampResp: expected SEQUENCE { PKIStatusInfo, token OPTIONAL }');
  const parts = items(statusInfo);
  const statusBytes = integerContent(parts[0], 'PKIStatusInfo.status');
  const status = statusBytes.length === 1 ? statusBytes[0]! : -1;
  if (status < 0 || status > 5) fail(`PKIStatusInfo.status ${integerHex(statusBytes)} is not a defined PKIStatus`);
  const out: TimeStampResponse = { status, statusName: STATUS_NAMES[status]! };
  for (const p of parts.slice(1)) {
    if (p instanceof asn1js.Sequence) {
      out.statusText = items(p)
        .map((s) => (s as asn1js.Utf8String).valueBlock?.value)
        .filter((s): s is string => typeof s === 'string')
        .join('; ');
    } else if (p instanceof asn1js.BitString) {
      out.failInfo = bitsSet(new Uint8Array([0, ...p.valueBlock.valueHexView])).map((b) => FAILURE_BITS[b] ?? `bit${b}`);
    } else fail('PKIStatusInfo: unexpected field');
  }
  if (tokenEl) {
    out.token = tokenEl.valueBeforeDecodeView.slice();
    out.tstInfo = parseTimeStampToken(out.token).tstInfo;
  }
  return out;
}

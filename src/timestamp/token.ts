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
import { childrenOf, decodeOid, readTlv, type Tlv } from '../verify/der.js';
import { bitsSet, hexOf, integerHex, parseGeneralizedTime } from './der-values.js';
import { TimestampError } from './errors.js';
import { FAILURE_BITS, STATUS_NAMES, TSP_OID, hashByOid, type TimestampHash } from './oids.js';
import { fromBerSafe } from '../verify/cms/safe-ber.js';

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

/**
 * One ASN.1 element, from our DER scanner (fast: no object tree, used for the usual DER input) or adapted from
 * asn1js (for BER: indefinite lengths, constructed strings). The parsing code below only sees this interface.
 */
interface El {
  /** First identifier octet: class, constructed bit, tag number. */
  tag: number;
  /** Complete encoding (identifier, length, content). */
  raw: Uint8Array;
  /** Content octets (primitive elements). */
  content: Uint8Array;
  children(): El[];
}

const UNIVERSAL = { BOOLEAN: 0x01, INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, OCTET_STRING_C: 0x24, OID: 0x06, UTF8: 0x0c, GENERALIZED_TIME: 0x18, SEQUENCE: 0x30, SET: 0x31 } as const;

class BerFallback extends Error {}

function derElement(buf: Uint8Array, t: Tlv): El {
  return {
    tag: t.tag,
    raw: buf.subarray(t.start, t.end),
    content: buf.subarray(t.contentStart, t.end),
    children: () => {
      const kids = childrenOf(buf, t);
      if (!kids) throw new BerFallback();
      return kids.map((k) => derElement(buf, k));
    },
  };
}

function primitiveContent(raw: Uint8Array): Uint8Array {
  const t = readTlv(raw, 0);
  return t ? raw.subarray(t.contentStart, t.end) : new Uint8Array(0);
}

function asn1Element(a: asn1js.AsnType): El {
  const id = a.idBlock;
  const tag = ((id.tagClass - 1) << 6) | (id.isConstructed ? 0x20 : 0) | id.tagNumber;
  return {
    tag,
    raw: a.valueBeforeDecodeView,
    // Primitive BER elements always have a definite length, so their content octets can be cut from the raw bytes
    // (asn1js' own views differ by type: a BIT STRING's drops the unused-bits octet).
    content: id.isConstructed ? new Uint8Array(0) : primitiveContent(a.valueBeforeDecodeView),
    children: () => {
      const value = (a as asn1js.Constructed).valueBlock?.value;
      return Array.isArray(value) ? value.filter((v) => !(v instanceof asn1js.EndOfContent)).map(asn1Element) : [];
    },
  };
}

/** Parses `bytes` as one element and runs `read` on it: DER fast path first, asn1js (BER) if that fails. */
function withElement<T>(bytes: Uint8Array, what: string, read: (el: El) => T): T {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) fail(`${what}: expected non-empty DER bytes`);
  const top = readTlv(bytes, 0);
  if (top && top.end === bytes.length) {
    try {
      return read(derElement(bytes, top));
    } catch (e) {
      if (!(e instanceof BerFallback)) throw e;
    }
  }
  const r = fromBerSafe(bytes);
  if (r.offset === -1) fail(`${what}: not DER/BER (${r.result.error || 'decoding failed'})`);
  if (r.offset !== bytes.length) fail(`${what}: ${bytes.length - r.offset} bytes of trailing data`);
  return read(asn1Element(r.result));
}

function expectTag(el: El | undefined, tag: number, what: string): El {
  if (!el || el.tag !== tag) fail(`${what}: expected tag 0x${tag.toString(16)}, found ${el ? '0x' + el.tag.toString(16) : 'nothing'}`);
  return el!;
}

function integer(el: El | undefined, what: string): Uint8Array {
  const c = expectTag(el, UNIVERSAL.INTEGER, what).content;
  if (c.length === 0) fail(`${what}: empty INTEGER`);
  return c;
}

function oidOf(el: El | undefined, what: string): string {
  return decodeOid(expectTag(el, UNIVERSAL.OID, what).content) ?? fail(`${what}: malformed OBJECT IDENTIFIER`);
}

/** Unsigned value of a small INTEGER or IMPLICIT-tagged integer (accuracy fields). */
function smallUnsigned(el: El, what: string): number {
  const bytes = el.content;
  if (bytes.length === 0 || bytes.length > 4 || bytes[0]! & 0x80) fail(`${what}: expected a small non-negative INTEGER`);
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}

/** Content octets of an OCTET STRING, joining the segments of a BER constructed one. */
function octets(el: El | undefined, what: string): Uint8Array {
  if (el?.tag === UNIVERSAL.OCTET_STRING) return el.content;
  if (el?.tag !== UNIVERSAL.OCTET_STRING_C) return fail(`${what}: expected an OCTET STRING`);
  const parts = el.children().map((p, i) => octets(p, `${what} segment ${i + 1}`));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function nameText(rdns: pkijs.RelativeDistinguishedNames): string {
  return rdns.typesAndValues
    .map((tv) => `${NAME_LABELS[tv.type] ?? tv.type}=${typeof tv.value.valueBlock.value === 'string' ? tv.value.valueBlock.value : '#' + hexOf(tv.value.valueBlock.valueHexView)}`)
    .join(', ');
}

/** Text of a GeneralName: decoded with pkijs, which is slow but only runs for tokens that carry a TSA name. */
function generalNameText(raw: Uint8Array): string {
  try {
    const gn = new pkijs.GeneralName({ schema: asn1js.fromBER(raw).result });
    if (gn.type === 4 && gn.value instanceof pkijs.RelativeDistinguishedNames) return nameText(gn.value);
    if (typeof gn.value === 'string') return gn.value;
  } catch {
    // fall through: an unusual GeneralName form is shown by its tag only
  }
  return `[GeneralName tag 0x${raw[0]?.toString(16)}]`;
}

const LATIN1 = new TextDecoder('latin1');

function readTstInfo(seq: El): TstInfo {
  expectTag(seq, UNIVERSAL.SEQUENCE, 'TSTInfo');
  const f = seq.children();
  const version = integer(f[0], 'TSTInfo.version');
  if (version.length !== 1 || version[0] !== 1) fail(`TSTInfo.version ${integerHex(version)} is not v1`);
  const policy = oidOf(f[1], 'TSTInfo.policy');
  const mi = expectTag(f[2], UNIVERSAL.SEQUENCE, 'TSTInfo.messageImprint').children();
  if (mi.length !== 2) fail('TSTInfo.messageImprint: expected SEQUENCE { AlgorithmIdentifier, OCTET STRING }');
  const algOid = oidOf(expectTag(mi[0], UNIVERSAL.SEQUENCE, 'messageImprint.hashAlgorithm').children()[0], 'messageImprint.hashAlgorithm');
  const digest = octets(mi[1], 'messageImprint.hashedMessage');
  const serial = integer(f[3], 'TSTInfo.serialNumber');
  if (serial[0]! & 0x80) fail('TSTInfo.serialNumber is negative');
  const genTimeText = LATIN1.decode(expectTag(f[4], UNIVERSAL.GENERALIZED_TIME, 'TSTInfo.genTime').content);
  const genTime = parseGeneralizedTime(genTimeText) ?? fail(`TSTInfo.genTime "${genTimeText}" is not in the form YYYYMMDDHHMMSS[.f]Z`);

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
  if (f[i]?.tag === UNIVERSAL.SEQUENCE) {
    const acc = { seconds: 0, millis: 0, micros: 0 };
    for (const part of f[i]!.children()) {
      if (part.tag === UNIVERSAL.INTEGER) acc.seconds = smallUnsigned(part, 'accuracy.seconds');
      else if (part.tag === 0x80) acc.millis = smallUnsigned(part, 'accuracy.millis');
      else if (part.tag === 0x81) acc.micros = smallUnsigned(part, 'accuracy.micros');
      else fail('TSTInfo.accuracy: unexpected field');
    }
    if (acc.millis > 999 || acc.micros > 999) fail('TSTInfo.accuracy: millis and micros must be 1–999');
    info.accuracy = acc;
    i++;
  }
  if (f[i]?.tag === UNIVERSAL.BOOLEAN) info.ordering = f[i++]!.content[0] !== 0;
  if (f[i]?.tag === UNIVERSAL.INTEGER) info.nonceHex = integerHex(integer(f[i++], 'TSTInfo.nonce'));
  if (f[i]?.tag === 0xa0) {
    const inner = f[i++]!.children()[0];
    if (inner) info.tsaName = generalNameText(inner.raw);
  }
  if (f[i]?.tag === 0xa1) {
    info.hasExtensions = true;
    i++;
  }
  if (i !== f.length) fail('TSTInfo: unexpected trailing fields');
  return info;
}

/** Parses a DER TSTInfo (the eContent of a token). Throws TimestampError('malformed'). */
export function parseTstInfo(der: Uint8Array): TstInfo {
  return withElement(der, 'TSTInfo', readTstInfo);
}

function readToken(ci: El): ParsedTimeStampToken {
  const [typeEl, contentEl] = expectTag(ci, UNIVERSAL.SEQUENCE, 'timeStampToken').children();
  if (oidOf(typeEl, 'ContentInfo.contentType') !== TSP_OID.signedData) fail('timeStampToken: not a CMS SignedData ContentInfo');
  const sd = expectTag(expectTag(contentEl, 0xa0, 'ContentInfo content [0]').children()[0], UNIVERSAL.SEQUENCE, 'SignedData');
  const fields = sd.children();
  integer(fields[0], 'SignedData.version');
  expectTag(fields[1], UNIVERSAL.SET, 'SignedData.digestAlgorithms');
  const encap = expectTag(fields[2], UNIVERSAL.SEQUENCE, 'encapContentInfo').children();
  const eContentType = oidOf(encap[0], 'encapContentInfo.eContentType');
  if (eContentType !== TSP_OID.tstInfo) fail(`encapContentInfo.eContentType is ${eContentType}, expected id-ct-TSTInfo ${TSP_OID.tstInfo}`);
  if (encap[1]?.tag !== 0xa0) fail('encapContentInfo: the TSTInfo (eContent) is missing');
  const tstInfoDer = octets(encap[1]!.children()[0], 'encapContentInfo.eContent').slice();
  const tstInfo = parseTstInfo(tstInfoDer);

  let i = 3;
  const certificates: Uint8Array[] = [];
  if (fields[i]?.tag === 0xa0) {
    for (const c of fields[i]!.children()) if (c.tag === UNIVERSAL.SEQUENCE) certificates.push(c.raw.slice());
    i++;
  }
  if (fields[i]?.tag === 0xa1) i++;
  if (fields[i]?.tag !== UNIVERSAL.SET || i !== fields.length - 1) fail('SignedData.signerInfos: expected a SET as the last field');
  const infos = fields[i]!.children();
  if (infos.length !== 1) fail(`SignedData has ${infos.length} SignerInfos; a time-stamp token has exactly one (RFC 3161 §2.4.2)`);
  const siBytes = infos[0]!.raw;
  let signerInfo: SignerInfoData;
  try {
    signerInfo = readSignerInfo(siBytes, () => asn1js.fromBER(siBytes).result);
  } catch (e) {
    return fail(`SignerInfo does not parse: ${(e as Error).message}`);
  }
  return { tstInfo, tstInfoDer, certificates, signerInfo };
}

/** Parses a time-stamp token (ContentInfo with SignedData over a TSTInfo). Throws TimestampError('malformed'). */
export function parseTimeStampToken(token: Uint8Array): ParsedTimeStampToken {
  return withElement(token, 'timeStampToken', readToken);
}

/** Parses a TimeStampResp. A rejection is returned (status ≥ 2), not thrown; only undecodable input throws. */
export function parseTimeStampResponse(der: Uint8Array): TimeStampResponse {
  return withElement(der, 'TimeStampResp', (resp) => {
    const [statusInfo, tokenEl, extra] = expectTag(resp, UNIVERSAL.SEQUENCE, 'TimeStampResp').children();
    if (extra) fail('TimeStampResp: unexpected field after the token');
    const parts = expectTag(statusInfo, UNIVERSAL.SEQUENCE, 'PKIStatusInfo').children();
    const statusBytes = integer(parts[0], 'PKIStatusInfo.status');
    const status = statusBytes.length === 1 ? statusBytes[0]! : -1;
    if (status < 0 || status > 5) fail(`PKIStatusInfo.status ${integerHex(statusBytes)} is not a defined PKIStatus`);
    const out: TimeStampResponse = { status, statusName: STATUS_NAMES[status]! };
    for (const p of parts.slice(1)) {
      if (p.tag === UNIVERSAL.SEQUENCE) {
        out.statusText = p.children().filter((s) => s.tag === UNIVERSAL.UTF8).map((s) => new TextDecoder().decode(s.content)).join('; ');
      } else if (p.tag === UNIVERSAL.BIT_STRING) {
        out.failInfo = bitsSet(p.content).map((b) => FAILURE_BITS[b] ?? `bit${b}`);
      } else fail('PKIStatusInfo: unexpected field');
    }
    if (tokenEl) {
      out.token = tokenEl.raw.slice();
      out.tstInfo = readToken(tokenEl).tstInfo;
    }
    return out;
  });
}

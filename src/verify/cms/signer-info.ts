// Read a CMS SignerInfo (RFC 5652 §5.3) into plain data. A direct walk over the DER is used because pkijs'
// schema matching cost more than the signature verification itself; BER input falls back to pkijs.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { BoundedCache, toHex } from '../bytes.js';
import { childrenOf, decodeOid, oidAt, readTlv, slice, TAG } from '../der.js';
import { fromBerSafe } from './safe-ber.js';

/** One attribute value: its DER, decoded with asn1js only if someone asks (decoding is the expensive part). */
export class AttrValue {
  private decoded?: asn1js.AsnType;
  constructor(
    readonly der: Uint8Array,
    decoded?: asn1js.AsnType,
  ) {
    if (decoded) this.decoded = decoded;
  }
  get tag(): number {
    return this.der[0] ?? -1;
  }
  /** Content octets of a definite-length value, or undefined. */
  content(): Uint8Array | undefined {
    const t = readTlv(this.der, 0);
    return t && t.end === this.der.length ? this.der.subarray(t.contentStart, t.end) : undefined;
  }
  oid(): string | undefined {
    const c = this.tag === TAG.OID ? this.content() : undefined;
    return c ? decodeOid(c) : undefined;
  }
  asn1(): asn1js.AsnType {
    if (!this.decoded) {
      const r = fromBerSafe(this.der);
      if (r.offset === -1 || r.offset !== this.der.length) throw new SignerInfoError('attribute value does not decode');
      this.decoded = r.result;
    }
    return this.decoded;
  }
}

export interface SignerAttribute {
  type: string;
  values: AttrValue[];
}

export interface SignerInfoData {
  sid:
    | { kind: 'issuerSerial'; issuerDer: Uint8Array; issuer: () => pkijs.RelativeDistinguishedNames; serial: Uint8Array }
    | { kind: 'ski'; ski: Uint8Array };
  digestAlgorithm: pkijs.AlgorithmIdentifier;
  signedAttrs?: {
    /** DER of the attributes with the [0] IMPLICIT tag replaced by SET OF (0x31): the bytes that were signed. */
    encoded: Uint8Array;
    attributes: SignerAttribute[];
  };
  signatureAlgorithm: pkijs.AlgorithmIdentifier;
  signature: Uint8Array;
  unsignedAttrs?: Array<{ type: string; values: Uint8Array[] }>;
}

export class SignerInfoError extends Error {}

function decode(bytes: Uint8Array, what: string): asn1js.AsnType {
  const r = fromBerSafe(bytes);
  if (r.offset === -1 || r.offset !== bytes.length) throw new SignerInfoError(`${what} does not decode`);
  return r.result;
}

// Algorithm identifiers repeat across every signature; decoding them is not free, so keep the few seen.
const algorithmCache = new BoundedCache<string, pkijs.AlgorithmIdentifier>(256);

function algorithm(bytes: Uint8Array, what: string): pkijs.AlgorithmIdentifier {
  const key = toHex(bytes);
  const cached = algorithmCache.get(key);
  if (cached) return cached;
  const parsed = decodeAlgorithm(bytes, what);
  algorithmCache.set(key, parsed);
  return parsed;
}

function decodeAlgorithm(bytes: Uint8Array, what: string): pkijs.AlgorithmIdentifier {
  const seq = decode(bytes, what);
  if (!(seq instanceof asn1js.Sequence)) throw new SignerInfoError(`${what} is not a SEQUENCE`);
  const [oid, params] = seq.valueBlock.value;
  if (!(oid instanceof asn1js.ObjectIdentifier)) throw new SignerInfoError(`${what} has no algorithm OID`);
  return params
    ? new pkijs.AlgorithmIdentifier({ algorithmId: oid.valueBlock.toString(), algorithmParams: params })
    : new pkijs.AlgorithmIdentifier({ algorithmId: oid.valueBlock.toString() });
}

/** Attributes ::= SET OF SEQUENCE { type OID, values SET OF ANY }, read with the DER scanner. */
function attributes(bytes: Uint8Array, what: string): SignerAttribute[] | undefined {
  const outer = readTlv(bytes, 0);
  if (!outer || outer.end !== bytes.length) return undefined;
  const list = childrenOf(bytes, outer);
  if (!list) return undefined;
  const out: SignerAttribute[] = [];
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!;
    if (a.tag !== TAG.SEQUENCE) throw new SignerInfoError(`${what} #${i + 1} is not a SEQUENCE`);
    const parts = childrenOf(bytes, a);
    if (!parts) return undefined;
    const type = oidAt(bytes, parts[0]);
    const set = parts[1];
    if (!type || !set || set.tag !== TAG.SET || parts.length !== 2) throw new SignerInfoError(`${what} #${i + 1} is malformed`);
    const values = childrenOf(bytes, set);
    if (!values) return undefined;
    out.push({ type, values: values.map((v) => new AttrValue(slice(bytes, v))) });
  }
  return out;
}

function fromDer(bytes: Uint8Array): SignerInfoData | undefined {
  const top = readTlv(bytes, 0);
  if (!top || top.tag !== TAG.SEQUENCE || top.end !== bytes.length) return undefined;
  const f = childrenOf(bytes, top);
  if (!f || f.length < 5) return undefined;
  let i = 0;
  if (f[i++]!.tag !== TAG.INTEGER) return undefined;
  const sidTlv = f[i++]!;
  let sid: SignerInfoData['sid'];
  if (sidTlv.tag === TAG.SEQUENCE) {
    const parts = childrenOf(bytes, sidTlv);
    if (!parts || parts.length !== 2 || parts[0]!.tag !== TAG.SEQUENCE || parts[1]!.tag !== TAG.INTEGER) return undefined;
    const issuerDer = slice(bytes, parts[0]!);
    sid = {
      kind: 'issuerSerial',
      issuerDer,
      issuer: () => new pkijs.RelativeDistinguishedNames({ schema: decode(issuerDer, 'sid issuer') }),
      serial: bytes.subarray(parts[1]!.contentStart, parts[1]!.end),
    };
  } else if (sidTlv.tag === 0x80) {
    sid = { kind: 'ski', ski: bytes.subarray(sidTlv.contentStart, sidTlv.end) };
  } else return undefined;
  const digestAlgorithm = algorithm(slice(bytes, f[i++]!), 'digestAlgorithm');
  let signedAttrs: SignerInfoData['signedAttrs'];
  if (f[i]?.tag === TAG.CONTEXT_0) {
    const raw = slice(bytes, f[i++]!);
    const encoded = raw.slice();
    encoded[0] = 0x31;
    const list = attributes(raw, 'signedAttrs');
    if (!list) return undefined;
    signedAttrs = { encoded, attributes: list };
  }
  const sigAlgTlv = f[i++];
  const sigTlv = f[i++];
  if (!sigAlgTlv || sigAlgTlv.tag !== TAG.SEQUENCE || !sigTlv || sigTlv.tag !== 0x04) return undefined;
  const data: SignerInfoData = {
    sid,
    digestAlgorithm,
    signatureAlgorithm: algorithm(slice(bytes, sigAlgTlv), 'signatureAlgorithm'),
    signature: bytes.subarray(sigTlv.contentStart, sigTlv.end),
  };
  if (signedAttrs) data.signedAttrs = signedAttrs;
  if (f[i]?.tag === TAG.CONTEXT_1) {
    const list = attributes(slice(bytes, f[i++]!), 'unsignedAttrs');
    if (!list) return undefined;
    data.unsignedAttrs = list.map((a) => ({ type: a.type, values: a.values.map((v) => v.der.slice()) }));
  }
  if (i !== f.length) return undefined;
  return data;
}

function fromPkijs(element: asn1js.AsnType): SignerInfoData {
  let si: pkijs.SignerInfo;
  try {
    si = new pkijs.SignerInfo({ schema: element });
  } catch (e) {
    throw new SignerInfoError(`SignerInfo does not parse: ${(e as Error).message}`);
  }
  let sid: SignerInfoData['sid'];
  if (si.sid instanceof pkijs.IssuerAndSerialNumber) {
    const issuer = si.sid.issuer;
    sid = { kind: 'issuerSerial', issuerDer: new Uint8Array(issuer.valueBeforeDecode), issuer: () => issuer, serial: si.sid.serialNumber.valueBlock.valueHexView };
  } else {
    const raw = si.sid as asn1js.AsnType & { valueBlock: { valueHexView?: Uint8Array; value?: asn1js.AsnType[] } };
    const inner = raw.valueBlock.value?.[0];
    const ski = inner instanceof asn1js.OctetString ? inner.valueBlock.valueHexView : raw.valueBlock.valueHexView;
    if (!ski) throw new SignerInfoError('SignerInfo sid is neither issuerAndSerialNumber nor subjectKeyIdentifier');
    sid = { kind: 'ski', ski };
  }
  const data: SignerInfoData = {
    sid,
    digestAlgorithm: si.digestAlgorithm,
    signatureAlgorithm: si.signatureAlgorithm,
    signature: si.signature.valueBlock.valueHexView,
  };
  if (si.signedAttrs) {
    // pkijs keeps the original bytes with the first octet already changed from A0 to 31.
    data.signedAttrs = {
      encoded: new Uint8Array(si.signedAttrs.encodedValue),
      attributes: si.signedAttrs.attributes.map((a) => ({ type: a.type, values: a.values.map((v) => new AttrValue(v.valueBeforeDecodeView, v)) })),
    };
  }
  if (si.unsignedAttrs) {
    data.unsignedAttrs = si.unsignedAttrs.attributes.map((a) => ({ type: a.type, values: a.values.map((v) => new Uint8Array(v.toBER(false))) }));
  }
  return data;
}

/** Read a SignerInfo given its bytes (DER fast path) or, failing that, its asn1js element. Throws SignerInfoError. */
export function readSignerInfo(bytes: Uint8Array, element: () => asn1js.AsnType): SignerInfoData {
  return fromDer(bytes) ?? fromPkijs(element());
}

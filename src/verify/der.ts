// A minimal DER TLV scanner. Why: fully decoding a CMS with asn1js re-parses every embedded certificate on every
// verification, which dominated the cost; this finds element boundaries only, and the callers decode the small
// parts they need. It accepts definite lengths only — anything else makes the caller fall back to asn1js.

export interface Tlv {
  /** First identifier octet (class, constructed bit and tag number < 31). */
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

/** Read one TLV at `pos` that must end by `limit`; undefined if not plain DER-style definite-length. */
export function readTlv(buf: Uint8Array, pos: number, limit: number = buf.length): Tlv | undefined {
  if (pos + 2 > limit) return undefined;
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) return undefined; // high tag numbers: not used by the structures we scan
  let p = pos + 1;
  let len = buf[p++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) return undefined; // 0 = indefinite length (BER)
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  const end = p + len;
  if (end > limit) return undefined;
  return { tag, start: pos, contentStart: p, end };
}

/** The children of a constructed TLV, or undefined if any child is not definite-length. */
export function childrenOf(buf: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  let p = parent.contentStart;
  while (p < parent.end) {
    const child = readTlv(buf, p, parent.end);
    if (!child) return undefined;
    out.push(child);
    p = child.end;
  }
  return out;
}

export function slice(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.subarray(tlv.start, tlv.end);
}

export const TAG = {
  INTEGER: 0x02,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
  CONTEXT_0: 0xa0,
  CONTEXT_1: 0xa1,
  OCTET_STRING: 0x04,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
} as const;

/** Decode the content octets of an OBJECT IDENTIFIER to dotted form; undefined if malformed. */
export function decodeOid(content: Uint8Array): string | undefined {
  if (content.length === 0) return undefined;
  const arcs: number[] = [];
  let value = 0;
  let started = false;
  for (let i = 0; i < content.length; i++) {
    const b = content[i]!;
    if (!started && b === 0x80) return undefined; // non-minimal arc encoding
    started = true;
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) return undefined;
    if (!(b & 0x80)) {
      arcs.push(value);
      value = 0;
      started = false;
    }
  }
  if (started) return undefined; // last arc unterminated
  const first = arcs[0]!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

/** Dotted OID of a TLV that must be an OBJECT IDENTIFIER. */
export function oidAt(buf: Uint8Array, tlv: Tlv | undefined): string | undefined {
  if (!tlv || tlv.tag !== TAG.OID) return undefined;
  return decodeOid(buf.subarray(tlv.contentStart, tlv.end));
}

/**
 * Like decodeOid, but arcs of any length (BigInt): `2.25.<UUID as a decimal>` OIDs (ITU-T X.667) have a 128-bit
 * arc, which asn1js prints as hex and decodeOid refuses. Used for certificate policies.
 */
export function decodeOidAnyLength(content: Uint8Array): string | undefined {
  if (content.length === 0 || content.length > 256) return undefined;
  const arcs: bigint[] = [];
  let value = 0n;
  let started = false;
  for (const b of content) {
    if (!started && b === 0x80) return undefined;
    started = true;
    value = (value << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(value);
      value = 0n;
      started = false;
    }
  }
  if (started) return undefined;
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

/** The policy OIDs of a certificatePolicies extension value (RFC 5280 §4.2.1.4); undefined if it does not parse. */
export function certificatePolicyOids(extnValue: Uint8Array): string[] | undefined {
  const outer = readTlv(extnValue, 0);
  if (!outer || outer.tag !== TAG.SEQUENCE || outer.end !== extnValue.length) return undefined;
  const infos = childrenOf(extnValue, outer);
  if (!infos) return undefined;
  const oids: string[] = [];
  for (const info of infos) {
    if (info.tag !== TAG.SEQUENCE) return undefined;
    const first = readTlv(extnValue, info.contentStart, info.end);
    if (!first || first.tag !== TAG.OID) return undefined;
    const oid = decodeOidAnyLength(extnValue.subarray(first.contentStart, first.end));
    if (!oid) return undefined;
    oids.push(oid);
  }
  return oids;
}

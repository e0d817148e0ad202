/**
 * Minimal DER writer: just enough to assemble a CMS SignedData from pre-encoded pieces without rebuilding an object
 * tree per document. Everything here works on raw bytes so that the per-document cost is a few concatenations.
 */

/** Encodes a DER definite length (short form below 128, long form otherwise). */
export function encodeLength(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`DER length must be a non-negative integer, got ${length}`);
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** Concatenates byte arrays into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Wraps already-encoded content octets in a tag and length. `tag` is the full identifier octet (e.g. 0x30). */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = content.length === 1 ? content[0]! : concatBytes(content);
  const length = encodeLength(body.length);
  const out = new Uint8Array(1 + length.length + body.length);
  out[0] = tag;
  out.set(length, 1);
  out.set(body, 1 + length.length);
  return out;
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
  /** [0] IMPLICIT, constructed */
  CONTEXT_0_CONSTRUCTED: 0xa0,
  /** [1] IMPLICIT, constructed */
  CONTEXT_1_CONSTRUCTED: 0xa1,
  /** [4] EXPLICIT (GeneralName directoryName), constructed */
  CONTEXT_4_CONSTRUCTED: 0xa4,
} as const;

export const sequence = (...content: Uint8Array[]): Uint8Array => tlv(TAG.SEQUENCE, ...content);
export const octetString = (content: Uint8Array): Uint8Array => tlv(TAG.OCTET_STRING, content);

/** Encodes a dotted OID string. */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((arc) => {
    if (!/^[0-9]+$/.test(arc)) throw new Error(`Invalid OID "${dotted}"`);
    return BigInt(arc);
  });
  if (arcs.length < 2) throw new Error(`Invalid OID "${dotted}": needs at least two arcs`);
  const body: number[] = [];
  const pushArc = (value: bigint): void => {
    const chunk: number[] = [Number(value & 0x7fn)];
    for (let rest = value >> 7n; rest > 0n; rest >>= 7n) chunk.unshift(Number(rest & 0x7fn) | 0x80);
    body.push(...chunk);
  };
  pushArc(arcs[0]! * 40n + arcs[1]!);
  for (const arc of arcs.slice(2)) pushArc(arc);
  return tlv(TAG.OID, Uint8Array.from(body));
}

/**
 * Encodes an unsigned big-endian magnitude as a DER INTEGER: leading zero bytes are stripped and one 0x00 is added
 * when the high bit is set, so the value stays positive (used for ECDSA r and s).
 */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const needsPad = trimmed.length === 0 || (trimmed[0]! & 0x80) !== 0;
  return tlv(TAG.INTEGER, needsPad ? concatBytes([Uint8Array.of(0), trimmed]) : trimmed);
}

/** Compares two encodings as unsigned octet strings (the DER ordering rule for SET OF, X.690 §11.6). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** A DER SET OF: elements sorted by their encodings. */
export function setOf(elements: readonly Uint8Array[]): Uint8Array {
  return tlv(TAG.SET, concatBytes([...elements].sort(compareBytes)));
}

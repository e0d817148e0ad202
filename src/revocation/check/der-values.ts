// Small decoding helpers shared by the CRL and OCSP parsers. Browser-safe (asn1js only).
import * as asn1js from 'asn1js';
import { toHex } from '../../verify/bytes.js';

/**
 * Canonical serial text: lowercase hex of the INTEGER content without DER sign padding (leading 00 bytes), the form
 * ParsedCertificate.serialHex uses, so serials from certificates, CRLs, OCSP and the CA state compare as strings.
 */
export function serialHexOfBytes(bytes: Uint8Array): string {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return toHex(bytes.subarray(start));
}

/** Normalises a serial typed by a person: accepts "0A:1B", "0a1b", "0x0a1b"; returns canonical hex or undefined. */
export function normalizeSerialHex(text: string): string | undefined {
  let hex = text.trim().toLowerCase().replace(/^0x/, '').replace(/[:\s]/g, '');
  if (hex === '' || !/^[0-9a-f]+$/.test(hex) || hex.length > 128) return undefined;
  if (hex.length % 2) hex = '0' + hex;
  while (hex.length > 2 && hex.startsWith('00')) hex = hex.slice(2);
  return hex;
}

/** Parses a complete DER value; throws with `what` in the message when bytes are left over or it does not parse. */
export function parseDer(der: Uint8Array, what: string): asn1js.AsnType {
  if (!(der instanceof Uint8Array) || der.length === 0) throw new Error(`${what}: expected non-empty DER bytes`);
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) throw new Error(`${what}: not valid DER (${asn1.result.error || 'parse error'})`);
  if (asn1.offset !== der.length) throw new Error(`${what}: ${der.length - asn1.offset} unexpected bytes after the DER value`);
  return asn1.result;
}

/** A DER INTEGER or ENUMERATED small value (reason codes, statuses). */
export function smallIntegerOf(el: asn1js.AsnType | undefined): number | undefined {
  if (el instanceof asn1js.Integer || el instanceof asn1js.Enumerated) return el.valueBlock.valueDec;
  return undefined;
}

/** A non-negative INTEGER of any size as bigint (CRL numbers may exceed 2^53). */
export function bigIntegerOf(el: asn1js.AsnType | undefined): bigint | undefined {
  if (!(el instanceof asn1js.Integer)) return undefined;
  const hex = toHex(el.valueBlock.valueHexView);
  return hex === '' ? 0n : BigInt('0x' + hex);
}

/** Date of a UTCTime/GeneralizedTime element. */
export function timeOf(el: asn1js.AsnType | undefined): Date | undefined {
  if (el instanceof asn1js.GeneralizedTime || el instanceof asn1js.UTCTime) return el.toDate();
  return undefined;
}

/**
 * WebCrypto returns ECDSA signatures as raw r‖s (IEEE P1363); CMS (RFC 5753) wants DER Ecdsa-Sig-Value
 * SEQUENCE { r INTEGER, s INTEGER }. Isomorphic.
 */
import { sequence, unsignedInteger } from '../der/der-writer.js';

export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new Error(`ECDSA signature: expected raw r||s of even length, got ${raw.length} bytes`);
  const half = raw.length / 2;
  return sequence(unsignedInteger(raw.subarray(0, half)), unsignedInteger(raw.subarray(half)));
}

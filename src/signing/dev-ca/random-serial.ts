/**
 * Random certificate serial numbers: 128 bits from the CSPRNG (CA/Browser Forum asks for ≥ 64), with the first
 * byte forced into 0x01–0x7F so the DER INTEGER is positive and needs no leading zero.
 */
export function randomSerialHex(bytes = 16): string {
  const serial = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
  serial[0] = (serial[0]! % 0x7f) + 1;
  return Array.from(serial, (b) => b.toString(16).padStart(2, '0')).join('');
}

import * as asn1js from 'asn1js';

/**
 * asn1js.fromBER, except that it never throws. asn1js reports most malformed input in its result (offset -1 and an
 * error text), but throws for some values it converts while decoding — a GeneralizedTime or UTCTime whose text is
 * not a time ("Wrong input string for conversion"). Found by fuzzing: that exception escaped the CMS checks as an
 * internal error. Here it becomes the usual failed result, so every caller's existing error path handles it.
 */
export function fromBerSafe(bytes: Uint8Array): asn1js.FromBerResult {
  try {
    return asn1js.fromBER(bytes);
  } catch (e) {
    const failed = new asn1js.Null();
    failed.error = `asn1js: ${(e as Error)?.message ?? String(e)}`;
    return { offset: -1, result: failed };
  }
}

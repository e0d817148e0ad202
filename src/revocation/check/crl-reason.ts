/** RFC 5280 §5.3.1 CRLReason codes. Value 7 is not used. */
export const CRL_REASON_CODES = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;

export type CrlReason = keyof typeof CRL_REASON_CODES;

export const CRL_REASONS = Object.keys(CRL_REASON_CODES) as CrlReason[];

export function isCrlReason(value: unknown): value is CrlReason {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CRL_REASON_CODES, value);
}

/** The reason name for a code, or undefined for codes RFC 5280 does not define. */
export function crlReasonOfCode(code: number): CrlReason | undefined {
  for (const [name, c] of Object.entries(CRL_REASON_CODES)) if (c === code) return name as CrlReason;
  return undefined;
}

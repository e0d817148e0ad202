/**
 * Human serial numbers printed on documents, from an agency-chosen pattern such as `ฝอ. {BE}/{SEQ:6}`.
 * Tokens: {BE} Buddhist-era year, {CE} Common-era year, {SEQ:n} the per-type, per-year sequence zero-padded to n.
 * The pattern comes from the type definition (trusted configuration), the values from the database.
 */
export interface SerialParts {
  sequence: number;
  /** Common-era year the sequence belongs to (Asia/Bangkok). */
  year: number;
}

const TOKEN = /\{(BE|CE|SEQ(?::(\d{1,2}))?)\}/g;

export function formatSerial(pattern: string, parts: SerialParts): string {
  return pattern.replace(TOKEN, (_m, token: string, width?: string) => {
    if (token === 'BE') return String(parts.year + 543);
    if (token === 'CE') return String(parts.year);
    return String(parts.sequence).padStart(width ? Number(width) : 1, '0');
  });
}

export function validateSerialPattern(pattern: string): string | null {
  if (!pattern.includes('{SEQ')) return 'serial pattern must contain {SEQ} or {SEQ:n}';
  const stripped = pattern.replace(TOKEN, '');
  if (/[{}]/.test(stripped)) return 'serial pattern has an unknown {token}; allowed: {BE} {CE} {SEQ} {SEQ:n}';
  return null;
}

/** The calendar year in Thailand (UTC+7, no daylight saving) for a moment in time. */
export function bangkokYear(at: Date): number {
  return new Date(at.getTime() + 7 * 3600_000).getUTCFullYear();
}

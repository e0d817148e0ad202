/**
 * Bitstring Status List (W3C) as ekasarn uses it: one list per agency and document type, two bits per document
 * (statusPurpose "message", statusSize 2), each document at a random position chosen at issuance so that fetching
 * the list reveals nothing about which document a verifier is checking.
 */
export const STATUS_LIST_MIN_ENTRIES = 131_072;
export const STATUS_SIZE_BITS = 2;

/** The 2-bit values, as listed in the list's statusMessages. */
export const STATUS_LIST_VALUES = { active: 0, revoked: 1, suspended: 2, superseded: 3 } as const;
export type StatusListValue = (typeof STATUS_LIST_VALUES)[keyof typeof STATUS_LIST_VALUES];

/** Where a document's entry lives, as written into its embedded data. */
export interface StatusListEntry {
  /** URL of the signed status list. */
  list: string;
  /** Position in the list (0-based). */
  index: number;
}

export const statusListUrl = (publicUrl: string, agencyId: string, typeId: string): string =>
  `${publicUrl.replace(/\/+$/, '')}/status/${agencyId}/${typeId}`;

/** Entries a list needs for `count` documents: at least the minimum, and at most half full so positions stay sparse. */
export function statusListCapacity(count: number): number {
  let n = STATUS_LIST_MIN_ENTRIES;
  while (n < count * 2) n *= 2;
  return n;
}

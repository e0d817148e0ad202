/** Object identifiers of RFC 3161 (time-stamp protocol) and RFC 5816 (ESSCertIDv2 in timestamps). */
export const TSP_OID = {
  /** id-ct-TSTInfo: the eContentType of a time-stamp token. */
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  /** id-kp-timeStamping: the only extended key usage a TSA certificate may carry, and it must be critical. */
  kpTimeStamping: '1.3.6.1.5.5.7.3.8',
  extKeyUsage: '2.5.29.37',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV1: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
} as const;

export type TimestampHash = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** Hashes accepted for message imprints, with their digest length. SHA-1 is refused: it is broken for collisions. */
export const IMPRINT_HASHES: Readonly<Record<TimestampHash, { oid: string; length: number }>> = {
  'SHA-256': { oid: TSP_OID.sha256, length: 32 },
  'SHA-384': { oid: TSP_OID.sha384, length: 48 },
  'SHA-512': { oid: TSP_OID.sha512, length: 64 },
};

export function hashByOid(oid: string): TimestampHash | undefined {
  for (const [name, info] of Object.entries(IMPRINT_HASHES)) if (info.oid === oid) return name as TimestampHash;
  return undefined;
}

/** Readable names for the PKIFailureInfo bits (RFC 3161 §2.4.2). */
export const FAILURE_BITS: Readonly<Record<number, string>> = {
  0: 'badAlg',
  2: 'badRequest',
  5: 'badDataFormat',
  14: 'timeNotAvailable',
  15: 'unacceptedPolicy',
  16: 'unacceptedExtension',
  17: 'addInfoNotAvailable',
  25: 'systemFailure',
};

export type FailureName = 'badAlg' | 'badRequest' | 'badDataFormat' | 'timeNotAvailable' | 'unacceptedPolicy' | 'unacceptedExtension' | 'addInfoNotAvailable' | 'systemFailure';

export const FAILURE_BIT_OF: Readonly<Record<FailureName, number>> = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  timeNotAvailable: 14,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  addInfoNotAvailable: 17,
  systemFailure: 25,
};

/** PKIStatus values (RFC 3161 §2.4.2). */
export const PKI_STATUS = {
  granted: 0,
  grantedWithMods: 1,
  rejection: 2,
  waiting: 3,
  revocationWarning: 4,
  revocationNotification: 5,
} as const;

export const STATUS_NAMES: readonly string[] = ['granted', 'grantedWithMods', 'rejection', 'waiting', 'revocationWarning', 'revocationNotification'];

// What the development CA issued and revoked. The pure data shape and its rules; file storage is in ca-state-file.ts.
import { getParsedCertificate } from '../../verify/cms/parsed-certificate.js';
import { isCrlReason, CRL_REASONS, type CrlReason } from '../check/crl-reason.js';
import { normalizeSerialHex } from '../check/der-values.js';

export interface IssuedRecord {
  subject: string;
  /** ISO 8601 */
  notAfter: string;
  /** ISO 8601: when it was recorded. */
  recordedAt: string;
}

export interface RevokedRecord {
  /** ISO 8601, whole seconds (CRLs and OCSP carry no fractions). */
  revokedAt: string;
  reason: CrlReason;
}

export interface CaState {
  version: 1;
  /** Keyed by canonical serial hex (lowercase, no DER sign padding). */
  issued: Record<string, IssuedRecord>;
  revoked: Record<string, RevokedRecord>;
  /** The number the last published CRL carried (0: none yet). */
  crlNumber: number;
}

export const emptyCaState = (): CaState => ({ version: 1, issued: {}, revoked: {}, crlNumber: 0 });

/** Thrown for requests that contradict the state (unknown serial, already revoked, bad reason): a caller error. */
export class CaStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaStateError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIsoDate = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/** Validates state read from disk: a hand-edited or truncated file gets a message naming the bad field. */
export function validateCaState(value: unknown, source = 'CA state'): CaState {
  if (!isObject(value)) throw new Error(`${source}: expected a JSON object`);
  if (value.version !== 1) throw new Error(`${source}: version: expected 1, got ${JSON.stringify(value.version)}`);
  if (!Number.isSafeInteger(value.crlNumber) || (value.crlNumber as number) < 0) throw new Error(`${source}: crlNumber: expected a non-negative integer`);
  if (!isObject(value.issued)) throw new Error(`${source}: issued: expected an object keyed by serial`);
  if (!isObject(value.revoked)) throw new Error(`${source}: revoked: expected an object keyed by serial`);
  for (const [serial, rec] of Object.entries(value.issued)) {
    if (normalizeSerialHex(serial) !== serial) throw new Error(`${source}: issued: "${serial}" is not a canonical serial`);
    if (!isObject(rec) || typeof rec.subject !== 'string' || !isIsoDate(rec.notAfter) || !isIsoDate(rec.recordedAt)) {
      throw new Error(`${source}: issued.${serial}: expected { subject, notAfter, recordedAt }`);
    }
  }
  for (const [serial, rec] of Object.entries(value.revoked)) {
    if (!(serial in value.issued)) throw new Error(`${source}: revoked.${serial}: serial was never issued`);
    if (!isObject(rec) || !isIsoDate(rec.revokedAt) || !isCrlReason(rec.reason)) throw new Error(`${source}: revoked.${serial}: expected { revokedAt, reason }`);
  }
  return value as unknown as CaState;
}

/** Adds a certificate (DER) to the state's issued list. Idempotent for the same certificate. */
export async function withIssuedCertificate(state: CaState, certificate: Uint8Array, now = new Date()): Promise<CaState> {
  const cert = await getParsedCertificate(certificate);
  const existing = state.issued[cert.serialHex];
  if (existing && existing.subject !== cert.subjectText) throw new CaStateError(`serial ${cert.serialHex} is already recorded for "${existing.subject}"`);
  if (existing) return state;
  return {
    ...state,
    issued: { ...state.issued, [cert.serialHex]: { subject: cert.subjectText, notAfter: cert.notAfter.toISOString(), recordedAt: now.toISOString() } },
  };
}

export interface RevokeOptions {
  /** RFC 5280 CRLReason name. Default 'unspecified'. removeFromCRL is for delta CRLs and is refused. */
  reason?: CrlReason;
  /** Revocation time. Default now. Must not be in the future (a CA records what happened, not what will). */
  at?: Date;
}

const wholeSeconds = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);

export function withRevocation(state: CaState, serialText: string, options: RevokeOptions = {}, now = new Date()): { state: CaState; serialHex: string; record: RevokedRecord } {
  if (typeof serialText !== 'string') throw new CaStateError('serial: expected a hexadecimal string');
  const serialHex = normalizeSerialHex(serialText);
  if (!serialHex) throw new CaStateError(`serial: expected hexadecimal digits (e.g. 3f0a…), got ${JSON.stringify(serialText)}`);
  const reason = options.reason ?? 'unspecified';
  if (!isCrlReason(reason) || reason === 'removeFromCRL') {
    throw new CaStateError(`reason: expected one of ${CRL_REASONS.filter((r) => r !== 'removeFromCRL').join(', ')}, got ${JSON.stringify(options.reason)}`);
  }
  const at = options.at ?? now;
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new CaStateError('at: expected a valid Date');
  if (at.getTime() > now.getTime() + 60_000) throw new CaStateError(`at: ${at.toISOString()} is in the future`);
  const issued = state.issued[serialHex];
  if (!issued) throw new CaStateError(`serial ${serialHex}: this CA has no record of issuing it`);
  const previous = state.revoked[serialHex];
  if (previous) throw new CaStateError(`serial ${serialHex} ("${issued.subject}") is already revoked since ${previous.revokedAt} (${previous.reason})`);
  const record: RevokedRecord = { revokedAt: wholeSeconds(at).toISOString(), reason };
  return { state: { ...state, revoked: { ...state.revoked, [serialHex]: record } }, serialHex, record };
}

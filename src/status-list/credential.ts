// The BitstringStatusListCredential an agency publishes for one document type (W3C Bitstring Status List v1.0 on the
// VC Data Model 2.0), and its strict reading on the verifier side.
//
// Profile (decided in src/domain/status-list.ts): statusPurpose "message", statusSize 2, statusMessages listing
// active/revoked/suspended/superseded as 0x0–0x3. The spec puts statusSize/statusMessages of a "message" list in
// credentialSubject, which is where they are here.
//
// Issuer id: `<publicUrl>/agencies/<agencyId>` (agencyIssuerId). It names the agency; what proves the agency signed
// is the JWS certificate checked against the issuer directory (check-entry.ts), not this string.
import type { DocumentStatus } from '../domain/lifecycle.js';
import { STATUS_LIST_VALUES, STATUS_SIZE_BITS, statusListCapacity, type StatusListValue } from '../domain/status-list.js';
import { StatusListError, encodeStatusList } from './bitstring.js';

export const CREDENTIALS_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const STATUS_LIST_CREDENTIAL_TYPE = 'BitstringStatusListCredential';
export const STATUS_PURPOSE = 'message';
/** Default validity of a published list: a day. Verifiers may cache it that long, and must refetch after. */
export const DEFAULT_LIST_VALIDITY_MS = 86_400_000;

export interface StatusMessage {
  /** Hexadecimal value with '0x' prefix, as the spec writes it. */
  status: string;
  message: string;
}

/** 0x0 active … 0x3 superseded, from STATUS_LIST_VALUES; the names are the project's document statuses. */
export const STATUS_MESSAGES: readonly StatusMessage[] = (Object.entries(STATUS_LIST_VALUES) as Array<[string, number]>)
  .sort((a, b) => a[1] - b[1])
  .map(([message, value]) => ({ status: `0x${value.toString(16)}`, message }));

export interface StatusListCredential {
  '@context': string[];
  id: string;
  type: string[];
  issuer: string;
  validFrom: string;
  validUntil: string;
  credentialSubject: {
    id: string;
    type: 'BitstringStatusList';
    statusPurpose: string;
    statusSize: number;
    statusMessages: StatusMessage[];
    encodedList: string;
    /** Milliseconds; set to the validity window so "cached longer than ttl" and "past validUntil" agree. */
    ttl?: number;
  };
}

export const agencyIssuerId = (publicUrl: string, agencyId: string): string => `${publicUrl.replace(/\/+$/, '')}/agencies/${agencyId}`;

/** The list value of a document status. Expired documents are 0: expiry is judged from the document's own date. */
export function statusListValueOf(status: DocumentStatus): StatusListValue {
  switch (status) {
    case 'active':
    case 'expired':
      return STATUS_LIST_VALUES.active;
    case 'revoked':
      return STATUS_LIST_VALUES.revoked;
    case 'suspended':
      return STATUS_LIST_VALUES.suspended;
    case 'superseded':
      return STATUS_LIST_VALUES.superseded;
    default:
      throw new StatusListError('MALFORMED_VALUE_ERROR', `status: expected one of active, revoked, suspended, superseded, expired, got ${JSON.stringify(status)}`);
  }
}

function assertHttpUrl(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > 2048) throw new StatusListError('MALFORMED_VALUE_ERROR', `${field}: expected a URL string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StatusListError('MALFORMED_VALUE_ERROR', `${field}: ${JSON.stringify(value)} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new StatusListError('MALFORMED_VALUE_ERROR', `${field}: expected an http(s) URL, got ${url.protocol}`);
  return value;
}

function assertDate(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new StatusListError('MALFORMED_VALUE_ERROR', `${field}: expected a valid Date`);
  return value;
}

/** XML Schema dateTimeStamp (the VC data model's type for validFrom/validUntil), without fractional seconds. */
const isoSeconds = (d: Date): string => new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export interface StatusListCredentialInput {
  /** Where the list is published; becomes the credential id, and is what documents carry in `status.list`. */
  listUrl: string;
  /** The agency's URL, see agencyIssuerId. */
  issuerId: string;
  validFrom: Date;
  /** Default validFrom + DEFAULT_LIST_VALIDITY_MS. */
  validUntil?: Date;
  /** Every document of the list with its position and current status (listStatusEntries in src/store). */
  entries: ReadonlyArray<{ index: number; status: DocumentStatus }>;
  /** Number of entries; default statusListCapacity(entries.length), grown (×2) until every index fits. */
  capacity?: number;
}

/** Build the unsigned credential; sign it with signStatusListCredential (jws.ts). */
export function buildStatusListCredential(input: StatusListCredentialInput): StatusListCredential {
  if (!input || typeof input !== 'object') throw new StatusListError('MALFORMED_VALUE_ERROR', 'input: expected an object');
  const listUrl = assertHttpUrl(input.listUrl, 'listUrl');
  const issuerId = assertHttpUrl(input.issuerId, 'issuerId');
  const validFrom = assertDate(input.validFrom, 'validFrom');
  const validUntil = input.validUntil === undefined ? new Date(validFrom.getTime() + DEFAULT_LIST_VALIDITY_MS) : assertDate(input.validUntil, 'validUntil');
  if (validUntil.getTime() - validFrom.getTime() < 1000) throw new StatusListError('MALFORMED_VALUE_ERROR', 'validUntil: must be at least a second after validFrom');
  if (!Array.isArray(input.entries)) throw new StatusListError('MALFORMED_VALUE_ERROR', 'entries: expected an array of { index, status }');

  const values = input.entries.map((e, i) => {
    if (!e || typeof e !== 'object') throw new StatusListError('MALFORMED_VALUE_ERROR', `entries[${i}]: expected { index, status }`);
    return { index: e.index, value: statusListValueOf(e.status) };
  });
  let capacity = input.capacity;
  if (capacity === undefined) {
    capacity = statusListCapacity(values.length);
    const maxIndex = values.reduce((m, v) => (Number.isInteger(v.index) && v.index > m ? v.index : m), -1);
    while (maxIndex >= capacity) capacity *= 2;
  }
  const encodedList = encodeStatusList(values, capacity, STATUS_SIZE_BITS);
  const from = isoSeconds(validFrom);
  const until = isoSeconds(validUntil);
  return {
    '@context': [CREDENTIALS_V2_CONTEXT],
    id: listUrl,
    type: ['VerifiableCredential', STATUS_LIST_CREDENTIAL_TYPE],
    issuer: issuerId,
    validFrom: from,
    validUntil: until,
    credentialSubject: {
      id: `${listUrl}#list`,
      type: 'BitstringStatusList',
      statusPurpose: STATUS_PURPOSE,
      statusSize: STATUS_SIZE_BITS,
      statusMessages: STATUS_MESSAGES.map((m) => ({ ...m })),
      encodedList,
      ttl: Date.parse(until) - Date.parse(from),
    },
  };
}

const DATE_TIME_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function readDateTime(value: unknown, field: string): string {
  if (typeof value !== 'string' || !DATE_TIME_STAMP.test(value) || Number.isNaN(Date.parse(value))) {
    throw new StatusListError('MALFORMED_VALUE_ERROR', `${field}: expected a date-time with time zone (e.g. 2025-01-15T03:04:05Z), got ${JSON.stringify(value)}`);
  }
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Read a credential payload strictly: the shape above, this project's profile (message purpose, statusSize 2,
 * the four status messages). Throws StatusListError naming the field. The encodedList is checked when read.
 */
export function parseStatusListCredential(value: unknown): StatusListCredential {
  const bad = (field: string, expected: string, got: unknown): never => {
    throw new StatusListError('MALFORMED_VALUE_ERROR', `${field}: expected ${expected}, got ${JSON.stringify(got)?.slice(0, 120)}`);
  };
  if (!isObject(value)) return bad('credential', 'a JSON object', value);
  const ctx = value['@context'];
  if (!Array.isArray(ctx) || ctx[0] !== CREDENTIALS_V2_CONTEXT) bad('@context', `an array starting with "${CREDENTIALS_V2_CONTEXT}"`, ctx);
  const type = value.type;
  if (!Array.isArray(type) || !type.includes('VerifiableCredential') || !type.includes(STATUS_LIST_CREDENTIAL_TYPE)) {
    bad('type', `an array with "VerifiableCredential" and "${STATUS_LIST_CREDENTIAL_TYPE}"`, type);
  }
  const id = assertHttpUrl(value.id, 'id');
  const issuerValue = value.issuer;
  // VCDM 2.0 allows the issuer as a URL or an object with an id; we publish the URL form.
  const issuer = isObject(issuerValue) ? assertHttpUrl(issuerValue.id, 'issuer.id') : assertHttpUrl(issuerValue, 'issuer');
  const validFrom = readDateTime(value.validFrom, 'validFrom');
  const validUntil = readDateTime(value.validUntil, 'validUntil');
  if (Date.parse(validUntil) <= Date.parse(validFrom)) bad('validUntil', `a time after validFrom ${validFrom}`, validUntil);

  const s = value.credentialSubject;
  if (!isObject(s)) return bad('credentialSubject', 'an object', s);
  if (s.type !== 'BitstringStatusList') bad('credentialSubject.type', '"BitstringStatusList"', s.type);
  const purposes = Array.isArray(s.statusPurpose) ? s.statusPurpose : [s.statusPurpose];
  if (!purposes.includes(STATUS_PURPOSE)) bad('credentialSubject.statusPurpose', `"${STATUS_PURPOSE}"`, s.statusPurpose);
  if (s.statusSize !== STATUS_SIZE_BITS) bad('credentialSubject.statusSize', String(STATUS_SIZE_BITS), s.statusSize);
  const messages = s.statusMessages;
  const sameMessages =
    Array.isArray(messages) &&
    messages.length === STATUS_MESSAGES.length &&
    messages.every((m, i) => isObject(m) && m.status === STATUS_MESSAGES[i]!.status && m.message === STATUS_MESSAGES[i]!.message);
  if (!sameMessages) bad('credentialSubject.statusMessages', JSON.stringify(STATUS_MESSAGES), messages);
  if (typeof s.encodedList !== 'string') bad('credentialSubject.encodedList', 'a string', s.encodedList);
  if (s.ttl !== undefined && (typeof s.ttl !== 'number' || !Number.isInteger(s.ttl) || s.ttl < 0)) bad('credentialSubject.ttl', 'a whole number of milliseconds', s.ttl);
  const subjectId = s.id === undefined ? undefined : assertHttpUrl(s.id, 'credentialSubject.id');

  const subject: StatusListCredential['credentialSubject'] = {
    id: subjectId ?? id,
    type: 'BitstringStatusList',
    statusPurpose: STATUS_PURPOSE,
    statusSize: STATUS_SIZE_BITS,
    statusMessages: STATUS_MESSAGES.map((m) => ({ ...m })),
    encodedList: s.encodedList as string,
  };
  if (typeof s.ttl === 'number') subject.ttl = s.ttl;
  return { '@context': ctx as string[], id, type: type as string[], issuer, validFrom, validUntil, credentialSubject: subject };
}

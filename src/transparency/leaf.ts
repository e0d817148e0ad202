/**
 * The transparency-log leaf: one issuance or status transition, with identifiers and a digest only — never personal
 * data, because the log is public forever. The entry bytes are the RFC 8785 canonical JSON of the leaf, so anyone
 * can recompute the leaf hash from the JSON with nothing but SHA-256.
 */
import { canonicalJson } from '../domain/canonical-json.js';
import { DOCUMENT_ID_PATTERN } from '../domain/identifiers.js';
import { utf8 } from './bytes.js';

export const LEAF_KINDS = ['issued', 'revoked', 'suspended', 'reinstated', 'superseded', 'expired'] as const;
export type LeafKind = (typeof LEAF_KINDS)[number];

export interface LogLeaf {
  /** Position in the log (0-based); equals the leaf index, so a leaf cannot be presented at another index. */
  seq: number;
  /** When the event was recorded, ISO 8601 UTC (e.g. 2025-01-15T03:04:05.123Z). */
  time: string;
  kind: LeafKind;
  /** Agency id (slug). */
  agency: string;
  /** Document type id (slug). */
  docType: string;
  /** The document's id (22-character base64url). */
  documentId: string;
  /** SHA-256 of the PDF file, lowercase hex. */
  pdfSha256: string;
  /** The replacing document's id for kind "superseded"; null for every other kind. */
  successorId: string | null;
}

export class LeafError extends Error {
  override name = 'LeafError';
  constructor(
    readonly field: string,
    readonly expected: string,
  ) {
    super(`log leaf field "${field}": expected ${expected}`);
  }
}

const FIELDS = ['seq', 'time', 'kind', 'agency', 'docType', 'documentId', 'pdfSha256', 'successorId'] as const;
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const UTC_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;

function isUtcTime(s: string): boolean {
  const m = UTC_TIME.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  // Round trip rejects 2025-02-30 and 24:00:00, which Date would silently roll over.
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h
    && t.getUTCMinutes() === mi && t.getUTCSeconds() === se;
}

/** Checks an untrusted value is a leaf; throws LeafError naming the first bad field and what it should be. */
export function validateLeaf(value: unknown): LogLeaf {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new LeafError('(leaf)', 'a JSON object');
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!(FIELDS as readonly string[]).includes(key)) throw new LeafError(key, `no such field (allowed: ${FIELDS.join(', ')})`);
  }
  if (typeof v.seq !== 'number' || !Number.isSafeInteger(v.seq) || v.seq < 0) throw new LeafError('seq', 'a whole number ≥ 0');
  if (typeof v.time !== 'string' || !isUtcTime(v.time)) throw new LeafError('time', 'an ISO 8601 UTC time like 2025-01-15T03:04:05.123Z');
  if (typeof v.kind !== 'string' || !(LEAF_KINDS as readonly string[]).includes(v.kind)) throw new LeafError('kind', `one of ${LEAF_KINDS.join(', ')}`);
  if (typeof v.agency !== 'string' || !SLUG.test(v.agency)) throw new LeafError('agency', 'a slug matching ^[a-z0-9][a-z0-9-]{0,62}$');
  if (typeof v.docType !== 'string' || !SLUG.test(v.docType)) throw new LeafError('docType', 'a slug matching ^[a-z0-9][a-z0-9-]{0,62}$');
  if (typeof v.documentId !== 'string' || !DOCUMENT_ID_PATTERN.test(v.documentId)) throw new LeafError('documentId', 'a 22-character base64url document id');
  if (typeof v.pdfSha256 !== 'string' || !SHA256_HEX.test(v.pdfSha256)) throw new LeafError('pdfSha256', '64 lowercase hex digits');
  if (v.kind === 'superseded') {
    if (typeof v.successorId !== 'string' || !DOCUMENT_ID_PATTERN.test(v.successorId)) {
      throw new LeafError('successorId', 'the replacing document id (22-character base64url) for kind "superseded"');
    }
    if (v.successorId === v.documentId) throw new LeafError('successorId', 'a document other than the superseded one');
  } else if (v.successorId !== null) {
    throw new LeafError('successorId', `null for kind "${v.kind}"`);
  }
  return {
    seq: v.seq,
    time: v.time,
    kind: v.kind as LeafKind,
    agency: v.agency,
    docType: v.docType,
    documentId: v.documentId,
    pdfSha256: v.pdfSha256,
    successorId: v.successorId as string | null,
  };
}

/** The log entry bytes: RFC 8785 canonical JSON of the (validated) leaf, UTF-8. */
export function encodeLeaf(leaf: LogLeaf): Uint8Array {
  return utf8.encode(canonicalJson(validateLeaf(leaf)));
}

/** Parses entry bytes back into a leaf; refuses bytes that are not exactly the canonical encoding of a valid leaf. */
export function decodeLeaf(bytes: Uint8Array): LogLeaf {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch {
    throw new LeafError('(leaf)', 'UTF-8 JSON');
  }
  const leaf = validateLeaf(parsed);
  const again = encodeLeaf(leaf);
  if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) {
    throw new LeafError('(leaf)', 'RFC 8785 canonical JSON (same bytes when re-encoded)');
  }
  return leaf;
}

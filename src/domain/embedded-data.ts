import { canonicalJson } from './canonical-json.js';
import type { Bilingual, SubjectKind } from './document-type.js';
import type { StatusListEntry } from './status-list.js';

/**
 * The machine-readable twin of a document, embedded in the PDF/A-3 as the associated file `data.json`. It is the
 * authoritative data (text extraction of Thai from PDFs is imperfect in every tool). Serialised canonically, so the
 * same document always yields the same bytes.
 */
export const EMBEDDED_DATA_FILENAME = 'data.json';
export const EMBEDDED_DATA_FORMAT = 'ekasarn.document/1';

export interface EmbeddedData {
  format: typeof EMBEDDED_DATA_FORMAT;
  id: string;
  /** `agency:type:id` */
  address: string;
  serial: string;
  type: { id: string; version: number; name: Bilingual };
  issuer: { id: string; name: Bilingual };
  subject: { kind: SubjectKind };
  issuedAt: string;
  validUntil: string | null;
  verifyUrl: string;
  /** The document's entry in its agency/type status list (documents issued before status lists have none). */
  status?: StatusListEntry;
  /**
   * Present (and true) only on training specimens from an agency's sandbox: not official documents, never in the
   * registry or the public log. Verifiers answer SPECIMEN for them.
   */
  specimen?: true;
  fields: Record<string, unknown>;
}

export function encodeEmbeddedData(data: EmbeddedData): Uint8Array {
  return new TextEncoder().encode(canonicalJson(data));
}

/** Parses and shape-checks embedded data; returns an error sentence instead of throwing. */
export function decodeEmbeddedData(bytes: Uint8Array): { data: EmbeddedData } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { error: 'data.json is not valid UTF-8 JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { error: 'data.json is not an object' };
  const d = parsed as Record<string, unknown>;
  if (d.format !== EMBEDDED_DATA_FORMAT) return { error: `data.json format is not ${EMBEDDED_DATA_FORMAT}` };
  for (const key of ['id', 'address', 'serial', 'issuedAt', 'verifyUrl'] as const) {
    if (typeof d[key] !== 'string') return { error: `data.json field "${key}" is missing or not text` };
  }
  const type = d.type as Record<string, unknown> | undefined;
  const issuer = d.issuer as Record<string, unknown> | undefined;
  if (!type || typeof type.id !== 'string' || typeof type.version !== 'number') return { error: 'data.json "type" is malformed' };
  if (!issuer || typeof issuer.id !== 'string') return { error: 'data.json "issuer" is malformed' };
  if (typeof d.fields !== 'object' || d.fields === null) return { error: 'data.json "fields" is missing' };
  if (d.status !== undefined) {
    const st = d.status as Record<string, unknown> | null;
    if (!st || typeof st.list !== 'string' || !Number.isSafeInteger(st.index) || (st.index as number) < 0) return { error: 'data.json "status" is malformed' };
  }
  if (d.specimen !== undefined && d.specimen !== true) return { error: 'data.json "specimen" must be true when present' };
  return { data: parsed as EmbeddedData };
}

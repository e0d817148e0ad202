import { DOCUMENT_STATUSES } from '../../domain/lifecycle.js';
import type { LoadedType } from '../../doctypes/load-types.js';
import type { Executor } from '../../store/index.js';
import {
  searchDocumentRows,
  subjectFieldsOfRegisteredTypes,
  type DocumentSearchResult,
  type SubjectFields,
} from '../../store/repos/document-search.js';
import { SLUG_PATTERN } from '../../store/validate.js';
import { requireMember, type ActingOfficer } from './acting-officer.js';
import { bangkokDayRange } from './bangkok-days.js';
import { inputError } from './input-problems.js';

export type { DocumentSearchResult, DocumentSearchRow } from '../../store/repos/document-search.js';

/** Filters as a search form sends them; every one optional, every one checked. */
export interface DocumentSearchFilters {
  serial?: unknown;
  subjectId?: unknown;
  name?: unknown;
  /** Bangkok calendar days, YYYY-MM-DD, inclusive. */
  from?: unknown;
  to?: unknown;
  status?: unknown;
  typeId?: unknown;
  limit?: unknown;
  offset?: unknown;
}

export const SEARCH_STATUSES = [...DOCUMENT_STATUSES, 'specimen'] as const;
const MAX_LIMIT = 200;
const MAX_OFFSET = 100_000;

function optionalString(field: string, value: unknown, max: number, label: { th: string; en: string }): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw inputError(field, { th: `${label.th}ต้องเป็นข้อความ`, en: `${label.en} must be text` }, 'type');
  // NFC: the same Thai text typed on two keyboards can differ in code points (e.g. sara am as one or two characters).
  const v = value.normalize('NFC').trim();
  if (v === '') return undefined;
  if (v.length > max) throw inputError(field, { th: `${label.th}ยาวเกิน ${max} ตัวอักษร`, en: `${label.en} must be at most ${max} characters` }, 'maxLength');
  return v;
}

function wholeNumber(field: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw inputError(field, { th: `${field} ต้องเป็นจำนวนเต็ม ${min}–${max}`, en: `${field} must be a whole number from ${min} to ${max}` }, 'range');
  }
  return n;
}

/**
 * Searches the officer's agency: the registry in live mode, the training specimens in sandbox mode (same row shape,
 * status 'specimen'). Any member of the agency may search. Subject names are read with the type version's own
 * name fields — from the registered type definitions, or `types` (bundled/loaded types) for versions not registered.
 */
export async function searchDocuments(
  db: Executor,
  officer: ActingOfficer,
  filters: DocumentSearchFilters = {},
  types?: Map<string, LoadedType>,
): Promise<DocumentSearchResult & { limit: number; offset: number }> {
  requireMember(officer);
  const f = filters ?? {};
  const serial = optionalString('serial', f.serial, 100, { th: 'เลขที่เอกสาร', en: 'serial' });
  let subjectId = optionalString('subjectId', f.subjectId, 100, { th: 'เลขประจำตัว', en: 'subjectId' });
  // "1-1037-00123-45-8" as printed on cards: the registry stores digits only.
  if (subjectId !== undefined && /^[0-9][0-9\s-]*$/.test(subjectId)) subjectId = subjectId.replace(/[\s-]/g, '');
  const name = optionalString('name', f.name, 200, { th: 'ชื่อ', en: 'name' });
  const typeId = optionalString('typeId', f.typeId, 63, { th: 'ประเภทเอกสาร', en: 'typeId' });
  if (typeId !== undefined && !SLUG_PATTERN.test(typeId)) {
    throw inputError('typeId', { th: 'รหัสประเภทเอกสารไม่ถูกต้อง', en: 'typeId must be a type id such as "training-certificate"' }, 'pattern');
  }
  const status = optionalString('status', f.status, 20, { th: 'สถานะ', en: 'status' });
  if (status !== undefined && !(SEARCH_STATUSES as readonly string[]).includes(status)) {
    throw inputError('status', { th: `สถานะต้องเป็นค่าใดค่าหนึ่ง: ${SEARCH_STATUSES.join(', ')}`, en: `status must be one of ${SEARCH_STATUSES.join(', ')}` }, 'enum');
  }
  const { startIso, endIso } = bangkokDayRange(f.from, f.to);
  const limit = wholeNumber('limit', f.limit, 50, 1, MAX_LIMIT);
  const offset = wholeNumber('offset', f.offset, 0, 0, MAX_OFFSET);

  const subjects = await subjectFields(db, types);
  const result = await searchDocumentRows(
    db,
    { agencyId: officer.agencyId, mode: officer.mode },
    { serial, subjectId, name, typeId, status, issuedFromIso: startIso, issuedBeforeIso: endIso, limit, offset },
    subjects,
  );
  return { ...result, limit, offset };
}

async function subjectFields(db: Executor, types: Map<string, LoadedType> | undefined): Promise<SubjectFields[]> {
  const registered = await subjectFieldsOfRegisteredTypes(db);
  for (const t of types?.values() ?? []) {
    const d = t.definition;
    if (!registered.some((s) => s.typeId === d.id && s.typeVersion === d.version)) {
      registered.push({ typeId: d.id, typeVersion: d.version, idField: d.subject.idField, nameFields: [...d.subject.nameFields] });
    }
  }
  return registered;
}

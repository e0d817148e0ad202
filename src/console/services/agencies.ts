import type { Kysely } from 'kysely';
import { AppError } from '../../domain/errors.js';
import type { LoadedType } from '../../doctypes/load-types.js';
import {
  appendAuditEvent,
  getAgency,
  getDocumentType,
  grantTypeEntitlement,
  isUniqueViolation,
  listAgencies as listAllAgencies,
  upsertDocumentType,
  withTransaction,
  SLUG_PATTERN,
  type Agency,
  type Database,
} from '../../store/index.js';
import { actorOf, requireSystemAdmin, type ActingOfficer } from './acting-officer.js';
import type { FieldError } from '../../doctypes/field-errors.js';
import { invalidInput } from './input-problems.js';

/** Every agency of this registry. System administrators only. */
export async function listAgencies(db: Kysely<Database>, officer: ActingOfficer): Promise<Agency[]> {
  requireSystemAdmin(officer);
  return listAllAgencies(db);
}

export interface NewAgencyInput {
  id: unknown;
  nameTh: unknown;
  nameEn: unknown;
  addressTh: unknown;
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

function checkText(errors: FieldError[], field: string, value: unknown, max: number, label: { th: string; en: string }, allowEmpty = false): string {
  const v = typeof value === 'string' ? value.normalize('NFC').trim() : undefined;
  if (v === undefined || (!allowEmpty && v === '') || v.length > max || CONTROL.test(v)) {
    errors.push({
      field,
      problem: v === undefined || v === '' ? 'required' : 'maxLength',
      message: { th: `ต้องระบุ${label.th} (ไม่เกิน ${max} ตัวอักษร)`, en: `${label.en} is required (at most ${max} characters)` },
    });
    return '';
  }
  return v;
}

/**
 * Creates an agency and entitles it to the bundled document types. The id is permanent — it appears in every
 * document address (`agency:type:id`) — so it must be a slug and must not exist yet (409, not an overwrite).
 * The agency still needs a signing key before it can issue (ekasarn keys / the PKI set-up), which is not made here.
 */
export async function createAgency(
  db: Kysely<Database>,
  officer: ActingOfficer,
  input: NewAgencyInput,
  types: Map<string, LoadedType>,
): Promise<Agency> {
  requireSystemAdmin(officer);
  const errors: FieldError[] = [];
  const id = typeof input?.id === 'string' ? input.id.trim() : '';
  if (!SLUG_PATTERN.test(id)) {
    errors.push({
      field: 'id',
      problem: 'pattern',
      message: {
        th: 'รหัสหน่วยงานต้องเป็นอักษรอังกฤษตัวเล็ก ตัวเลข และ "-" ยาว 1–63 ตัว ขึ้นต้นด้วยอักษรหรือตัวเลข เช่น dopa-bangrak',
        en: 'id must be 1–63 characters of a-z, 0-9 and "-", starting with a letter or digit, e.g. dopa-bangrak',
      },
    });
  }
  const nameTh = checkText(errors, 'nameTh', input?.nameTh, 300, { th: 'ชื่อหน่วยงานภาษาไทย', en: 'The Thai name' });
  const nameEn = checkText(errors, 'nameEn', input?.nameEn, 300, { th: 'ชื่อหน่วยงานภาษาอังกฤษ', en: 'The English name' });
  const addressTh = checkText(errors, 'addressTh', input?.addressTh ?? '', 1000, { th: 'ที่อยู่', en: 'The address' }, true);
  if (errors.length) throw invalidInput(errors);

  const exists = () =>
    new AppError('agency_exists', 409, { th: `มีหน่วยงานรหัส "${id}" อยู่แล้ว`, en: `An agency with id "${id}" already exists` });
  try {
    return await withTransaction(db, async (trx) => {
      if (await getAgency(trx, id)) throw exists();
      const now = new Date().toISOString();
      await trx.insertInto('agencies').values({ id, name_th: nameTh, name_en: nameEn, address_th: addressTh, created_at: now }).execute();
      for (const t of types.values()) {
        await grantTypeEntitlement(trx, id, t.definition.id);
        // Documents reference (type, version) in document_types; bundled versions are registered once, under the
        // first agency that had them, so only a version nobody registered yet is registered here.
        if (!(await getDocumentType(trx, t.definition.id, t.definition.version))) {
          await upsertDocumentType(trx, {
            typeId: t.definition.id,
            version: t.definition.version,
            agencyId: id,
            nameTh: t.definition.name.th,
            nameEn: t.definition.name.en,
            definition: { type: t.definition, schema: t.schema },
            templateSha256: t.templateSha256,
          });
        }
      }
      await appendAuditEvent(trx, {
        actor: actorOf(officer),
        action: 'agency.created',
        agencyId: id,
        source: officer.source,
        details: { agencyId: id, types: [...types.keys()] },
      });
      return { id, nameTh, nameEn, addressTh, createdAt: now };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw exists();
    throw e;
  }
}


import type { LoadedType } from '../doctypes/load-types.js';
import type { RowProblemRecord } from '../store/index.js';

/** Problems a row can have after it was read and validated: each names the column (or none) in Thai and English. */

export function pastValidityProblem(type: LoadedType): RowProblemRecord {
  const def = type.definition;
  const field = def.validity.kind === 'field' ? def.validity.field : null;
  const label = (field && def.fields[field]) || { th: 'วันหมดอายุ', en: 'The expiry date' };
  return { column: field, code: 'past', message: { th: `${label.th}ต้องไม่อยู่ในอดีต`, en: `${label.en} must not be in the past` } };
}

export function idempotencyConflictProblem(column: string | null, documentId: string): RowProblemRecord {
  return {
    column,
    code: 'idempotency_conflict',
    message: {
      th: `คีย์นี้เคยใช้ออกเอกสาร ${documentId} ด้วยข้อมูลที่ต่างกันแล้ว จึงไม่ออกซ้ำ`,
      en: `This key was already used for document ${documentId} with different data; nothing was issued`,
    },
  };
}

export function keyTooLongProblem(column: string): RowProblemRecord {
  return { column, code: 'key_too_long', message: { th: 'คีย์ยาวเกิน 200 ตัวอักษร', en: 'The key is longer than 200 characters' } };
}

export function emptyKeyProblem(column: string): RowProblemRecord {
  return { column, code: 'required', message: { th: `ต้องระบุ ${column} (ใช้เป็นคีย์ของแถว)`, en: `${column} is required (it is the row's key)` } };
}

import type { ErrorObject } from 'ajv';
import type { Bilingual, FieldLabel } from '../domain/document-type.js';

/** One problem with one field, in words an officer understands, Thai first. */
export interface FieldError {
  /** The field name (JSON pointer without the leading slash for top-level fields); "" for the whole object. */
  field: string;
  /** The JSON Schema keyword that failed (required, pattern, format…): stable for programs. */
  problem: string;
  message: Bilingual;
}

function fieldOf(err: ErrorObject): string {
  if (err.keyword === 'required') return String((err.params as { missingProperty: string }).missingProperty);
  if (err.keyword === 'additionalProperties') return String((err.params as { additionalProperty: string }).additionalProperty);
  return err.instancePath.replace(/^\//, '').replace(/~1/g, '/').replace(/~0/g, '~');
}

function sentence(err: ErrorObject, label: Bilingual): Bilingual {
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'required':
      return { th: `ต้องระบุ${label.th}`, en: `${label.en} is required` };
    case 'additionalProperties':
      return { th: `ไม่รู้จักช่อง "${label.th}" ในเอกสารประเภทนี้`, en: `"${label.en}" is not a field of this document type` };
    case 'type':
      return { th: `${label.th}ต้องเป็น${p.type === 'integer' ? 'จำนวนเต็ม' : p.type === 'string' ? 'ข้อความ' : String(p.type)}`, en: `${label.en} must be ${p.type === 'integer' ? 'a whole number' : `of type ${String(p.type)}`}` };
    case 'minLength':
      return Number(p.limit) === 1
        ? { th: `ต้องระบุ${label.th} (ห้ามเว้นว่าง)`, en: `${label.en} must not be empty` }
        : { th: `${label.th}ต้องยาวอย่างน้อย ${p.limit} ตัวอักษร`, en: `${label.en} must be at least ${p.limit} characters` };
    case 'maxLength':
      return { th: `${label.th}ยาวเกิน ${p.limit} ตัวอักษร`, en: `${label.en} must be at most ${p.limit} characters` };
    case 'pattern':
      return { th: `${label.th}มีอักขระที่ไม่อนุญาตหรือรูปแบบไม่ถูกต้อง`, en: `${label.en} contains characters that are not allowed or has the wrong form` };
    case 'format':
      if (p.format === 'thai-id') return { th: `${label.th}ไม่ถูกต้อง (ต้องเป็นตัวเลข 13 หลักและเลขตรวจสอบถูกต้อง)`, en: `${label.en} is not a valid 13-digit Thai ID (check digit)` };
      if (p.format === 'date') return { th: `${label.th}ต้องเป็นวันที่ที่มีอยู่จริง รูปแบบ ปปปป-ดด-วว (ค.ศ.)`, en: `${label.en} must be a real date written YYYY-MM-DD` };
      return { th: `${label.th}มีรูปแบบไม่ถูกต้อง (${String(p.format)})`, en: `${label.en} must be in ${String(p.format)} format` };
    case 'enum':
      return { th: `${label.th}ต้องเป็นค่าใดค่าหนึ่งต่อไปนี้: ${(p.allowedValues as unknown[]).join(', ')}`, en: `${label.en} must be one of: ${(p.allowedValues as unknown[]).join(', ')}` };
    case 'minimum':
    case 'maximum':
      return { th: `${label.th}ต้อง${err.keyword === 'minimum' ? 'ไม่น้อยกว่า' : 'ไม่เกิน'} ${p.limit}`, en: `${label.en} must be ${err.keyword === 'minimum' ? 'at least' : 'at most'} ${p.limit}` };
    default:
      return { th: `${label.th}ไม่ถูกต้อง (${err.keyword})`, en: `${label.en} is invalid (${err.message ?? err.keyword})` };
  }
}

/** Turns ajv's errors into one bilingual error per field and problem, labelled with the type's own field names. */
export function toFieldErrors(errors: ErrorObject[] | null | undefined, labels: Record<string, FieldLabel>): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const err of errors ?? []) {
    const field = fieldOf(err);
    const key = `${field}\u0000${err.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const label = labels[field] ?? (field ? { th: field, en: field } : { th: 'ข้อมูล', en: 'The data' });
    out.push({ field, problem: err.keyword, message: sentence(err, label) });
  }
  return out;
}

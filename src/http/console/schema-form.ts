import type { LoadedType } from '../../doctypes/load-types.js';
import type { FieldError } from '../../doctypes/field-errors.js';
import { esc } from '../pages/html.js';
import { t } from './page.js';
import { formatThaiDate, isIsoDate } from '../../domain/thai-date.js';

/**
 * The issue form, generated from a type's JSON Schema (flat objects of strings, numbers and dates: what the bundled
 * and authored types use). Labels come from the type's bilingual field labels; the schema gives the control
 * (enum → select, format date → date picker, integer → number) and the native limits (required, maxlength). The
 * authoritative check is the server's: the browser script asks `/console/api/validate` as the officer leaves a field,
 * and every submit is validated again.
 */

interface PropertySchema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  description?: string;
}

function properties(type: LoadedType): [string, PropertySchema][] {
  const props = (type.schema.properties ?? {}) as Record<string, PropertySchema>;
  // The type's own field order (type.json) first: it is the order on the printed document.
  const order = Object.keys(type.definition.fields);
  return Object.entries(props).sort(([a], [b]) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib);
  });
}

const isNumeric = (p: PropertySchema) => p.type === 'integer' || p.type === 'number';

/** Form controls for every field, filled with `values` and marked with `errors`. */
export function schemaFormFields(type: LoadedType, values: Record<string, unknown>, errors: FieldError[] = []): string {
  const required = new Set((type.schema.required ?? []) as string[]);
  return properties(type)
    .map(([name, p]) => {
      const label = type.definition.fields[name] ?? { th: name, en: name };
      const id = `f-${name}`;
      const err = errors.filter((e) => e.field === name);
      const invalid = err.length > 0;
      const value = values[name] === undefined || values[name] === null ? '' : String(values[name]);
      const common = `id="${esc(id)}" name="${esc(name)}" aria-describedby="${esc(id)}-hint ${esc(id)}-error"${required.has(name) ? ' required aria-required="true"' : ''}${invalid ? ' aria-invalid="true"' : ''}`;
      let control: string;
      if (Array.isArray(p.enum)) {
        control = `<select ${common}><option value="">— เลือก · choose —</option>${p.enum
          .map((o) => `<option value="${esc(o)}"${String(o) === value ? ' selected' : ''}>${esc(o)}</option>`)
          .join('')}</select>`;
      } else if (p.format === 'date') {
        control = `<input type="date" ${common} value="${esc(value)}">`;
      } else if (isNumeric(p)) {
        control = `<input type="number" inputmode="numeric" ${p.type === 'integer' ? 'step="1"' : 'step="any"'}${p.minimum !== undefined ? ` min="${p.minimum}"` : ''}${p.maximum !== undefined ? ` max="${p.maximum}"` : ''} ${common} value="${esc(value)}">`;
      } else {
        const inputmode = p.format === 'thai-id' ? ' inputmode="numeric" autocomplete="off"' : '';
        control = `<input type="text"${inputmode}${p.maxLength ? ` maxlength="${p.maxLength}"` : ''} ${common} value="${esc(value)}">`;
      }
      const hint = p.format === 'date' ? t('วันที่ตามปฏิทิน (บันทึกเป็น ค.ศ. แสดงบนเอกสารเป็น พ.ศ.)', 'Calendar date (stored as ISO, printed in the Buddhist era)') : p.format === 'thai-id' ? t('ตัวเลข 13 หลัก', '13 digits') : '';
      return `<div class="field" data-field="${esc(name)}">
  <label for="${esc(id)}">${t(label.th, label.en)}${required.has(name) ? ' <span aria-hidden="true">*</span>' : ''}</label>
  <p class="hint" id="${esc(id)}-hint">${hint}</p>
  ${control}
  <p class="error" id="${esc(id)}-error" aria-live="polite">${err.map((e) => t(e.message.th, e.message.en)).join('<br>')}</p>
</div>`;
    })
    .join('\n');
}

/** Errors that belong to no single field (e.g. the whole object), shown above the form. */
export function formLevelErrors(type: LoadedType, errors: FieldError[]): FieldError[] {
  const names = new Set(Object.keys((type.schema.properties ?? {}) as object));
  return errors.filter((e) => !names.has(e.field));
}

/**
 * Form text → the JSON the schema expects: blank fields are left out (so "required" speaks), numbers become numbers
 * when they are numbers (otherwise the text stays, and the schema's type check names the field), fields the type does
 * not have are dropped (`_csrf`, buttons).
 */
export function formToData(type: LoadedType, form: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, p] of properties(type)) {
    const raw = form[name];
    const text = Array.isArray(raw) ? raw[0] : raw;
    if (typeof text !== 'string') continue;
    const v = text.trim();
    if (v === '') continue;
    if (isNumeric(p) && /^-?\d+(\.\d+)?$/.test(v)) out[name] = Number(v);
    else out[name] = v;
  }
  return out;
}

/** A stored value as an officer reads it: calendar dates in the Buddhist era (with the ISO date kept beside). */
export function displayFieldValue(type: LoadedType | undefined, name: string, value: unknown): string {
  const p = ((type?.schema.properties ?? {}) as Record<string, PropertySchema>)[name];
  if (p?.format === 'date' && typeof value === 'string' && isIsoDate(value)) return `${esc(formatThaiDate(value))} <span class="muted">(${esc(value)})</span>`;
  return esc(value);
}

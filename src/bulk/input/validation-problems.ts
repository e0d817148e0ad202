import type { FieldError } from '../../doctypes/field-errors.js';
import type { LoadedType } from '../../doctypes/load-types.js';
import type { RowProblem } from './row-problem.js';

/**
 * The validator's per-field errors as row problems. Its sentences name the field by its label ("ชื่อ", "First name
 * (Thai)"); the officer edits a spreadsheet whose header says `first_name_th`, so the column name is added when the
 * sentence does not already quote it.
 */
export function rowProblemsFromValidation(errors: FieldError[], _type: LoadedType): RowProblem[] {
  return errors.map((e) => {
    if (!e.field) return { column: null, code: e.problem, message: e.message };
    // A label may contain the column's word ("Number of workers" / workers), so only a quoted name counts as named.
    const named = `"${e.field}"`;
    const th = e.message.th.includes(named) ? e.message.th : `${e.message.th} (คอลัมน์ ${e.field})`;
    const en = e.message.en.includes(named) ? e.message.en : `${e.message.en} (column ${e.field})`;
    return { column: e.field, code: e.problem, message: { th, en } };
  });
}

import { AppError } from '../../domain/errors.js';
import type { FieldError } from '../../doctypes/field-errors.js';

/**
 * Problems with what an officer typed into a console form or filter, in the FieldError shape the API already uses
 * for document data, so the page can show each message beside its field.
 */
export function inputError(field: string, message: { th: string; en: string }, problem = 'invalid'): AppError {
  return invalidInput([{ field, problem, message }]);
}

export function invalidInput(errors: FieldError[]): AppError {
  return new AppError('invalid_input', 422, { th: 'ข้อมูลที่กรอกไม่ถูกต้อง', en: 'The input is invalid' }, errors);
}

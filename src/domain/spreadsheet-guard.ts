/**
 * CSV injection guard (OWASP): a cell that starts with = + - @ tab or CR (or their full-width forms, which Excel
 * also accepts) is read as a formula when an officer opens the file in a spreadsheet; a leading "'" makes it text.
 * Shared by the bulk results CSV and the console's audit export.
 */
export const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

export const formulaGuarded = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

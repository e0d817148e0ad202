export { readRows, formatFromContentType, formatFromName, BulkInputError } from './read-rows.js';
export type { InputFormat, ReadRowsOptions, RowProblem, SourceRow } from './read-rows.js';
export { checkColumns, fieldsOf, unknownKeys, type ColumnOptions } from './header-check.js';
export { rowProblemsFromValidation } from './validation-problems.js';

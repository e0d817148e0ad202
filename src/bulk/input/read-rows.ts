import { readCsvRows, type ReadRowsOptions } from './read-csv-rows.js';
import { readJsonlRows } from './read-jsonl-rows.js';
import type { InputFormat } from './input-format.js';
import type { SourceRow } from './row-problem.js';

export { formatFromContentType, formatFromName, type InputFormat } from './input-format.js';
export type { RowProblem, SourceRow } from './row-problem.js';
export type { ReadRowsOptions } from './read-csv-rows.js';
export { BulkInputError } from './bulk-input-error.js';

/**
 * The rows of a bulk input, streamed: memory follows one record, never the file.
 *
 * CSV: the header is read first and checked (empty, unnamed or duplicate columns throw BulkInputError before any row);
 * pass `onHeader` to see the column names and check them against the document type, e.g.
 * `readRows(src, 'csv', { onHeader: (cols) => checkColumns(cols, type) })`. Problems of single rows (wrong cell
 * count, too large, bad syntax, not UTF-8) are yielded as `{ row, problem }`, never thrown; a syntax error ends the
 * stream after its problem row. Errors of the source itself are rethrown.
 * JSONL: no header (`onHeader` is not called); each line is a row.
 * Values are text exactly as written (trimmed; empty CSV cells omitted) — nothing is evaluated.
 */
export function readRows(
  source: AsyncIterable<Uint8Array | string>,
  format: InputFormat,
  opts: ReadRowsOptions = {},
): AsyncGenerator<SourceRow> {
  const limit = opts.maxRecordBytes;
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw new RangeError(`readRows: maxRecordBytes must be a positive integer, got ${String(limit)}`);
  }
  if (format === 'csv') return readCsvRows(source, opts);
  if (format === 'jsonl') return readJsonlRows(source, opts);
  throw new RangeError(`readRows: unknown format ${JSON.stringify(format)} (expected "csv" or "jsonl")`);
}

import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { RowProblem } from '../input/row-problem.js';
import { formulaGuarded } from '../../domain/spreadsheet-guard.js';

/** What happened to one input row of a batch. */
export interface ResultRow {
  row: number;
  outcome: 'issued' | 'existing' | 'failed';
  documentId?: string;
  serial?: string;
  file?: string;
  problems?: RowProblem[];
}

const COLUMNS = ['row', 'outcome', 'document_id', 'serial', 'file', 'error_th', 'error_en'] as const;
const OUTCOMES = new Set(['issued', 'existing', 'failed']);
const BOM = '\uFEFF';

/*
 * csv-stringify does the RFC 4180 quoting (fields with comma, quote, CR or LF quoted; quotes doubled); `formulaGuarded`
 * prefixes "'" to an error cell starting with = + - @ tab CR or their full-width forms (OWASP "CSV injection"): error
 * messages quote what the uploader typed, e.g. =HYPERLINK(…), and officers open this file in Excel.
 */
// quote_record_delimiter must be explicit: once record_delimiter is set, csv-stringify would otherwise leave a lone
// CR or LF inside a cell unquoted, which splits the record.
const options = { record_delimiter: '\r\n', quote_record_delimiter: true, eof: true } as const;

/**
 * The formula guard, on the cells that carry what an uploader typed (the error texts quote values). Not on ids, serials
 * or file names: those are ours, and a document id may begin with "-" — a quote in front would make it another id.
 */

function problemsText(problems: RowProblem[] | undefined, lang: 'th' | 'en'): string {
  // Validation messages already end with "(column x)"; others get the column in front so the cell can be found.
  return (problems ?? []).map((p) => (p.column && !p.message[lang].includes(p.column) ? `${p.column}: ${p.message[lang]}` : p.message[lang])).join('; ');
}

/** The header line of the results CSV, starting with a UTF-8 BOM (without it Excel shows Thai as mojibake). */
export function resultsCsvHeader(): string {
  return BOM + stringify([[...COLUMNS]], options);
}

/** One CRLF-terminated line of the results CSV. */
export function resultCsvLine(r: ResultRow): string {
  if (!Number.isSafeInteger(r.row) || r.row < 1) throw new TypeError(`resultCsvLine: row must be a positive integer, got ${String(r.row)}`);
  if (!OUTCOMES.has(r.outcome)) throw new TypeError(`resultCsvLine: outcome must be issued, existing or failed, got ${String(r.outcome)}`);
  const cells = [
    String(r.row),
    r.outcome,
    r.documentId ?? '',
    r.serial ?? '',
    r.file ?? '',
    formulaGuarded(problemsText(r.problems, 'th')),
    formulaGuarded(problemsText(r.problems, 'en')),
  ];
  return stringify([cells], options);
}

/** The whole results CSV as a byte stream; the next row is pulled only when the reader wants more (backpressure). */
export function resultsCsvStream(rows: AsyncIterable<ResultRow>): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield resultsCsvHeader();
    for await (const r of rows) yield resultCsvLine(r);
  }
  return Readable.from(lines(), { objectMode: false });
}

import { CsvError, parse } from 'csv-parse';
import type { Bilingual } from '../../domain/document-type.js';
import { BulkInputError } from './bulk-input-error.js';
import { DEFAULT_MAX_RECORD_BYTES, notUtf8, rowTooLarge, setOwn, type RowProblem, type SourceRow } from './row-problem.js';

export interface ReadRowsOptions {
  /** A row larger than this (bytes, including its line end) is reported as `row_too_large`. Default 64 KiB. */
  maxRecordBytes?: number;
  /**
   * CSV only: called once with the trimmed column names, after the header passed its own checks and before the first
   * row is yielded. Throwing here (e.g. `checkColumns`) ends the read with that error, before any row.
   */
  onHeader?: (columns: string[]) => void;
}

/** A record as the parser saw it, kept until our generator hands it on (see readCsvRows for why). */
interface ParsedRecord {
  cells: string[];
  emptyLines: number;
  endByte: number;
}

/*
 * A record beyond maxRecordBytes is only reported and skipped, but the parser still holds it in memory while reading
 * it. This cap bounds that memory: a record this large is almost always a quote that is never closed swallowing the
 * rest of the file, so reading stops there.
 */
const HARD_CAP_FACTOR = 16;

const lineBreaks = /\r\n|\r|\n/g;

function countLineBreaks(cells: string[]): number {
  let n = 0;
  for (const c of cells) {
    if (c.includes('\n') || c.includes('\r')) n += c.match(lineBreaks)!.length;
  }
  return n;
}

function headerFrom(cells: string[]): string[] {
  const names = cells.map((c) => c.trim());
  if (names.some((n) => n.includes('\uFFFD'))) {
    throw new BulkInputError({
      th: 'หัวตารางมีอักขระที่ไม่ใช่ UTF-8 (บันทึกไฟล์ใหม่เป็น "CSV UTF-8")',
      en: 'The header contains bytes that are not UTF-8 (save the file again as "CSV UTF-8")',
    });
  }
  const emptyAt = names.flatMap((n, i) => (n === '' ? [i + 1] : []));
  if (emptyAt.length > 0) {
    throw new BulkInputError(
      { th: `หัวตารางคอลัมน์ที่ ${emptyAt.join(', ')} ไม่มีชื่อ`, en: `Header column${emptyAt.length > 1 ? 's' : ''} ${emptyAt.join(', ')} ha${emptyAt.length > 1 ? 've' : 's'} no name` },
      { emptyColumns: emptyAt },
    );
  }
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const n of names) (seen.has(n) ? dup : seen).add(n);
  if (dup.size > 0) {
    const list = [...dup].map((d) => `"${d}"`).join(', ');
    throw new BulkInputError({ th: `หัวตารางมีชื่อคอลัมน์ซ้ำ: ${list}`, en: `The header repeats column names: ${list}` }, { duplicateColumns: [...dup] });
  }
  return names;
}

function columnCount(found: number, expected: number): RowProblem {
  return {
    column: null,
    code: 'column_count',
    message: { th: `แถวนี้มี ${found} ช่อง แต่หัวตารางมี ${expected} ช่อง`, en: `This row has ${found} cells but the header has ${expected}` },
  };
}

const stopped: Bilingual = { th: 'จึงหยุดอ่านไฟล์ที่แถวนี้ แถวถัดไปยังไม่ได้อ่าน', en: 'reading stopped at this row; later rows were not read' };

function syntaxProblem(err: CsvError, limit: number): RowProblem {
  if (err.code === 'CSV_MAX_RECORD_SIZE') {
    const p = rowTooLarge(limit);
    return {
      ...p,
      message: {
        th: `${p.message.th} (มักเกิดจากเครื่องหมายคำพูด " ที่เปิดแล้วไม่ได้ปิด) ${stopped.th}`,
        en: `${p.message.en} (often a quote " that is never closed); ${stopped.en}`,
      },
    };
  }
  let what: Bilingual;
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      what = { th: 'เครื่องหมายคำพูด " ที่เปิดในแถวนี้ไม่ได้ปิด', en: 'A quote " opened in this row is never closed' };
      break;
    case 'CSV_INVALID_CLOSING_QUOTE':
      what = { th: 'หลังเครื่องหมายคำพูดปิด " ต้องเป็นจุลภาคหรือขึ้นบรรทัดใหม่', en: 'A closing quote " must be followed by a comma or the end of the line' };
      break;
    case 'INVALID_OPENING_QUOTE':
      what = {
        th: 'มีเครื่องหมายคำพูด " กลางช่องที่ไม่ได้อยู่ในเครื่องหมายคำพูด (ใส่ทั้งช่องในเครื่องหมายคำพูดและเขียน " เป็น "")',
        en: 'A quote " appears inside an unquoted cell (quote the whole cell and write " as "")',
      };
      break;
    default:
      what = { th: `รูปแบบ CSV ไม่ถูกต้อง (${err.code})`, en: `Invalid CSV (${err.code})` };
  }
  return { column: null, code: 'csv_syntax', message: { th: `${what.th} ${stopped.th}`, en: `${what.en}; ${stopped.en}` } };
}

/**
 * Reads CSV records one source chunk at a time, so memory follows the largest record, not the file.
 *
 * Why `on_record` instead of iterating the parser stream: when csv-parse meets a syntax error it destroys the stream,
 * and records it had already parsed from the same chunk but not yet handed out are dropped. Collecting them
 * synchronously as they are parsed keeps every good row before the error, then the error itself becomes a row problem.
 * Row numbers are computed from line breaks inside cells and the parser's count of blank lines, because csv-parse's
 * own line counter counts a CRLF inside a quoted cell twice.
 */
export async function* readCsvRows(source: AsyncIterable<Uint8Array | string>, opts: ReadRowsOptions = {}): AsyncGenerator<SourceRow> {
  const limit = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const queue: ParsedRecord[] = [];
  let failure: unknown;
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // Files pasted together from several tools mix line ends; csv-parse would otherwise fix on the first one it sees.
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: limit * HARD_CAP_FACTOR,
    on_record: (record: string[], info) => {
      queue.push({ cells: record, emptyLines: info.empty_lines, endByte: info.bytes });
      return null;
    },
  });
  parser.on('error', (e: unknown) => {
    failure ??= e;
  });
  parser.resume();

  let header: string[] | null = null;
  let lastEndLine = 0;
  let lastEmptyLines = 0;
  let lastEndByte = 0;

  const startOfNext = (emptyLines: number): number => lastEndLine + 1 + (emptyLines - lastEmptyLines);

  function* drain(): Generator<SourceRow> {
    while (queue.length > 0) {
      const rec = queue.shift()!;
      const row = startOfNext(rec.emptyLines);
      lastEndLine = row + countLineBreaks(rec.cells);
      lastEmptyLines = rec.emptyLines;
      const size = rec.endByte - lastEndByte;
      lastEndByte = rec.endByte;

      if (header === null) {
        header = headerFrom(rec.cells);
        opts.onHeader?.(header);
        continue;
      }
      const cells = rec.cells.map((c) => c.trim());
      // A line of only commas or spaces is how spreadsheets export an emptied row: as blank as an empty line.
      if (cells.every((c) => c === '')) continue;
      if (size > limit) {
        yield { row, problem: rowTooLarge(limit) };
        continue;
      }
      if (cells.length !== header.length) {
        yield { row, problem: columnCount(cells.length, header.length) };
        continue;
      }
      if (cells.some((c) => c.includes('\uFFFD'))) {
        yield { row, problem: notUtf8 };
        continue;
      }
      const values: Record<string, unknown> = {};
      for (let i = 0; i < cells.length; i++) {
        if (cells[i] !== '') setOwn(values, header[i]!, cells[i]);
      }
      yield { row, values };
    }
  }

  try {
    for await (const chunk of source) {
      if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) throw new TypeError('readRows: source chunks must be strings or Uint8Array');
      await new Promise<void>((resolve) => {
        parser.write(chunk, (err) => {
          if (err) failure ??= err;
          resolve();
        });
      });
      yield* drain();
      if (failure !== undefined) break;
    }
    if (failure === undefined) {
      await new Promise<void>((resolve) => {
        parser.once('finish', resolve);
        parser.once('close', resolve);
        parser.end();
      });
      yield* drain();
    }
  } finally {
    if (!parser.destroyed) parser.destroy();
  }

  if (failure !== undefined) {
    if (!(failure instanceof CsvError)) throw failure;
    const row = startOfNext(typeof failure.empty_lines === 'number' ? failure.empty_lines : lastEmptyLines);
    if (header === null) {
      throw new BulkInputError({
        th: `อ่านหัวตารางไม่ได้: ${syntaxProblem(failure, limit).message.th}`,
        en: `The header cannot be read: ${syntaxProblem(failure, limit).message.en}`,
      });
    }
    yield { row, problem: syntaxProblem(failure, limit) };
    return;
  }
  if (header === null) {
    throw new BulkInputError({ th: 'ไฟล์ว่าง ไม่มีแถวหัวตาราง', en: 'The file is empty: there is no header row' });
  }
}

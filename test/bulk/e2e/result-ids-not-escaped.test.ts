import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { resultsCsvStream, type ResultRow } from '../../../src/bulk/output/index.js';
import { newDocumentId } from '../../../src/domain/identifiers.js';

/**
 * A document id is base64url, so one in 64 starts with "-". The results.csv that the CLI (--out) and
 * GET /api/v1/batches/:id/results.csv both write must still carry it verbatim: a program reading the file looks
 * documents up by that id. Only free text (the error cells, which quote what the uploader typed) needs the "'"
 * guard against spreadsheet formulas.
 * (Found end to end: an id "-OzBw4cx5uxE5I51WBricA" was written as "'-OzBw…". Fixed twice over: the guard covers the
 * error cells only, and new ids never begin with "-".)
 */
async function csvOf(rows: ResultRow[]): Promise<string[][]> {
  let text = '';
  for await (const chunk of resultsCsvStream((async function* () { yield* rows; })())) text += String(chunk);
  return parse(text, { bom: true }) as string[][];
}

describe('results.csv keeps ids that start with "-" verbatim', () => {
  const id = '-OzBw4cx5uxE5I51WBricA';

  it('an issued row whose document id starts with "-"', async () => {
    const [, line] = await csvOf([{ row: 2, outcome: 'issued', documentId: id, serial: 'ฝอ. 2569/000001', file: '000002_ฝอ.-2569-000001.pdf' }]);
    expect(line![2]).toBe(id);
  });

  it('while an error text starting with "=" is still defused with a leading quote', async () => {
    // column null: the cell is the message alone, so it starts with "=".
    const problems = [{ column: null, code: 'pattern', message: { th: '=HYPERLINK("http://x")', en: '=HYPERLINK("http://x")' } }];
    const [, line] = await csvOf([{ row: 11, outcome: 'failed', problems }]);
    expect(line![5]!.startsWith("'")).toBe(true);
    expect(line![6]!.startsWith("'")).toBe(true);
  });
});

describe('document ids', () => {
  it('never begin with "-" (an option on a command line, a formula in a spreadsheet)', () => {
    // 1 in 64 would without the redraw: 20,000 draws would show ~312.
    for (let i = 0; i < 20_000; i++) expect(newDocumentId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});

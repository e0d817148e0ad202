import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { resultCsvLine, resultsCsvHeader, resultsCsvStream, type ResultRow } from '../../../src/bulk/output/results-csv.js';

async function toBuffer(rows: AsyncIterable<ResultRow>): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(resultsCsvStream(rows), new Writable({ write(c: Buffer, _e, cb) { parts.push(c); cb(); } }));
  return Buffer.concat(parts);
}

async function* list(rows: ResultRow[]): AsyncGenerator<ResultRow> {
  yield* rows;
}

const DANGEROUS = ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '＝1+1', '＋1', '－1', '＠x'];

describe('results CSV', () => {
  it('starts with a BOM, uses CRLF, and round-trips every field including Thai, commas, quotes and newlines', async () => {
    const rows: ResultRow[] = [
      { row: 2, outcome: 'issued', documentId: '0f1e2d3c-aaaa-bbbb-cccc-000000000001', serial: 'ฝอ. 2568/000001', file: 'ฝอ. 2568-000001.pdf' },
      { row: 3, outcome: 'existing', documentId: 'doc-2', serial: 'รง.4 000002/2568', file: 'b.pdf' },
      {
        row: 5,
        outcome: 'failed',
        problems: [
          { column: 'first_name_th', code: 'required', message: { th: 'ต้องระบุชื่อ', en: 'First name (Thai) is required' } },
          { column: null, code: 'x', message: { th: 'ข้อความ "มีเครื่องหมายคำพูด", และจุลภาค', en: 'line one\nline two, "quoted"' } },
        ],
      },
    ];
    const out = await toBuffer(list(rows));
    expect([...out.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = out.toString('utf8');
    expect(text.startsWith('\uFEFFrow,outcome,document_id,serial,file,error_th,error_en\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    // No bare LF outside the quoted multi-line cell: every record ends in CRLF.
    expect(text.replace(/"[^"]*(?:""[^"]*)*"/g, '').match(/(?<!\r)\n/g)).toBeNull();

    const parsed = parse(out, { bom: true, columns: true }) as Record<string, string>[];
    expect(parsed).toEqual([
      { row: '2', outcome: 'issued', document_id: '0f1e2d3c-aaaa-bbbb-cccc-000000000001', serial: 'ฝอ. 2568/000001', file: 'ฝอ. 2568-000001.pdf', error_th: '', error_en: '' },
      { row: '3', outcome: 'existing', document_id: 'doc-2', serial: 'รง.4 000002/2568', file: 'b.pdf', error_th: '', error_en: '' },
      {
        row: '5',
        outcome: 'failed',
        document_id: '',
        serial: '',
        file: '',
        error_th: 'first_name_th: ต้องระบุชื่อ; ข้อความ "มีเครื่องหมายคำพูด", และจุลภาค',
        error_en: 'first_name_th: First name (Thai) is required; line one\nline two, "quoted"',
      },
    ]);
  });

  it('neutralises every formula prefix in the error cells (the uploader text) and keeps ids verbatim', async () => {
    for (const bad of DANGEROUS) {
      const line = resultCsvLine({
        row: 9,
        outcome: 'failed',
        documentId: bad,
        serial: bad,
        file: bad,
        problems: [{ column: null, code: 'pattern', message: { th: bad, en: bad } }],
      });
      const [cells] = parse(line, { relax_column_count: false }) as string[][];
      // Ids, serials and file names are the registry's own values: a quote would make them name something else.
      expect(cells).toEqual(['9', 'failed', bad, bad, bad, `'${bad}`, `'${bad}`]);
    }
    // Harmless text is left exactly as is.
    const [safe] = parse(resultCsvLine({ row: 2, outcome: 'failed', problems: [{ column: null, code: 'c', message: { th: 'a=1', en: "it's -1" } }] })) as string[][];
    expect(safe!.slice(5)).toEqual(['a=1', "it's -1"]);
  });

  it('a user value quoted inside an error message cannot start a cell', async () => {
    const line = resultCsvLine({ row: 11, outcome: 'failed', problems: [{ column: null, code: 'x', message: { th: '=HYPERLINK("http://x")', en: '=HYPERLINK("http://x")' } }] });
    const [cells] = parse(line) as string[][];
    expect(cells![5]).toBe('\'=HYPERLINK("http://x")');
  });

  it('quotes a cell whose only special character is a lone LF or CR', () => {
    const line = resultCsvLine({ row: 4, outcome: 'failed', problems: [{ column: null, code: 'c', message: { th: 'ก\nข', en: 'a\rb' } }] });
    expect(parse(line)).toEqual([['4', 'failed', '', '', '', 'ก\nข', 'a\rb']]);
  });

  it('header and single lines agree with the stream', async () => {
    const r: ResultRow = { row: 7, outcome: 'issued', documentId: 'd', serial: 's', file: 'f.pdf' };
    expect((await toBuffer(list([r]))).toString('utf8')).toBe(resultsCsvHeader() + resultCsvLine(r));
  });

  it('refuses malformed result rows', () => {
    expect(() => resultCsvLine({ row: 0, outcome: 'issued' })).toThrow(/row/);
    expect(() => resultCsvLine({ row: 2, outcome: 'done' as 'issued' })).toThrow(/outcome/);
  });

  it('pulls rows only as the reader asks (backpressure)', async () => {
    let produced = 0;
    async function* endless(): AsyncGenerator<ResultRow> {
      for (;;) {
        produced++;
        yield { row: produced + 1, outcome: 'issued', documentId: 'x'.repeat(100) };
      }
    }
    const stream = resultsCsvStream(endless());
    await new Promise((r) => setTimeout(r, 50));
    // Nobody reads: the stream fills its buffer (16 KiB) and stops pulling.
    expect(produced).toBeLessThan(500);
    stream.destroy();
  });
});

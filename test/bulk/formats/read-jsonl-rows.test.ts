import { describe, expect, it } from 'vitest';
import { formatFromContentType, formatFromName, readRows, type SourceRow } from '../../../src/bulk/input/read-rows.js';
import { collect, fromText } from './chunks.js';

const jsonl = (text: string | Uint8Array, opts?: Parameters<typeof readRows>[2], chunk = 5) => collect(readRows(fromText(text, chunk), 'jsonl', opts));
const summary = (rows: SourceRow[]) => rows.map((r) => ('problem' in r ? [r.row, r.problem.code] : [r.row, r.values]));

describe('readRows jsonl', () => {
  it('one object per line, row = line number, blank lines skipped, CRLF and BOM accepted, types kept', async () => {
    const text = '\uFEFF{"a":"สมชาย","n":12}\r\n\r\n   \n{"a":"=1+1","b":[1],"c":null}\n{"x":true}';
    expect(summary(await jsonl(text))).toEqual([
      [1, { a: 'สมชาย', n: 12 }],
      [4, { a: '=1+1', b: [1], c: null }],
      [5, { x: true }],
    ]);
  });

  it('reports invalid JSON and non-objects per line and goes on', async () => {
    const text = '{"a":1\n[1,2]\n"text"\n42\nnull\n{"ok":1}\n';
    const rows = await jsonl(text);
    expect(summary(rows)).toEqual([
      [1, 'invalid_json'],
      [2, 'not_an_object'],
      [3, 'not_an_object'],
      [4, 'not_an_object'],
      [5, 'not_an_object'],
      [6, { ok: 1 }],
    ]);
    const p = (rows[1] as { problem: { message: { th: string; en: string } } }).problem;
    expect(p.message.en).toBe('This line must be a JSON object {…}, not array');
  });

  it('drops lines over maxRecordBytes as they stream past, including a last line without LF', async () => {
    const big = JSON.stringify({ a: 'x'.repeat(2000) });
    const rows = await jsonl(`{"a":1}\n${big}\n{"b":2}\n${big}`, { maxRecordBytes: 1000 }, 64);
    expect(summary(rows)).toEqual([
      [1, { a: 1 }],
      [2, 'row_too_large'],
      [3, { b: 2 }],
      [4, 'row_too_large'],
    ]);
  });

  it('a line of exactly maxRecordBytes is accepted, one more byte is not', async () => {
    const line = JSON.stringify({ a: 'x'.repeat(92) }); // 100 bytes
    expect(line.length).toBe(100);
    expect(summary(await jsonl(`${line}\n${line} \n`, { maxRecordBytes: 100 }))).toEqual([
      [1, { a: 'x'.repeat(92) }],
      [2, 'row_too_large'],
    ]);
  });

  it('flags a line that is not UTF-8 and keeps Thai split across chunks intact', async () => {
    const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xca, 0xc1]), Buffer.from('"}\n{"a":"ภาษาไทย"}\n')]);
    expect(summary(await jsonl(bytes, undefined, 1))).toEqual([
      [1, 'not_utf8'],
      [2, { a: 'ภาษาไทย' }],
    ]);
  });

  it('accepts string chunks and never calls onHeader', async () => {
    let called = false;
    async function* strings(): AsyncGenerator<string> {
      yield '{"a":';
      yield '1}\n{"b"';
      yield ':2}';
    }
    const rows = await collect(readRows(strings(), 'jsonl', { onHeader: () => { called = true; } }));
    expect(summary(rows)).toEqual([[1, { a: 1 }], [2, { b: 2 }]]);
    expect(called).toBe(false);
  });
});

describe('format detection', () => {
  it('by file name', () => {
    expect(formatFromName('batch.csv')).toBe('csv');
    expect(formatFromName('/tmp/Batch.CSV')).toBe('csv');
    expect(formatFromName('rows.jsonl')).toBe('jsonl');
    expect(formatFromName('rows.ndjson')).toBe('jsonl');
    expect(formatFromName('rows.json')).toBeNull();
    expect(formatFromName('csv')).toBeNull();
    expect(formatFromName('rows.xlsx')).toBeNull();
  });

  it('by content type, ignoring parameters and case', () => {
    expect(formatFromContentType('text/csv')).toBe('csv');
    expect(formatFromContentType('Text/CSV; charset=utf-8')).toBe('csv');
    expect(formatFromContentType('application/x-ndjson')).toBe('jsonl');
    expect(formatFromContentType('application/jsonl')).toBe('jsonl');
    expect(formatFromContentType('application/x-jsonlines')).toBe('jsonl');
    expect(formatFromContentType('application/json')).toBeNull();
    expect(formatFromContentType('constructor')).toBeNull();
    expect(formatFromContentType(undefined)).toBeNull();
  });
});

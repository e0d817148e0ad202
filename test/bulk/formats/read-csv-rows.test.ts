import { describe, expect, it } from 'vitest';
import { BulkInputError, readRows, type SourceRow } from '../../../src/bulk/input/read-rows.js';
import { collect, fromText } from './chunks.js';

const csv = (text: string, opts?: Parameters<typeof readRows>[2], chunk = 7) => collect(readRows(fromText(text, chunk), 'csv', opts));
const summary = (rows: SourceRow[]) => rows.map((r) => ('problem' in r ? [r.row, r.problem.code] : [r.row, r.values]));

describe('readRows csv: rows and row numbers', () => {
  it('reads LF, CRLF and CR files alike, trims cells and omits empty ones', async () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const rows = await csv(['a,b,c', ' 1 , x ,', '2,,  '].join(eol) + eol);
      expect(rows).toEqual([
        { row: 2, values: { a: '1', b: 'x' } },
        { row: 3, values: { a: '2' } },
      ]);
    }
  });

  it('strips a UTF-8 BOM, also when it is split across chunks, and reads Thai split mid-character', async () => {
    const text = '\uFEFFชื่อ,นามสกุล\r\nสมชาย,ใจดี\r\n';
    for (const size of [1, 2, 5, 1024]) {
      const header: string[][] = [];
      const rows = await csv(text, { onHeader: (c) => header.push(c) }, size);
      expect(header).toEqual([['ชื่อ', 'นามสกุล']]);
      expect(rows).toEqual([{ row: 2, values: { ชื่อ: 'สมชาย', นามสกุล: 'ใจดี' } }]);
    }
  });

  it('numbers rows by the line where the record starts, across quoted newlines and blank lines', async () => {
    const text = 'a,b\r\n1,"two\r\nlines"\r\n\r\n3,"x\ny\nz"\n4,ok\n,\n  ,  \n8,last';
    const rows = await csv(text);
    expect(summary(rows)).toEqual([
      [2, { a: '1', b: 'two\r\nlines' }],
      [5, { a: '3', b: 'x\ny\nz' }],
      [8, { a: '4', b: 'ok' }],
      [11, { a: '8', b: 'last' }],
    ]);
  });

  it('keeps formula-looking and Typst-looking text as plain values', async () => {
    const rows = await csv('a,b\n"=HYPERLINK(""http://x"")","#read(""/etc/passwd"")"\n@SUM(1),+1\n');
    expect(rows).toEqual([
      { row: 2, values: { a: '=HYPERLINK("http://x")', b: '#read("/etc/passwd")' } },
      { row: 3, values: { a: '@SUM(1)', b: '+1' } },
    ]);
  });

  it('reports a record with the wrong number of cells as a problem and goes on', async () => {
    const rows = await csv('a,b,c\n1,2\n1,2,3,4\n1,2,3\n');
    expect(summary(rows)).toEqual([
      [2, 'column_count'],
      [3, 'column_count'],
      [4, { a: '1', b: '2', c: '3' }],
    ]);
    const p = (rows[0] as { problem: { message: { th: string; en: string } } }).problem;
    expect(p.message.en).toBe('This row has 2 cells but the header has 3');
    expect(p.message.th).toBe('แถวนี้มี 2 ช่อง แต่หัวตารางมี 3 ช่อง');
  });

  it('reports rows over maxRecordBytes and goes on', async () => {
    const big = 'ส'.repeat(400); // 1,200 bytes
    const rows = await csv(`a,b\n1,${big}\n2,"${big}"\n3,small\n`, { maxRecordBytes: 1000 });
    expect(summary(rows)).toEqual([
      [2, 'row_too_large'],
      [3, 'row_too_large'],
      [4, { a: '3', b: 'small' }],
    ]);
  });

  it('stops at a quote that is never closed with one csv_syntax problem, keeping the good rows before it', async () => {
    const rows = await csv('a,b\n1,ok\n\n2,"never closed\n3,x\n4,y\n', undefined, 1024);
    expect(summary(rows)).toEqual([
      [2, { a: '1', b: 'ok' }],
      [4, 'csv_syntax'],
    ]);
    const p = (rows[1] as { problem: { message: { en: string } } }).problem;
    expect(p.message.en).toMatch(/never closed/);
  });

  it('stops at text after a closing quote with csv_syntax', async () => {
    const rows = await csv('a,b\n1,ok\n2,"bad"x\n3,z\n', undefined, 1024);
    expect(summary(rows)).toEqual([
      [2, { a: '1', b: 'ok' }],
      [3, 'csv_syntax'],
    ]);
  });

  it('a runaway quote larger than the memory cap ends the read with row_too_large instead of buffering the file', async () => {
    async function* runaway(): AsyncGenerator<string> {
      yield 'a,b\n1,ok\n2,"';
      for (let i = 0; i < 2000; i++) yield 'x'.repeat(1000) + '\n';
    }
    const rows = await collect(readRows(runaway(), 'csv', { maxRecordBytes: 1024 }));
    expect(summary(rows)).toEqual([
      [2, { a: '1', b: 'ok' }],
      [3, 'row_too_large'],
    ]);
  });

  it('flags cells that were not UTF-8 (a Windows-874 export)', async () => {
    const tis620 = Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xca, 0xc1, 0xaa, 0xd2, 0xc2]), Buffer.from('\n2,ok\n')]);
    const rows = await collect(readRows(fromText(tis620), 'csv'));
    expect(summary(rows)).toEqual([
      [2, 'not_utf8'],
      [3, { a: '2', b: 'ok' }],
    ]);
  });

  it('a "__proto__" column becomes an own property, not the prototype', async () => {
    const rows = await csv('__proto__,b\n"{""polluted"":1}",2\n');
    const v = (rows[0] as { values: Record<string, unknown> }).values;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'b']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('readRows csv: header problems throw BulkInputError before any row', () => {
  const cases: [string, string, RegExp][] = [
    ['empty file', '', /empty/],
    ['only blank lines', '\r\n\r\n', /empty/],
    ['duplicate column', 'a,b,a\n1,2,3\n', /repeats column names: "a"/],
    ['duplicate after trimming', 'a, a\n1,2\n', /repeats/],
    ['empty column name', 'a,,c\n1,2,3\n', /column 2 has no name/],
    ['broken header', '"a,b\n1,2\n', /header cannot be read/],
  ];
  for (const [what, text, message] of cases) {
    it(what, async () => {
      const seen: SourceRow[] = [];
      const err = await (async () => {
        try {
          for await (const r of readRows(fromText(text), 'csv')) seen.push(r);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err).toBeInstanceOf(BulkInputError);
      expect((err as BulkInputError).code).toBe('bad_header');
      expect((err as BulkInputError).httpStatus).toBe(400);
      expect((err as BulkInputError).text.en).toMatch(message);
      expect((err as BulkInputError).text.th).not.toBe('');
      expect(seen).toEqual([]);
    });
  }

  it('an onHeader check that throws ends the read before the first row', async () => {
    const seen: SourceRow[] = [];
    await expect(
      (async () => {
        for await (const r of readRows(fromText('a,b\n1,2\n'), 'csv', { onHeader: () => { throw new Error('nope'); } })) seen.push(r);
      })(),
    ).rejects.toThrow('nope');
    expect(seen).toEqual([]);
  });

  it('errors of the source itself are rethrown, not turned into row problems', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield 'a,b\n1,2\n3,';
      throw new Error('disk gone');
    }
    const seen: SourceRow[] = [];
    await expect(
      (async () => {
        for await (const r of readRows(failing(), 'csv')) seen.push(r);
      })(),
    ).rejects.toThrow('disk gone');
    expect(seen).toEqual([{ row: 2, values: { a: '1', b: '2' } }]);
  });

  it('rejects a nonsensical maxRecordBytes', () => {
    expect(() => readRows(fromText('a\n'), 'csv', { maxRecordBytes: 0 })).toThrow(/maxRecordBytes/);
  });
});

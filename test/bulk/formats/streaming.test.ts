import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { checkColumns, fieldsOf } from '../../../src/bulk/input/header-check.js';
import { readRows } from '../../../src/bulk/input/read-rows.js';
import { loadTypes } from '../../../src/doctypes/load-types.js';
import { fileChunks } from './chunks.js';

const FIXTURES = '/work/shared/fixtures';

// A gc() for this test only, so retained memory (what would grow if the file were buffered) is measured apart from
// garbage not collected yet.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('streamed reading', () => {
  it('reads the 10k training fixture in 1 KiB chunks: 10,000 rows numbered 2..10001, all valid', async () => {
    const type = (await loadTypes('/work/main/types')).get('training-certificate')!;
    let count = 0;
    let invalid = 0;
    let expectedRow = 2;
    const t0 = performance.now();
    for await (const r of readRows(fileChunks(`${FIXTURES}/training-certificates-10k.csv`, 1024), 'csv', { onHeader: (c) => checkColumns(c, type) })) {
      expect(r.row).toBe(expectedRow++);
      if ('problem' in r) throw new Error(`row ${r.row}: ${r.problem.message.en}`);
      if (!type.validate(fieldsOf(r.values, type)).ok) invalid++;
      count++;
    }
    console.log(`10k CSV read + validated in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(count).toBe(10_000);
    expect(invalid).toBe(0);
  });

  it('reads the 2k factory fixture: integers coerced, every row valid', async () => {
    const type = (await loadTypes('/work/main/types')).get('factory-licence')!;
    let count = 0;
    for await (const r of readRows(fileChunks(`${FIXTURES}/factory-licences-2k.csv`, 1024), 'csv', { onHeader: (c) => checkColumns(c, type) })) {
      if ('problem' in r) throw new Error(`row ${r.row}: ${r.problem.message.en}`);
      const data = fieldsOf(r.values, type);
      expect(typeof data.horsepower).toBe('number');
      const v = type.validate(data);
      if (!v.ok) throw new Error(`row ${r.row}: ${JSON.stringify(v.errors)}`);
      count++;
    }
    expect(count).toBe(2000);
  });

  it('a generated 200,000-row CSV streams through with bounded heap', async () => {
    const ROWS = 200_000;
    let bytes = 0;
    async function* generated(): AsyncGenerator<string> {
      bytes += 60;
      yield '\uFEFFcitizen_id,first_name_th,course_th,note\r\n';
      let batch = '';
      for (let i = 0; i < ROWS; i++) {
        // Every 1000th row has a quoted newline, so row numbers must keep following lines, not records.
        const note = i % 1000 === 0 ? '"two\r\nlines"' : `note ${i}`;
        batch += `${String(1_000_000_000_000 + i)},สมชาย,หลักสูตรความปลอดภัยไซเบอร์ขั้นพื้นฐาน รุ่นที่ ${i},${note}\r\n`;
        if (batch.length > 16_384) {
          bytes += Buffer.byteLength(batch);
          yield batch;
          batch = '';
        }
      }
      yield batch;
    }
    gc();
    const start = process.memoryUsage().heapUsed;
    let peak = start;
    let retained = 0;
    let count = 0;
    let line = 2;
    let lastRow = 0;
    let misnumbered = 0;
    const t0 = performance.now();
    for await (const r of readRows(generated(), 'csv')) {
      if ('problem' in r) throw new Error(`row ${r.row}: ${r.problem.message.en}`);
      if (r.row !== line) misnumbered++;
      line += (r.values.note as string).includes('\n') ? 2 : 1;
      lastRow = r.row;
      if (++count % 5000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
      if (count % 50_000 === 0) {
        gc();
        retained = Math.max(retained, process.memoryUsage().heapUsed - start);
      }
    }
    const ms = performance.now() - t0;
    const mib = (n: number) => (n / 2 ** 20).toFixed(1);
    console.log(`200k generated rows (${mib(bytes)} MiB of CSV) in ${ms.toFixed(0)} ms; heap peak +${mib(peak - start)} MiB, retained after gc +${mib(retained)} MiB`);
    expect(count).toBe(ROWS);
    expect(misnumbered).toBe(0);
    expect(lastRow).toBe(ROWS + 1 + ROWS / 1000);
    expect(peak - start).toBeLessThan(80 * 2 ** 20);
    // The CSV is ~40 MiB as bytes (more as strings): keeping it, or the rows, would show here.
    expect(retained).toBeLessThan(8 * 2 ** 20);
  }, 60_000);
});

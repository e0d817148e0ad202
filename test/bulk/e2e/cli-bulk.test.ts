import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDistOnce, cli, tool, type CliResult } from '../../cli/cli-runner.js';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '../../helpers/databases.js';
import { BAD_ROWS_FIXTURE, GOOD_ROWS, ROW_2_CITIZEN_ID } from './bad-rows-fixture.js';
import { certificateRow, jsonl } from './jsonl-files.js';
import { countRows, documentIds } from './registry.js';
import { expectFixtureResults, parseResultsCsv, type ResultLine } from './results-csv.js';

/**
 * `ekasarn bulk` end to end: the compiled CLI (`bin/ekasarn.js`) in child processes on a fresh data folder, as an
 * officer would run it. What it printed, wrote to --out and left in the registry is checked from outside: results.csv
 * with csv-parse, a PDF with poppler (pdfsig, pdfdetach), the registry's tables read directly.
 *
 * SQLite runs every scenario; PostgreSQL runs the core ones (fixture, re-run, key column), because each bulk run
 * costs several seconds of worker start-up and signing on this 2-core machine and the folder must stay near 2 minutes.
 */

const TYPE = 'training-certificate';
const lastLine = (s: string) => s.trimEnd().split('\n').pop() ?? '';
const THAI = /[\u0E01-\u0E5B]/;
// buildDistOnce compiles src/ (tsc + the web bundle) once per run: over two minutes when the 2 cores are busy.
const BUILD_TIMEOUT = 300_000;

describe('ekasarn bulk: usage errors exit 2 with a Thai and English message', () => {
  let work: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    await buildDistOnce();
    work = await mkdtemp(join(tmpdir(), 'ekasarn-bulk-usage-'));
    env = { EKASARN_DATA: join(work, 'data'), EKASARN_PUBLIC_URL: 'http://127.0.0.1:9' };
    await writeFile(join(work, 'rows.txt'), 'citizen_id\n');
  }, BUILD_TIMEOUT);
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  const expectUsage = (r: CliResult, en: RegExp) => {
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(en);
    expect(r.stderr).toMatch(THAI);
    expect(r.stdout).toBe('');
  };

  it('no --type', async () => {
    expectUsage(await cli(['bulk', BAD_ROWS_FIXTURE], env), /usage: ekasarn bulk --type ID/);
  });

  it('a file that is neither .csv nor .jsonl', async () => {
    expectUsage(await cli(['bulk', '--type', TYPE, join(work, 'rows.txt')], env), /expected a \.csv or \.jsonl file/);
  });

  it('an unknown --level', async () => {
    expectUsage(await cli(['bulk', '--type', TYPE, BAD_ROWS_FIXTURE, '--level', 'B-X'], env), /--level must be B-B, B-T, B-LT or B-LTA/);
  });
});

describeEachDialect('ekasarn bulk (real CLI child processes)', (dialect) => {
  const full = dialect === 'sqlite';
  let tdb: TestDatabase;
  let work: string;
  let env: Record<string, string>;
  let firstRun: ResultLine[] = [];
  const timings: string[] = [];

  const bulk = async (label: string, args: string[]): Promise<CliResult> => {
    const r = await cli(['bulk', '--type', TYPE, ...args], env, { timeoutMs: 150_000 });
    timings.push(`${label}: ${r.ms.toFixed(0)} ms`);
    return r;
  };
  const readResults = async (dir: string) => parseResultsCsv(await readFile(join(dir, 'results.csv')));

  beforeAll(async () => {
    await buildDistOnce();
    tdb = await createTestDatabase(dialect);
    work = await mkdtemp(join(tmpdir(), `ekasarn-bulk-cli-${dialect}-`));
    // Nothing answers on the public URL: B-B needs no OCSP/TSA, and pdfsig below is run without a trust store.
    env = { EKASARN_DATA: tdb.dataDir, EKASARN_PUBLIC_URL: 'http://127.0.0.1:9', ...(tdb.databaseUrl ? { DATABASE_URL: tdb.databaseUrl } : {}) };
    const init = await cli(['init', '--demo'], env);
    expect(init.code, init.stderr).toBe(0);
  }, BUILD_TIMEOUT);
  afterAll(async () => {
    console.info(`[bulk cli ${dialect} timings] ${timings.join(' | ')}`);
    await tdb?.destroy();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('bad-rows fixture --out DIR --level B-B: exit 0, "issued 7, failed 7", 7 PDFs by row+serial, results.csv, 7 documents in the registry', async () => {
    const out = join(work, 'out');
    const r = await bulk('fixture', [BAD_ROWS_FIXTURE, '--out', out, '--level', 'B-B']);
    expect(r.code, r.stderr).toBe(0);
    expect(lastLine(r.stdout)).toBe('issued 7, failed 7');
    expect(r.stdout).not.toContain('already issued');
    // Progress on stderr: the batch, its size, and a rate per second.
    expect(r.stderr).toMatch(/14 rows, 7 with errors, level B-B/);
    expect(r.stderr).toMatch(/14\/14 · \d+(\.\d+)?\/s/);

    firstRun = await readResults(out);
    expectFixtureResults(firstRun, 'issued');

    const files = (await readdir(out)).sort();
    const pdfs = files.filter((f) => f.endsWith('.pdf'));
    expect(files).toEqual([...pdfs, 'results.csv'].sort());
    expect(pdfs).toEqual(firstRun.filter((l) => l.outcome === 'issued').map((l) => l.file));
    expect(pdfs.map((f) => Number(f.slice(0, 6)))).toEqual([...GOOD_ROWS]);
    for (const f of pdfs) expect(f).toMatch(/^\d{6}_[^/\s]+\.pdf$/);

    // The registry holds exactly the documents results.csv names.
    const ids = await documentIds(tdb.db);
    expect(ids).toEqual(firstRun.filter((l) => l.document_id).map((l) => l.document_id).sort());
    expect(await countRows(tdb.db, 'batches')).toBe(1);
    expect(await countRows(tdb.db, 'batch_rows')).toBe(14);

    // Row 2's PDF, checked by poppler: a valid CAdES signature over the whole file, carrying row 2's data.
    const row2 = join(out, pdfs[0]!);
    const sig = await tool('pdfsig', [row2]);
    expect(sig.stdout).toContain('Signature Type: ETSI.CAdES.detached');
    expect(sig.stdout).toContain('Signature is Valid.');
    expect(sig.stdout).toContain('Total document signed');
    const attached = join(work, 'row2-data.json');
    const detach = await tool('pdfdetach', ['-save', '1', '-o', attached, row2]);
    expect(detach.code, detach.stderr).toBe(0);
    expect(await readFile(attached, 'utf8')).toContain(ROW_2_CITIZEN_ID);
  }, 180_000);

  it('the same command again re-reports the batch: "issued 7, failed 7", same results, nothing new issued', async () => {
    const before = await documentIds(tdb.db);
    const out = join(work, 'out-again');
    const r = await bulk('same again', [BAD_ROWS_FIXTURE, '--out', out, '--level', 'B-B']);
    expect(r.code, r.stderr).toBe(0);
    expect(lastLine(r.stdout)).toBe('issued 7, failed 7');
    expect(r.stderr).toContain('already completed');
    expect(await documentIds(tdb.db)).toEqual(before);
    expect(await countRows(tdb.db, 'batches')).toBe(1);
    const again = await readResults(out);
    expect(again).toEqual(firstRun);
  }, 120_000);

  if (full) {
    it('--new starts another batch and issues 7 more documents with new serials', async () => {
      const r = await bulk('--new', [BAD_ROWS_FIXTURE, '--level', 'B-B', '--new', '--out', join(work, 'out-new')]);
      expect(r.code, r.stderr).toBe(0);
      expect(lastLine(r.stdout)).toBe('issued 7, failed 7');
      const second = await readResults(join(work, 'out-new'));
      expectFixtureResults(second, 'issued');
      const ids = await documentIds(tdb.db);
      expect(ids).toHaveLength(14);
      expect(await countRows(tdb.db, 'batches')).toBe(2);
      const serials = new Set([...firstRun, ...second].map((l) => l.serial).filter(Boolean));
      expect(serials.size).toBe(14);
    }, 120_000);
  }

  it('--key-column citizen_id over a generated JSONL file: issued once, then "already issued 3" with the same documents', async () => {
    const file = join(work, 'keyed.jsonl');
    await writeFile(file, jsonl([certificateRow('110370012340'), certificateRow('110370012341'), certificateRow('110370012342')]));
    const before = (await documentIds(tdb.db)).length;

    const first = await bulk('keyed 1', [file, '--key-column', 'citizen_id', '--level', 'B-B', '--out', join(work, 'keyed-1')]);
    expect(first.code, first.stderr).toBe(0);
    expect(lastLine(first.stdout)).toBe('issued 3, failed 0');
    expect(first.stdout).not.toContain('already issued');
    expect((await documentIds(tdb.db)).length).toBe(before + 3);
    const one = await readResults(join(work, 'keyed-1'));
    expect(one.map((l) => l.outcome)).toEqual(['issued', 'issued', 'issued']);

    // A second batch (--new: otherwise the same file names the same batch) over the same keys issues nothing.
    const second = await bulk('keyed 2', [file, '--key-column', 'citizen_id', '--level', 'B-B', '--new', '--out', join(work, 'keyed-2')]);
    expect(second.code, second.stderr).toBe(0);
    const lines = second.stdout.trimEnd().split('\n');
    expect(lines.slice(-2)).toEqual(['already issued 3', 'issued 0, failed 0']);
    expect((await documentIds(tdb.db)).length).toBe(before + 3);
    const two = await readResults(join(work, 'keyed-2'));
    expect(two.map((l) => l.outcome)).toEqual(['existing', 'existing', 'existing']);
    expect(two.map((l) => l.document_id)).toEqual(one.map((l) => l.document_id));
    expect(two.map((l) => l.file)).toEqual(['', '', '']); // nothing of this batch's own in the folder
    expect((await readdir(join(work, 'keyed-2'))).filter((f) => f.endsWith('.pdf'))).toEqual([]);
  }, 150_000);

  if (full) {
    describe('a JSONL file with an unknown key and lines that are not objects', () => {
      let lines: ResultLine[] = [];

      it('gets a problem per row and issues the one good line', async () => {
        const file = join(work, 'bad.jsonl');
        await writeFile(
          file,
          jsonl([certificateRow('310370012340', { nickname: 'ต้น' }), '[1,2]', '"just text"', '{oops', certificateRow('310370012341')]),
        );
        const r = await bulk('bad jsonl', [file, '--level', 'B-B', '--out', join(work, 'bad-jsonl')]);
        expect(r.code, r.stderr).toBe(0);
        expect(lastLine(r.stdout)).toBe('issued 1, failed 4');
        lines = await readResults(join(work, 'bad-jsonl'));
        expect(lines.map((l) => [l.row, l.outcome])).toEqual([
          ['1', 'failed'],
          ['2', 'failed'],
          ['3', 'failed'],
          ['4', 'failed'],
          ['5', 'issued'],
        ]);
        expect(lines[0]!.error_en).toContain('"nickname" is not a field of this document type');
        expect(lines[0]!.error_th).toContain('nickname');
        expect(lines[1]!.error_en).toMatch(/must be a JSON object .*not array/);
        expect(lines[2]!.error_en).toMatch(/must be a JSON object .*not string/);
        expect(lines[3]!.error_en).toMatch(/not valid JSON/);
        for (const l of lines.slice(0, 4)) expect(l.error_th).toMatch(THAI);
        expect(lines[4]!.document_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      }, 120_000);

      // An unknown JSONL key is refused by the schema (additionalProperties) and noticed by unknownKeys(): once only.
      it('names the unknown key once, not twice', () => {
        expect(lines[0]!.error_en.split('"nickname"').length - 1).toBe(1);
      });
    });
  }
});

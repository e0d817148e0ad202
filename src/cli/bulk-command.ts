import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { openApp, DEMO_AGENCY_ID } from '../app/open-app.js';
import { progressOf, type BatchProgress } from '../bulk/bulk-service.js';
import { formatFromName } from '../bulk/input/index.js';
import { resultsCsvStream } from '../bulk/output/index.js';
import type { Config } from '../config.js';
import { AppError } from '../domain/errors.js';
import { isPadesLevel } from '../issuance/sign-pdf.js';
import { getBatch } from '../store/index.js';
import { progressBar } from './progress.js';

export const BULK_USAGE = `  ekasarn bulk --type ID FILE.csv|FILE.jsonl [--agency ID] [--out DIR] [--key-column COLUMN]
                [--level B-B|B-T|B-LT|B-LTA] [--new]
                                        issue one document per row, with a live progress bar; bad rows are reported
                                        and the rest issued; --out DIR receives the PDFs and results.csv. Running
                                        the same command again resumes (or re-reports) the same batch; --new starts
                                        another one. Exit 0 when the batch completed, bad rows included.`;

type Flags = Record<string, string | boolean | undefined>;

const usage = (en: string, th: string) => new AppError('usage', 2, { th, en });

/** The batch a file makes: the same agency, type, level, key column and bytes always name the same batch. */
async function fileDigest(path: string, parts: string[]): Promise<string> {
  const h = createHash('sha256').update(parts.join('\u0000')).update('\u0000');
  try {
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  } catch (e) {
    throw new AppError('bad_data_file', 2, { th: `อ่านไฟล์ ${path} ไม่ได้`, en: `Cannot read ${path}: ${(e as Error).message}` });
  }
  return h.digest('hex');
}

const detail = (p: BatchProgress) => `ออกแล้ว/issued ${p.issued}${p.existing ? ` · มีอยู่แล้ว/existing ${p.existing}` : ''} · ผิดพลาด/errors ${p.failed}`;

export async function runBulkCommand(flags: Flags, positionals: string[], config: Config): Promise<number> {
  const typeId = flags.type;
  const file = positionals[0];
  if (typeof typeId !== 'string' || !file || positionals.length > 1) {
    throw usage('usage: ekasarn bulk --type ID FILE.csv|FILE.jsonl [--out DIR]', 'ใช้: ekasarn bulk --type ประเภท ไฟล์.csv|ไฟล์.jsonl [--out โฟลเดอร์]');
  }
  const format = formatFromName(file);
  if (!format) throw usage(`${file}: expected a .csv or .jsonl file`, `${file}: ต้องเป็นไฟล์ .csv หรือ .jsonl`);
  const level = flags.level;
  if (level !== undefined && !isPadesLevel(level)) throw usage('--level must be B-B, B-T, B-LT or B-LTA', '--level ต้องเป็น B-B, B-T, B-LT หรือ B-LTA');
  const keyColumn = typeof flags['key-column'] === 'string' ? flags['key-column'] : undefined;
  const agencyId = typeof flags.agency === 'string' ? flags.agency : DEMO_AGENCY_ID;
  const out = typeof flags.out === 'string' ? flags.out : undefined;

  const app = await openApp(config);
  const bar = progressBar('bulk');
  let timer: NodeJS.Timeout | undefined;
  try {
    const batchLevel = level ?? app.defaultLevel;
    const clientKey = flags.new === true
      ? `cli:${randomBytes(16).toString('hex')}`
      : `cli:${await fileDigest(file, [agencyId, typeId, batchLevel, keyColumn ?? ''])}`;
    const { batch, created } = await app.bulk.receive({
      agencyId,
      typeId,
      format,
      sourceName: basename(file),
      source: createReadStream(file),
      idempotencyColumn: keyColumn,
      clientKey,
      level: batchLevel,
      actor: 'cli',
      onRowsRead: (n) => process.stderr.isTTY && process.stderr.write(`\r\x1b[Kอ่านแล้ว/read ${n} rows`),
    });
    const start = progressOf(batch);
    if (!created) {
      console.error(
        batch.state === 'completed'
          ? `ชุดนี้ออกครบแล้ว / batch ${batch.id} was already completed (use --new for another batch)`
          : `ทำชุดเดิมต่อ / resuming batch ${batch.id}: ${start.done} of ${start.total} rows done`,
      );
    } else {
      console.error(`${process.stderr.isTTY ? '\r\x1b[K' : ''}ชุด/batch ${batch.id}: ${start.total} rows, ${start.failed} with errors, level ${batch.level}`);
    }
    bar.restart(start.done);
    let last = start;
    timer = setInterval(() => {
      void getBatch(app.database.db, batch.id).then((b) => {
        if (!b) return;
        last = progressOf(b);
        bar.update({ done: last.done, total: last.total, detail: detail(last) });
      });
    }, 250);
    const finished = batch.state === 'completed' ? batch : await app.bulk.runHere(batch.id, { takeOver: true });
    clearInterval(timer);
    const p = progressOf(finished);
    bar.finish({ done: p.done, total: p.total, detail: detail(p) });
    if (out) await writeOutputs(app.bulk, batch.id, out);
    if (p.existing) console.log(`already issued ${p.existing}`);
    console.log(`issued ${p.issued}, failed ${p.failed}`);
    return finished.state === 'completed' ? 0 : 1;
  } finally {
    if (timer) clearInterval(timer);
    await app.close();
  }
}

/** `--out DIR`: every PDF this batch issued (named by row and serial) and results.csv for the whole file. */
async function writeOutputs(bulk: Awaited<ReturnType<typeof openApp>>['bulk'], batchId: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for await (const e of bulk.pdfs(batchId)) await writeFile(join(dir, e.name), await e.load());
  await pipeline(resultsCsvStream(bulk.results(batchId)), createWriteStream(join(dir, 'results.csv')));
  console.error(`→ ${dir}/ (PDF + results.csv)`);
}

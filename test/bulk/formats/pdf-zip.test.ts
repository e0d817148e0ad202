import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipStream, type ZipEntrySource } from '../../../src/bulk/output/pdf-zip.js';
import { sanitizeEntryName, UniqueEntryNames } from '../../../src/bulk/output/zip-entry-name.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ekasarn-zip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });

/** Python's zipfile reads ZIP64 and checks every CRC; prints count, stored-only flag and the names. */
const inspect = (path: string): { count: number; allStored: boolean; names: string[]; bad: string | null } =>
  JSON.parse(
    run('python3', [
      '-c',
      'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\ni=z.infolist()\nprint(json.dumps({"count":len(i),"allStored":all(x.compress_type==0 for x in i),"names":[x.filename for x in i[:50]],"bad":z.testzip()}))',
      path,
    ]),
  );

describe('zip entry names', () => {
  it('removes directories, "..", control and bidi characters; keeps Thai; keeps the extension', () => {
    expect(sanitizeEntryName('../../etc/passwd')).toBe('_._etc_passwd');
    expect(sanitizeEntryName('..\\..\\win.ini')).toBe('_._win.ini');
    expect(sanitizeEntryName('a\u0000b\u001fc\u007f.pdf')).toBe('abc.pdf');
    expect(sanitizeEntryName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(sanitizeEntryName('ฝอ. 2568/000001.pdf')).toBe('ฝอ. 2568_000001.pdf');
    expect(sanitizeEntryName('น้ำ:ใจ*?.pdf')).toBe('น้ำ_ใจ__.pdf');
    expect(sanitizeEntryName('')).toBe('document');
    expect(sanitizeEntryName('...')).toBe('document');
    expect(sanitizeEntryName('CON.pdf')).toBe('_CON.pdf');
    // NFC, so the same name typed two ways is one name for uniqueness.
    expect(sanitizeEntryName('Cafe\u0301.pdf')).toBe('Caf\u00e9.pdf');
  });

  it('cuts long names to 120 UTF-8 bytes at a grapheme boundary and keeps ".pdf"', () => {
    // ก is 3 bytes, each ป่ (consonant + tone mark) 6: 116 bytes of room hold ก + 18 ป่ (111 bytes). A cut by code
    // points would also keep a 19th ป without its tone mark, changing the word.
    const name = sanitizeEntryName(`ก${'ป่'.repeat(30)}.pdf`);
    expect(name).toBe(`ก${'ป่'.repeat(18)}.pdf`);
    expect(Buffer.byteLength(name)).toBe(115);
    expect(Buffer.byteLength(sanitizeEntryName(`${'x'.repeat(300)}.pdf`))).toBe(120);
  });

  it('is idempotent, so names chosen beforehand (for the results CSV) pass through zipStream unchanged', () => {
    for (const n of ['../../etc/passwd', 'a..b...pdf', ` ${'ป่'.repeat(40)} .pdf`, 'CON.pdf', '...', 'x\u202E.pdf', 'ฝอ. 2568/000001.pdf']) {
      const once = sanitizeEntryName(n);
      expect(sanitizeEntryName(once)).toBe(once);
      expect(new UniqueEntryNames().take(once)).toBe(once);
    }
  });

  it('makes names unique, ignoring case, within the byte limit', () => {
    const u = new UniqueEntryNames();
    const long = `${'ก'.repeat(50)}.pdf`;
    expect([u.take('a.pdf'), u.take('A.pdf'), u.take('a.pdf'), u.take('a/b.pdf'), u.take('a_b.pdf')]).toEqual(['a.pdf', 'A-2.pdf', 'a-3.pdf', 'a_b.pdf', 'a_b-2.pdf']);
    const [x, y] = [u.take(long), u.take(long)];
    expect(x).not.toBe(y);
    expect(y.endsWith('-2.pdf')).toBe(true);
    expect(Buffer.byteLength(y)).toBeLessThanOrEqual(120);
  });
});

describe('zipStream', () => {
  it('zips a few real PDFs, stored, with sanitised unique names that unzip lists and extracts intact', async () => {
    const pdfPath = join(dir, 'empty.pdf');
    run('qpdf', ['--empty', pdfPath]);
    const pdf = await readFile(pdfPath);
    const wanted = ['ฝอ. 2568/000001.pdf', '../evil.pdf', 'ฝอ. 2568/000001.pdf', 'bad\u0007name.pdf'];
    let loaded = 0;
    async function* entries(): AsyncGenerator<ZipEntrySource> {
      for (const name of wanted) yield { name, load: async () => { loaded++; return new Uint8Array(pdf); } };
    }
    const zipPath = join(dir, 'few.zip');
    await pipeline(zipStream(entries()), createWriteStream(zipPath));
    expect(loaded).toBe(4);
    const listing = run('unzip', ['-l', zipPath]);
    for (const n of ['ฝอ. 2568_000001.pdf', '_evil.pdf', 'ฝอ. 2568_000001-2.pdf', 'badname.pdf']) expect(listing).toContain(n);
    expect(listing).not.toContain('../');
    const info = inspect(zipPath);
    expect(info).toEqual({ count: 4, allStored: true, names: ['ฝอ. 2568_000001.pdf', '_evil.pdf', 'ฝอ. 2568_000001-2.pdf', 'badname.pdf'], bad: null });
    const out = join(dir, 'out');
    run('unzip', ['-q', '-d', out, zipPath]);
    expect(run('qpdf', ['--check', join(out, 'ฝอ. 2568_000001-2.pdf')])).toMatch(/No syntax or stream encoding errors/);
  });

  it('writes 70,000 entries as ZIP64 that python and unzip both verify', async () => {
    const N = 70_000;
    async function* entries(): AsyncGenerator<ZipEntrySource> {
      for (let i = 0; i < N; i++) yield { name: `ใบรับรอง-${i}.pdf`, load: async () => Buffer.from(`%PDF-1.7 entry ${i}\n`) };
    }
    const zipPath = join(dir, 'many.zip');
    const t0 = performance.now();
    await pipeline(zipStream(entries()), createWriteStream(zipPath));
    const ms = performance.now() - t0;
    const size = (await stat(zipPath)).size;
    console.log(`70,000-entry zip written in ${ms.toFixed(0)} ms (${(size / 2 ** 20).toFixed(1)} MiB)`);
    // ZIP64 end of central directory record signature PK\x06\x06 (needed past 65,535 entries).
    const tail = (await readFile(zipPath)).subarray(-200);
    expect(tail.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    const info = inspect(zipPath);
    expect(info.count).toBe(N);
    expect(info.allStored).toBe(true);
    expect(info.bad).toBeNull();
    expect(info.names.slice(0, 2)).toEqual(['ใบรับรอง-0.pdf', 'ใบรับรอง-1.pdf']);
    expect(run('unzip', ['-tq', zipPath])).toMatch(/No errors detected/);
  }, 60_000);

  it('loads the next PDF only when the reader has taken the previous one', async () => {
    let loaded = 0;
    async function* entries(): AsyncGenerator<ZipEntrySource> {
      for (let i = 0; i < 1000; i++) yield { name: `${i}.pdf`, load: async () => { loaded++; return new Uint8Array(256 * 1024); } };
    }
    const stream = zipStream(entries());
    await new Promise((r) => setTimeout(r, 200));
    // Nobody reads: at most a couple of 256 KiB entries are buffered.
    expect(loaded).toBeLessThanOrEqual(2);
    stream.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(loaded).toBeLessThanOrEqual(2);
  });

  it('an error while loading an entry destroys the stream with that error', async () => {
    async function* entries(): AsyncGenerator<ZipEntrySource> {
      yield { name: 'a.pdf', load: async () => new Uint8Array(10) };
      yield { name: 'b.pdf', load: async () => { throw new Error('blob b.pdf missing'); } };
      yield { name: 'c.pdf', load: async () => new Uint8Array(10) };
    }
    await expect(pipeline(zipStream(entries()), createWriteStream(join(dir, 'broken.zip')))).rejects.toThrow('blob b.pdf missing');
  });
});

/**
 * What the durable blob write costs: the real FilesystemBlobStore.put (temp file, fsync, rename, directory fsync)
 * against the same steps without the two fsyncs, for PDF-sized blobs in a temporary folder.
 *
 *   npx tsx bench/blob-write-cost.ts        EXP_N=300 blobs of 70 KiB
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { newDocumentId } from '../src/domain/identifiers.js';
import { FilesystemBlobStore } from '../src/store/index.js';
import { fmt, summarize, table } from './lib/stats.js';

async function main(): Promise<void> {
  const n = Number(process.env.EXP_N ?? 300);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error('EXP_N must be a positive whole number');
  const root = await mkdtemp(join(tmpdir(), 'ekasarn-blob-bench-'));
  const bytes = new Uint8Array(randomBytes(70 * 1024));
  try {
    const store = new FilesystemBlobStore(join(root, 'durable'));
    const durable: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < n; i++) {
      let t = performance.now();
      await store.put(newDocumentId(), bytes);
      durable.push(performance.now() - t);

      const key = newDocumentId();
      const dir = join(root, 'plain', key.slice(0, 2));
      t = performance.now();
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `.${key}.tmp`), bytes);
      await rename(join(dir, `.${key}.tmp`), join(dir, key));
      plain.push(performance.now() - t);
    }
    const d = summarize(durable);
    const p = summarize(plain);
    console.log(
      table(
        ['blob write (70 KiB)', 'mean ms', 'p50', 'p95'],
        [
          ['FilesystemBlobStore.put (2 × fsync)', fmt(d.mean), fmt(d.p50), fmt(d.p95)],
          ['same without fsync', fmt(p.mean), fmt(p.p50), fmt(p.p95)],
        ],
      ),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

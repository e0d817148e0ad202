import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidBlobKeyError } from '../../src/store/blobs/blob-store.js';
import { FilesystemBlobStore, openFilesystemBlobStore } from '../../src/store/blobs/filesystem-blob-store.js';

const key = () => randomBytes(16).toString('base64url');

async function collect(iter: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const k of iter) out.push(k);
  return out;
}

/** Every file under dir, relative, recursively. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1)).sort();
}

describe('filesystem blob store', () => {
  let dataDir: string;
  let store: FilesystemBlobStore;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ekasarn-blobs-'));
    store = openFilesystemBlobStore(dataDir);
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('put then get returns the same bytes, stored at blobs/<first two chars>/<key>; no temp file remains', async () => {
    const k = key();
    const bytes = randomBytes(200_000);
    await store.put(k, bytes);
    const back = await store.get(k);
    expect(Buffer.from(back!).equals(bytes)).toBe(true);
    const onDisk = await readFile(join(dataDir, 'blobs', k.slice(0, 2), k));
    expect(createHash('sha256').update(onDisk).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await tree(join(dataDir, 'blobs'))).toEqual([join(k.slice(0, 2), k)]);
  });

  it('put replaces the old value whole; has/delete/get report absence', async () => {
    const k = key();
    await store.put(k, new TextEncoder().encode('first version, longer than the second'));
    await store.put(k, new TextEncoder().encode('second'));
    expect(new TextDecoder().decode((await store.get(k))!)).toBe('second');
    expect(await store.has(k)).toBe(true);
    expect(await store.delete(k)).toBe(true);
    expect(await store.delete(k)).toBe(false);
    expect(await store.has(k)).toBe(false);
    expect(await store.get(k)).toBeNull();
    expect(await tree(join(dataDir, 'blobs'))).toEqual([]);
  });

  it('list yields every key once and skips temp files and foreign files', async () => {
    const keys = Array.from({ length: 30 }, key);
    await Promise.all(keys.map((k, i) => store.put(k, new Uint8Array([i]))));
    const shard = join(dataDir, 'blobs', keys[0]!.slice(0, 2));
    // Left-overs an interrupted put or a person could leave behind must not be listed as blobs.
    await writeFile(join(shard, `.${keys[0]}.abcdef.tmp`), 'partial');
    await writeFile(join(shard, 'notes.txt'), 'x');
    await writeFile(join(dataDir, 'blobs', 'README'), 'x');
    expect((await collect(store.list())).sort()).toEqual([...keys].sort());
  });

  it('list on a store that was never written is empty', async () => {
    expect(await collect(new FilesystemBlobStore(join(dataDir, 'nothing-here')).list())).toEqual([]);
  });

  it('concurrent puts of the same key leave one complete value and no temp files', async () => {
    const k = key();
    const values = Array.from({ length: 10 }, (_, i) => Buffer.alloc(50_000, i));
    await Promise.all(values.map((v) => store.put(k, v)));
    const back = Buffer.from((await store.get(k))!);
    expect(values.some((v) => v.equals(back))).toBe(true);
    expect(await tree(join(dataDir, 'blobs'))).toEqual([join(k.slice(0, 2), k)]);
  });

  it('invalid keys are rejected before touching the filesystem', async () => {
    const bad = ['../../../etc/passwd', 'short', 'a/bcdefghijklmnopqr', 'abc.defghijklmnopq', 'x'.repeat(65), '', 'ก'.repeat(20)];
    for (const k of bad) {
      await expect(store.put(k, new Uint8Array([1])), k).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.get(k), k).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.has(k), k).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.delete(k), k).rejects.toBeInstanceOf(InvalidBlobKeyError);
    }
    await expect(store.put(null as never, new Uint8Array([1]))).rejects.toBeInstanceOf(InvalidBlobKeyError);
    await expect(store.put(key(), 'not bytes' as never)).rejects.toThrow(/Uint8Array/);
    expect(await readdir(dataDir)).toEqual([]);
  });
});

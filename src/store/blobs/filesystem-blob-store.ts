import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { assertBlobKey, BLOB_KEY_PATTERN, type BlobStore } from './blob-store.js';

/** Two-character shard folders keep any one directory small (64² possible folders for base64url ids). */
const SHARD_PATTERN = /^[A-Za-z0-9_-]{2}$/;

/**
 * Blobs as files under `<root>/<first two chars of key>/<key>`. Writes go to a temporary file in the same folder,
 * are fsynced, then renamed over the final name: rename is atomic on POSIX, so a crash leaves either the old file or
 * the new one, never a truncated PDF. Temporary names start with "." and never match a key, so list() skips them.
 *
 * Caveat: on a case-insensitive filesystem (macOS, Windows defaults) keys differing only in letter case would share
 * a file. Random 128-bit ids make that practically impossible, but do not use this store with chosen keys there.
 */
export class FilesystemBlobStore implements BlobStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private pathOf(key: string): { dir: string; file: string } {
    assertBlobKey(key);
    const dir = join(this.root, key.slice(0, 2));
    return { dir, file: join(dir, key) };
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const { dir, file } = this.pathOf(key);
    if (!(bytes instanceof Uint8Array)) throw new TypeError('blob bytes: expected a Uint8Array');
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `.${key}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    try {
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    } catch (err) {
      await unlink(temp).catch(() => {});
      throw err;
    }
    await syncDirectory(dir);
  }

  async get(key: string): Promise<Uint8Array | null> {
    const { file } = this.pathOf(key);
    try {
      const buf = await readFile(file);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async has(key: string): Promise<boolean> {
    const { file } = this.pathOf(key);
    try {
      return (await stat(file)).isFile();
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<boolean> {
    const { file } = this.pathOf(key);
    try {
      await unlink(file);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async lastModified(key: string): Promise<Date | null> {
    assertBlobKey(key);
    try {
      return (await stat(this.pathOf(key).file)).mtime;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async removeStaleTemporaries(olderThanMs: number): Promise<number> {
    let removed = 0;
    let shards: string[];
    try {
      shards = await readdir(this.root);
    } catch (err) {
      if (isNotFound(err)) return 0;
      throw err;
    }
    for (const shard of shards) {
      if (!SHARD_PATTERN.test(shard)) continue;
      const dir = join(this.root, shard);
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        if (!/^\..+\.[0-9a-f]{12}\.tmp$/.test(name)) continue;
        const file = join(dir, name);
        const st = await stat(file).catch(() => null);
        if (st && Date.now() - st.mtimeMs > olderThanMs) {
          await unlink(file).catch(() => undefined);
          removed++;
        }
      }
    }
    return removed;
  }

  async *list(): AsyncIterable<string> {
    let shards: string[];
    try {
      shards = await readdir(this.root);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    for (const shard of shards.sort()) {
      if (!SHARD_PATTERN.test(shard)) continue;
      let names: string[];
      try {
        names = await readdir(join(this.root, shard));
      } catch (err) {
        if (isNotFound(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
        throw err;
      }
      for (const name of names.sort()) {
        if (BLOB_KEY_PATTERN.test(name) && name.startsWith(shard)) yield name;
      }
    }
  }
}

/** The store for a data directory: `<dataDir>/blobs`. */
export function openFilesystemBlobStore(dataDir: string): FilesystemBlobStore {
  return new FilesystemBlobStore(join(dataDir, 'blobs'));
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** Makes the rename itself durable. Directories cannot be fsynced on Windows; there it is skipped. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

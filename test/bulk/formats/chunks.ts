import { createReadStream } from 'node:fs';

/** Re-cuts any byte source into chunks of `size` bytes, so record and character boundaries fall mid-chunk. */
export async function* rechunk(source: AsyncIterable<Uint8Array | string>, size: number): AsyncGenerator<Uint8Array> {
  let pending = Buffer.alloc(0);
  for await (const c of source) {
    pending = Buffer.concat([pending, typeof c === 'string' ? Buffer.from(c) : c]);
    while (pending.length >= size) {
      yield pending.subarray(0, size);
      pending = pending.subarray(size);
    }
  }
  if (pending.length > 0) yield pending;
}

export function fileChunks(path: string, size = 1024): AsyncGenerator<Uint8Array> {
  return rechunk(createReadStream(path), size);
}

export async function* fromText(text: string | Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

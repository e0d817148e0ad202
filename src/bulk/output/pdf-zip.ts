import { PassThrough, type Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { UniqueEntryNames } from './zip-entry-name.js';

export interface ZipEntrySource {
  /**
   * The wished-for file name; it is sanitised and made unique (see zip-entry-name.ts). To know the final names (e.g.
   * for the results CSV's `file` column), choose them with one UniqueEntryNames first: such names pass unchanged.
   */
  name: string;
  /** Loads the bytes only when the entry's turn comes, so one PDF at a time is in memory. */
  load(): Promise<Uint8Array>;
}

/** Resolves when the stream can take more, or when it is gone (a destroyed stream never drains). */
function writable(out: PassThrough): Promise<void> {
  if (!out.writableNeedDrain || out.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

/** The part of yazl 3.3.1's private state that parkWrittenEntries touches. */
interface YazlInternals {
  entries?: { state?: unknown; constructor: { FILE_DATA_DONE?: unknown } }[];
}

/*
 * yazl finds the next entry to write by scanning its whole `entries` list from the start at every step, which is
 * quadratic: 70,000 tiny entries took ~30 s, 70 % of it in that scan. Entries already written are therefore moved
 * aside and put back just before end(), which writes the central directory from that list. If yazl's internals ever
 * differ from what is checked here, nothing is moved and only speed is lost.
 */
function entryParking(zip: ZipFile): { park(): void; restore(): void } {
  const internals = zip as unknown as YazlInternals;
  const written: NonNullable<YazlInternals['entries']> = [];
  return {
    park() {
      const list = internals.entries;
      if (!Array.isArray(list) || list.length === 0) return;
      const done = list[0]!.constructor.FILE_DATA_DONE;
      if (typeof done !== 'number') return;
      let k = 0;
      while (k < list.length && typeof list[k]!.state === 'number' && (list[k]!.state as number) >= done) k++;
      for (const e of list.splice(0, k)) written.push(e);
    },
    restore() {
      if (written.length > 0 && Array.isArray(internals.entries)) internals.entries = written.concat(internals.entries);
    },
  };
}

/**
 * A zip of the entries, produced as the reader consumes it. Entries are stored, not deflated (PDFs are compressed
 * already, so deflate would cost CPU for nothing). yazl writes a ZIP64 end record when there are 65,535 entries or
 * more, and sets the UTF-8 flag for Thai names. yazl writes to its output without waiting for the reader, so the next
 * entry is loaded only after the output has drained: memory holds one PDF plus the stream's buffer.
 * An error from `load()` (or from the entry source) destroys the returned stream with that error.
 */
export function zipStream(entries: AsyncIterable<ZipEntrySource>): Readable {
  const zip = new ZipFile();
  const out = zip.outputStream as PassThrough;
  const names = new UniqueEntryNames();
  const mtime = new Date();
  const parking = entryParking(zip);
  zip.on('error', (err: Error) => out.destroy(err));

  const run = async (): Promise<void> => {
    for await (const entry of entries) {
      if (out.destroyed) return; // the reader went away: stop loading
      const data = await entry.load();
      if (!(data instanceof Uint8Array)) throw new TypeError(`zipStream: load() for "${entry.name}" must return a Uint8Array`);
      if (out.destroyed) return;
      const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      // A stored buffer entry is written synchronously inside addBuffer (once earlier ones are), so it can be parked.
      zip.addBuffer(buffer, names.take(entry.name), { compress: false, mtime, mode: 0o100644 });
      parking.park();
      await writable(out);
    }
    if (out.destroyed) return;
    parking.restore();
    zip.end();
  };
  run().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}

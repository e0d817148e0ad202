/**
 * A large transparency log in a real SQLite registry, built quickly for proof benchmarks: the leaves and stored
 * hashes are computed in memory (MemoryHashStore, the same stored-hash layout the database uses) and bulk-written with
 * prepared statements into log_events (with leaf_json and log_index, as integration leaves them), log_hashes, one
 * signed checkpoint and log_head. The database is then reopened through openDatabase, and the root recomputed from
 * the table must equal the in-memory root — so the figures are about a log the product itself would accept.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import SqliteDatabase from 'better-sqlite3';
import { nodeSha256, readStoredHashes } from '../../src/public-log/hash-store.js';
import { loadOrCreateLogKey, logOrigin, type LogIdentity } from '../../src/public-log/log-key.js';
import { openDatabase, SQLITE_FILE_NAME, type OpenedDatabase } from '../../src/store/db/open-database.js';
import {
  bytesEqual,
  encodeLeaf,
  leafHash,
  MemoryHashStore,
  signCheckpoint,
  treeHashFromHashes,
  treeHashIndexes,
  type LogLeaf,
} from '../../src/transparency/index.js';
import { onInterrupt } from './cleanup.js';
import { BENCH_AGENCY, BENCH_TYPE, randomDocumentIds } from './log-event-fixtures.js';

export interface LargeLog {
  database: OpenedDatabase;
  dataDir: string;
  log: LogIdentity;
  /** The same log in memory (for the pure in-memory comparison). */
  memory: MemoryHashStore;
  size: number;
  documentIds: string[];
  /** Seconds: computing leaves + hashes in memory, writing the tables, and both together. */
  timings: { hashSeconds: number; writeSeconds: number; totalSeconds: number; cpuSeconds: number };
  fileBytes: number;
  destroy(): Promise<void>;
}

const ROWS_PER_TRANSACTION = 50_000;

/**
 * The RFC 8785 canonical JSON of an "issued" leaf, written directly: keys in code-unit order, and every value is
 * ASCII that needs no escaping (slugs, base64url, hex, ISO time). encodeLeaf validates and canonicalises a generic
 * object, which costs ~30 µs a leaf — half a minute for a million; this costs a fraction of that.
 */
function leafJson(seq: number, time: string, documentId: string, pdfSha256: string): string {
  return `{"agency":"${BENCH_AGENCY}","docType":"${BENCH_TYPE}","documentId":"${documentId}","kind":"issued","pdfSha256":"${pdfSha256}","seq":${seq},"successorId":null,"time":"${time}"}`;
}

function checkLeafJson(json: string, leaf: LogLeaf): void {
  const expected = new TextDecoder().decode(encodeLeaf(leaf));
  if (json !== expected) throw new Error(`large log: fast leaf JSON differs from encodeLeaf:\n${json}\n${expected}`);
}

export async function buildLargeSqliteLog(size: number, publicUrl: string): Promise<LargeLog> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ekasarn-bench-1m-'));
  const unregister = onInterrupt(() => rm(dataDir, { recursive: true, force: true }));
  try {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    // Schema through the product's migrations, then closed again for the raw bulk load.
    await (await openDatabase({ dataDir })).close();
    const log = await loadOrCreateLogKey(join(dataDir, 'log.key'), logOrigin(publicUrl));
    const documentIds = randomDocumentIds(size);
    const digests = randomBytes(32 * size);
    const memory = new MemoryHashStore(nodeSha256);
    const start = Date.parse('2025-01-15T03:00:00.000Z');

    const raw = new SqliteDatabase(join(dataDir, SQLITE_FILE_NAME));
    let hashSeconds = 0;
    try {
      raw.pragma('journal_mode = WAL');
      // Bench set-up only: the data is disposable, so skip fsyncs while loading (openDatabase uses NORMAL).
      raw.pragma('synchronous = OFF');
      // A big page cache for the load: the document_id index takes its keys in random order.
      raw.pragma('cache_size = -262144');
      const insertEvent = raw.prepare(
        'INSERT INTO log_events (at, kind, agency_id, type_id, document_id, pdf_sha256, successor_id, log_index, leaf_json) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)',
      );
      const insertHash = raw.prepare('INSERT INTO log_hashes (idx, hash) VALUES (?, ?)');
      const encoder = new TextEncoder();

      for (let from = 0; from < size; from += ROWS_PER_TRANSACTION) {
        const to = Math.min(size, from + ROWS_PER_TRANSACTION);
        const th = performance.now();
        const rows: [string, string, string, number, string][] = [];
        for (let i = from; i < to; i++) {
          const time = new Date(start + i).toISOString();
          const pdfSha256 = digests.subarray(32 * i, 32 * (i + 1)).toString('hex');
          const json = leafJson(i, time, documentIds[i]!, pdfSha256);
          // The fast path must produce exactly the product's leaf bytes: compare with encodeLeaf now and then.
          if (i % 997 === 0) checkLeafJson(json, { seq: i, time, kind: 'issued', agency: BENCH_AGENCY, docType: BENCH_TYPE, documentId: documentIds[i]!, pdfSha256, successorId: null });
          memory.appendLeafHash(leafHash(encoder.encode(json), nodeSha256));
          rows.push([time, documentIds[i]!, pdfSha256, i, json]);
        }
        hashSeconds += (performance.now() - th) / 1000;
        raw.transaction(() => {
          for (const [at, documentId, pdfSha256, i, json] of rows) insertEvent.run(at, 'issued', BENCH_AGENCY, BENCH_TYPE, documentId, pdfSha256, i, json);
        })();
      }

      const stored = memory.storedCount;
      for (let from = 0; from < stored; from += ROWS_PER_TRANSACTION) {
        const indexes = Array.from({ length: Math.min(ROWS_PER_TRANSACTION, stored - from) }, (_, k) => from + k);
        const hashes = memory.readHashes(indexes);
        raw.transaction(() => {
          for (let k = 0; k < indexes.length; k++) insertHash.run(indexes[k]!, hashes[k]!);
        })();
      }

      const note = await signCheckpoint({ origin: log.origin, size, rootHash: memory.rootHash() }, log.signer);
      raw.prepare('INSERT INTO log_checkpoints (tree_size, note, created_at) VALUES (?, ?, ?)').run(size, note, new Date().toISOString());
      raw.prepare('UPDATE log_head SET tree_size = ? WHERE id = 1').run(size);
      raw.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      raw.close();
    }
    const totalSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    // CPU time of this process (all its threads): what the build costs on a machine nobody else is using.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;

    const database = await openDatabase({ dataDir });
    // The table must reproduce the in-memory root: otherwise the proofs below would be timed on a broken log.
    const fromTable = treeHashFromHashes(size, await readStoredHashes(database.db, treeHashIndexes(size)), nodeSha256);
    if (!bytesEqual(fromTable, memory.rootHash())) throw new Error('large log: the root hash read from log_hashes differs from the in-memory root');
    const fileBytes = statSync(join(dataDir, SQLITE_FILE_NAME)).size;
    return {
      database,
      dataDir,
      log,
      memory,
      size,
      documentIds,
      timings: { hashSeconds, writeSeconds: totalSeconds - hashSeconds, totalSeconds, cpuSeconds },
      fileBytes,
      async destroy() {
        unregister();
        await database.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    unregister();
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
}

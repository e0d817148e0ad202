/**
 * Transparency-log benchmark: appends into the in-memory stored-hash log up to 1,000,000 leaves, then inclusion-
 * and consistency-proof generation and verification at that size (median µs), each with the pure-TS SHA-256 and
 * with node:crypto injected as the hash function. Aim (issue): inclusion proof at 1M leaves < 1 ms.
 *
 *   npx tsx bench/tlog.bench.ts              1,000,000 leaves
 *   TLOG_N=100000 npx tsx bench/tlog.bench.ts
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  encodeLeaf,
  leafHash,
  MemoryHashStore,
  proveRecord,
  proveTree,
  sha256,
  treeHash,
  verifyConsistency,
  verifyInclusion,
  type HashFn,
  type LogLeaf,
} from '../src/transparency/index.js';
import { summarize, table } from './lib/stats.js';

const N = Number(process.env.TLOG_N ?? '1000000');
const SAMPLES = Number(process.env.TLOG_SAMPLES ?? '3000');
if (!Number.isInteger(N) || N < 2) throw new Error('TLOG_N must be a whole number ≥ 2');

const nodeSha256: HashFn = (d) => createHash('sha256').update(d).digest();

// A realistic entry: the canonical JSON of a leaf (~270 bytes). Appends rewrite its seq digits in place rather
// than allocating a million entries, which would measure the garbage collector instead of the log.
const template: LogLeaf = {
  seq: 1_000_000_000,
  time: '2025-01-15T03:04:05.123Z',
  kind: 'issued',
  agency: 'department-of-provincial-administration',
  docType: 'birth-certificate',
  documentId: 'AAAAAAAAAAAAAAAAAAAAAA',
  pdfSha256: 'ab'.repeat(32),
  successorId: null,
};
const entry = encodeLeaf(template);
const seqAt = new TextDecoder().decode(entry).indexOf('1000000000');

function build(hash: HashFn): { store: MemoryHashStore; ms: number } {
  const store = new MemoryHashStore(hash);
  const t = performance.now();
  for (let i = 0; i < N; i++) {
    let v = 1_000_000_000 + i;
    for (let d = 9; d >= 0; d--, v = Math.floor(v / 10)) entry[seqAt + d] = 48 + (v % 10);
    store.appendLeafHash(leafHash(entry, hash));
  }
  return { store, ms: performance.now() - t };
}

const rnd = (below: number): number => Math.floor(Math.random() * below);

function medianUs(f: () => void): { p50: number; p95: number } {
  for (let i = 0; i < 200; i++) f(); // warm up the JIT
  const ms: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  const s = summarize(ms);
  return { p50: s.p50 * 1000, p95: s.p95 * 1000 };
}

async function main(): Promise<void> {
  console.log(`ekasarn transparency-log benchmark — ${N.toLocaleString('en')} leaves, ${SAMPLES} samples per row, Node ${process.version}`);
  const rows: (string | number)[][] = [];
  const us = (x: number): string => x.toFixed(1);
  const stores: Record<string, MemoryHashStore> = {};

  for (const [name, hash] of [['pure-TS SHA-256', sha256], ['node:crypto SHA-256', nodeSha256]] as const) {
    const node = new Uint8Array(65).fill(1);
    const one = medianUs(() => {
      for (let r = 0; r < 100; r++) hash(node);
    });
    rows.push([`${name}: one 65-byte node hash`, us(one.p50 / 100), us(one.p95 / 100), 'µs (mean of 100 per sample)']);
    const { store, ms } = build(hash);
    stores[name] = store;
    const root = treeHash(N, store, hash);
    rows.push([`${name}: append ${N.toLocaleString('en')} leaves`, `${(N / (ms / 1000)).toFixed(0)} /s`, '', `${(ms / 1000).toFixed(2)} s total, ${store.storedCount.toLocaleString('en')} hashes`]);

    const incl = medianUs(() => void proveRecord(rnd(N), N, store, hash));
    rows.push([`${name}: inclusion proof, generate`, us(incl.p50), us(incl.p95), 'µs']);
    // Verify with each index's real leaf hash (read from the stored-hash slot of that leaf).
    const cases = Array.from({ length: 512 }, () => {
      const i = rnd(N);
      return { i, leaf: leafHashOf(store, i), proof: proveRecord(i, N, store, hash) };
    });
    let k = 0;
    const ver = medianUs(() => {
      const c = cases[k++ % cases.length]!;
      if (!verifyInclusion(c.leaf, c.i, N, c.proof, root, hash)) throw new Error('inclusion proof failed');
    });
    rows.push([`${name}: inclusion proof, verify`, us(ver.p50), us(ver.p95), 'µs']);

    const cons = medianUs(() => {
      const m = 1 + rnd(N - 1);
      void proveTree(m, N, store, hash);
    });
    rows.push([`${name}: consistency proof, generate`, us(cons.p50), us(cons.p95), 'µs']);
    const olds = Array.from({ length: 256 }, () => 1 + rnd(N - 1)).map((m) => ({ m, root: treeHash(m, store, hash), proof: proveTree(m, N, store, hash) }));
    k = 0;
    const cver = medianUs(() => {
      const c = olds[k++ % olds.length]!;
      if (!verifyConsistency(c.m, N, c.proof, c.root, root, hash)) throw new Error('consistency proof failed');
    });
    rows.push([`${name}: consistency proof, verify`, us(cver.p50), us(cver.p95), 'µs']);
    const th = medianUs(() => void treeHash(1 + rnd(N), store, hash));
    rows.push([`${name}: root hash at any size`, us(th.p50), us(th.p95), 'µs']);
  }

  // For comparison: the same verification with WebCrypto's asynchronous digest (what a browser has natively).
  const store = stores['pure-TS SHA-256']!;
  const root = treeHash(N, store);
  const i = rnd(N);
  const proof = proveRecord(i, N, store);
  const subtle = async (d: Uint8Array): Promise<Uint8Array> => new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(d)));
  const asyncMs: number[] = [];
  for (let s = 0; s < Math.min(SAMPLES, 1000); s++) {
    const t = performance.now();
    let r = leafHashOf(store, i);
    let fn = i;
    let sn = N - 1;
    for (const p of proof) {
      // RFC 9162 §2.1.3.2 walk with awaited hashes (a copy of verifyInclusion's logic, for timing only).
      const right = fn % 2 === 1 || fn === sn;
      const buf = new Uint8Array(65);
      buf[0] = 1;
      buf.set(right ? p : r, 1);
      buf.set(right ? r : p, 33);
      r = await subtle(buf);
      if (right) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    asyncMs.push(performance.now() - t);
    if (Buffer.compare(Buffer.from(r), Buffer.from(root)) !== 0) throw new Error('async walk mismatch');
  }
  const a = summarize(asyncMs);
  rows.push(['WebCrypto subtle.digest (async): inclusion proof, verify', us(a.p50 * 1000), us(a.p95 * 1000), 'µs']);

  console.log(table(['operation', 'median', 'p95', 'unit / note'], rows));
  console.log(`proof length at ${N.toLocaleString('en')} leaves: ${proof.length} hashes; memory (rss): ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
}

/** The leaf hash of entry i is the level-0 stored hash of leaf i. */
function leafHashOf(store: MemoryHashStore, i: number): Uint8Array {
  let idx = 0;
  for (let n = i; n > 0; n = Math.floor(n / 2)) idx += n;
  return store.readHashes([idx])[0]!;
}

await main();

/**
 * Inclusion-proof timings on a large log: `proofForDocument` from the database (what GET /log/proof/:id does, minus
 * HTTP), `verifyProofBundle` (what a verifier does: Ed25519 checkpoint signature + leaf re-encoding + the hash walk),
 * and, for comparison, the same proof generated and checked in memory without any database or signature.
 */
import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import { nodeSha256 } from '../../src/public-log/hash-store.js';
import { proofForDocument } from '../../src/public-log/read-log.js';
import type { Database } from '../../src/store/db/schema.js';
import { MemoryHashStore, proveRecord, storedHashIndex, verifyInclusion, verifyProofBundle, type ProofBundle } from '../../src/transparency/index.js';
import { latency, type Latency } from './latency.js';

export interface ProofTimings {
  samples: number;
  proofHashes: number;
  /** ms per call. */
  fromDatabase: Latency;
  verifyBundle: Latency;
  /** CPU ms this process spent per call, over all samples: unlike wall time, not inflated by other processes. */
  cpuMsPerCall: { fromDatabase: number; verifyBundle: number };
  inMemoryProve: Latency;
  inMemoryVerify: Latency;
}

const cpuMsSince = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

const randomIndex = (below: number): number => Math.floor(Math.random() * below);

export async function timeProofs(db: Kysely<Database>, memory: MemoryHashStore, documentIds: string[], verifierKey: string, samples: number): Promise<ProofTimings> {
  const size = memory.size;
  const root = memory.rootHash();
  // Warm-up: statement cache, JIT, SQLite page cache for the upper tree levels.
  for (let i = 0; i < 200; i++) await proofForDocument(db, documentIds[randomIndex(size)]!);

  const picks = Array.from({ length: samples }, () => randomIndex(size));
  const bundles: ProofBundle[] = [];
  const dbMs: number[] = [];
  let cpu = process.cpuUsage();
  for (const i of picks) {
    const t = performance.now();
    const b = await proofForDocument(db, documentIds[i]!);
    dbMs.push(performance.now() - t);
    if (!b || b.index !== i || b.tree_size !== size) throw new Error(`proofForDocument(${documentIds[i]}) gave ${b ? `index ${b.index} of ${b.tree_size}` : 'nothing'}, expected index ${i} of ${size}`);
    bundles.push(b);
  }
  const dbCpu = cpuMsSince(cpu) / samples;

  const verifyMs: number[] = [];
  cpu = process.cpuUsage();
  for (const [k, b] of bundles.entries()) {
    const t = performance.now();
    const r = await verifyProofBundle(b, verifierKey, { documentId: documentIds[picks[k]!]! });
    verifyMs.push(performance.now() - t);
    if (!r.ok) throw new Error(`proof bundle for leaf ${b.index} did not verify: ${r.reason}`);
  }

  const verifyCpu = cpuMsSince(cpu) / samples;

  const proveMs: number[] = [];
  const memVerifyMs: number[] = [];
  for (const i of picks) {
    let t = performance.now();
    const proof = proveRecord(i, size, memory, nodeSha256);
    proveMs.push(performance.now() - t);
    const leaf = memory.readHashes([storedHashIndex(0, i)])[0]!;
    t = performance.now();
    const ok = verifyInclusion(leaf, i, size, proof, root, nodeSha256);
    memVerifyMs.push(performance.now() - t);
    if (!ok) throw new Error(`in-memory proof of leaf ${i} did not verify`);
  }

  return {
    samples,
    proofHashes: bundles[0]!.proof.length,
    fromDatabase: latency(dbMs),
    verifyBundle: latency(verifyMs),
    cpuMsPerCall: { fromDatabase: dbCpu, verifyBundle: verifyCpu },
    inMemoryProve: latency(proveMs),
    inMemoryVerify: latency(memVerifyMs),
  };
}

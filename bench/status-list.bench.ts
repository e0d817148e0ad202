/**
 * Status-list benchmark: build + sign a Bitstring Status List of 131,072 entries (2 bits each) with 10,000 documents
 * in non-active states at random positions, its GZIP and JWS sizes, and a verifier's cost to verify the JWS (chain
 * included) and read one entry — cold (first sight of the certificates) and warm (caches filled).
 *
 *   npx tsx bench/status-list.bench.ts
 *   SL_SET=50000 SL_SAMPLES=50 npx tsx bench/status-list.bench.ts
 */
import { performance } from 'node:perf_hooks';
import type { DocumentStatus } from '../src/domain/lifecycle.js';
import { STATUS_LIST_MIN_ENTRIES } from '../src/domain/status-list.js';
import { createDevRootCa, issueAgencySigningCertificate, type KeyAlgorithm } from '../src/signing/index.js';
import {
  base64UrlDecode,
  buildStatusListCredential,
  checkStatusListEntry,
  encodeStatusList,
  signStatusListCredential,
} from '../src/status-list/index.js';
import { clearCertificateCache, clearChainCache } from '../src/verify/index.js';
import { fmt, summarize, table } from './lib/stats.js';

const SET = Number(process.env.SL_SET ?? '10000');
const SAMPLES = Number(process.env.SL_SAMPLES ?? '30');
if (!Number.isInteger(SET) || SET < 1 || SET > STATUS_LIST_MIN_ENTRIES / 2) throw new Error('SL_SET must be a whole number from 1 to 65536');

const LIST = 'https://registry.example.go.th/status/demo/training-certificate';
const STATES: DocumentStatus[] = ['revoked', 'suspended', 'superseded'];

// 10,000 distinct random positions, as issuance would choose them; the rest of the list is active (0).
const entries: Array<{ index: number; status: DocumentStatus }> = [];
{
  const used = new Set<number>();
  const r = new Uint32Array(2);
  while (used.size < SET) {
    crypto.getRandomValues(r);
    const index = r[0]! % STATUS_LIST_MIN_ENTRIES;
    if (used.has(index)) continue;
    used.add(index);
    entries.push({ index, status: STATES[r[1]! % STATES.length]! });
  }
}
const probe = entries[0]!;

const root = await createDevRootCa({ keyAlgorithm: 'P-256' });
const trustRoots = [root.certificate];
const rows: (string | number)[][] = [];

// Encoding alone (no signature), to separate GZIP cost from signing cost.
const encodeTimes: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  const t = performance.now();
  encodeStatusList(entries.map((e) => ({ index: e.index, value: 1 })), STATUS_LIST_MIN_ENTRIES, 2);
  encodeTimes.push(performance.now() - t);
}

for (const keyAlgorithm of ['RSA-2048', 'P-256'] as KeyAlgorithm[]) {
  const agency = await issueAgencySigningCertificate(root, { agencyNameEn: `Bench Agency ${keyAlgorithm}`, keyAlgorithm });
  const build: number[] = [];
  let jws = '';
  let gzBytes = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    const credential = buildStatusListCredential({ listUrl: LIST, issuerId: 'https://registry.example.go.th/agencies/demo', validFrom: new Date(), entries });
    jws = await signStatusListCredential(credential, agency);
    build.push(performance.now() - t);
    gzBytes = base64UrlDecode(credential.credentialSubject.encodedList.slice(1)).length;
  }

  const check = () => checkStatusListEntry({ entry: { list: LIST, index: probe.index }, agencyId: 'demo', fetchList: async () => jws, trustRoots });
  const cold: number[] = [];
  for (let i = 0; i < Math.min(SAMPLES, 20); i++) {
    clearCertificateCache();
    clearChainCache();
    const t = performance.now();
    const r = await check();
    cold.push(performance.now() - t);
    if (r.outcome !== probe.status) throw new Error(`read ${r.outcome}, expected ${probe.status}: ${r.detail}`);
  }
  const warm: number[] = [];
  for (let i = 0; i < SAMPLES * 5; i++) {
    const t = performance.now();
    await check();
    warm.push(performance.now() - t);
  }
  const b = summarize(build);
  const c = summarize(cold);
  const w = summarize(warm);
  rows.push([keyAlgorithm, fmt(b.p50), fmt(b.p95), gzBytes, jws.length, fmt(c.p50), fmt(w.p50), fmt(w.p95)]);
}

const e = summarize(encodeTimes);
console.log(`Bitstring Status List: ${STATUS_LIST_MIN_ENTRIES} entries × 2 bits (32 KiB raw), ${SET} non-zero, ${SAMPLES} samples`);
console.log(`encode only (bitstring + gzip level 6 + base64url): p50 ${fmt(e.p50)} ms, p95 ${fmt(e.p95)} ms`);
console.log(
  table(
    ['key', 'build+sign p50 ms', 'p95 ms', 'gzip bytes', 'JWS chars', 'verify+read cold p50 ms', 'warm p50 ms', 'warm p95 ms'],
    rows,
  ),
);

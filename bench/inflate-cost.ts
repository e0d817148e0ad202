/**
 * Verification decodes data.json (a small Flate stream) with the reader's capped streaming inflater; this compares
 * it with fflate's one-shot unzlibSync on the same bytes, to price the streaming path.
 *
 *   npx tsx bench/inflate-cost.ts
 */
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzlibSync, zlibSync } from 'fflate';
import { DEFAULT_MAX_DECODED_SIZE } from '../src/pdf/index.js';
import { inflateCapped } from '../src/pdf/reader/filters.js';
import { fmt, table } from './lib/stats.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sample = readFileSync(resolve(repoRoot, 'types', 'factory-licence', 'sample.json'));
const cases: [string, Uint8Array][] = [
  ['data.json-sized (~1.5 KiB)', zlibSync(new Uint8Array(Buffer.concat([sample, sample, sample])))],
  ['64 KiB', zlibSync(new Uint8Array(Buffer.concat(Array(Math.ceil((64 * 1024) / sample.length)).fill(sample)).subarray(0, 64 * 1024)))],
];
const rows: string[][] = [];
for (const [label, z] of cases) {
  const n = 2000;
  for (let i = 0; i < 200; i++) inflateCapped(z, DEFAULT_MAX_DECODED_SIZE);
  let t = performance.now();
  for (let i = 0; i < n; i++) inflateCapped(z, DEFAULT_MAX_DECODED_SIZE);
  const capped = (performance.now() - t) / n;
  for (let i = 0; i < 200; i++) unzlibSync(z);
  t = performance.now();
  for (let i = 0; i < n; i++) unzlibSync(z);
  const sync = (performance.now() - t) / n;
  rows.push([label, fmt(capped, 3), fmt(sync, 3), `${fmt(capped / sync, 1)}×`]);
}
console.log(table(['stream', 'inflateCapped ms', 'unzlibSync ms', 'ratio'], rows));

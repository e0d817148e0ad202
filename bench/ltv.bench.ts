/**
 * Long-term-validity benchmark (issue [ltv]): issuance rate at PAdES B-T and B-LT with the built-in TSA in-process
 * and over HTTP on loopback, the TSA alone (tokens/s), and verification of B-LTA documents.
 *
 *   npm run bench:ltv              N = 200 per level
 *   BENCH_N=50 npm run bench:ltv   quick run
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DEMO_AGENCY_ID } from '../src/app/open-app.js';
import { buildTimeStampRequest } from '../src/timestamp/index.js';
import { createTsaClient, createTsaHttpServer } from '../src/timestamp/node.js';
import { openDemoInstance } from './lib/demo-instance.js';
import { fmt, summarize, table } from './lib/stats.js';

const n = Number(process.env.BENCH_N ?? '200');
if (!Number.isInteger(n) || n < 1) throw new Error('BENCH_N must be a positive whole number');

async function timeIt(count: number, f: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await f(i);
    out.push(performance.now() - t);
  }
  return out;
}

async function main(): Promise<void> {
  console.log(`ekasarn long-term-validity benchmark — N=${n} per row, Node ${process.version}`);
  const rows: (string | number)[][] = [];
  const add = (label: string, ms: number[]) => {
    const s = summarize(ms);
    const total = ms.reduce((a, b) => a + b, 0);
    rows.push([label, s.n, fmt(s.mean), fmt(s.p50), fmt(s.p95), fmt((s.n / total) * 1000, 1)]);
  };

  const inst = await openDemoInstance('B-LTA');
  try {
    const { app } = inst;
    const sample = app.types.get('training-certificate')!.sample!;
    for (let i = 0; i < 5; i++) await app.issueAsAgency(DEMO_AGENCY_ID, 'training-certificate', sample, { level: 'B-LT' });

    // The TSA alone: in-process and over HTTP on loopback.
    const authority = app.timeStampAuthority!;
    const imprint = createHash('sha256').update('bench').digest();
    add('TSA token, in-process', await timeIt(n * 5, () => authority.respond(buildTimeStampRequest({ imprint }).der)));
    const server = createTsaHttpServer(authority);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const client = createTsaClient({ url: `http://127.0.0.1:${port}/tsa` });
    add('TSA token, HTTP loopback', await timeIt(n * 2, () => client.timestamp(imprint)));
    client.close();
    await new Promise<void>((r) => server.close(() => r()));

    for (const level of ['B-B', 'B-T', 'B-LT', 'B-LTA'] as const) {
      add(`issue ${level}`, await timeIt(n, () => app.issueAsAgency(DEMO_AGENCY_ID, 'training-certificate', sample, { level })));
    }
    const lta: Uint8Array[] = [];
    for (let i = 0; i < Math.min(n, 50); i++) lta.push((await app.issueAsAgency(DEMO_AGENCY_ID, 'training-certificate', sample, { level: 'B-LTA' })).pdf);
    for (const p of lta.slice(0, 5)) await app.verify(p, { offline: true });
    add('verify B-LTA offline', await timeIt(n, (i) => app.verify(lta[i % lta.length]!, { offline: true })));
  } finally {
    await inst.destroy();
  }
  console.log(table(['what', 'n', 'mean ms', 'p50 ms', 'p95 ms', 'per second'], rows));
}

await main();

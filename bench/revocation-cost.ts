/**
 * CPU cost of revocation checking in verification. Starts a real `ekasarn serve` (existing dist/, it only answers the
 * OCSP/CRL requests), issues a B-B and a B-LT document, then verifies them *in this process* from src/ so the profile
 * and the timings show the current source:
 *   - B-B offline, B-B online (OCSP + CRL fetched from the server through cachingRevocationFetch), B-T offline (the
 *     timestamp without revocation data, for comparison), B-LT offline (revocation data from the DSS).
 * Prints CPU ms (user+system of this process) and wall ms per verification: median and least of BENCH_REPEAT passes
 * (on a shared, loaded machine the least is the steadier figure).
 *
 *   npx tsx bench/revocation-cost.ts
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/revocation-cost.ts   then bench/cpuprofile-top.ts
 *
 * Settings: BENCH_N (200 verifications per pass), BENCH_REPEAT (3), BENCH_ONLY (comma list of bb-off,bb-on,bt-off,lt-off),
 * BENCH_COLD (1: also run each case with the revocation memos emptied before every verification — the cost without
 * them, measured under the same machine load), BENCH_PROFILE_DIR (unset; a folder: writes <case>.cpuprofile covering only the measured passes, not the set-up, for
 * `npx tsx bench/cpuprofile-top.ts`).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cachingRevocationFetch } from '../src/app/revocation-fetch.js';
import { clearRevocationCaches } from '../src/revocation/check/index.js';
import { verifyPdf } from '../src/verify/index.js';
import { startServedDemo } from './lib/served-demo.js';
import { fmt, table } from './lib/stats.js';

const N = Number(process.env.BENCH_N ?? 200);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
if (!Number.isInteger(N) || N < 1) throw new Error(`BENCH_N must be a whole number ≥ 1, got "${process.env.BENCH_N}"`);
if (!Number.isInteger(REPEAT) || REPEAT < 1) throw new Error(`BENCH_REPEAT must be a whole number ≥ 1, got "${process.env.BENCH_REPEAT}"`);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'bb-off,bb-on,bt-off,lt-off').split(',').map((s) => s.trim()));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const served = await startServedDemo({ levels: ['B-B', 'B-T', 'B-LT'] });
  try {
    const trust = (await (await fetch(`${served.baseUrl}/api/v1/trust`)).json()) as { roots: string[] };
    const trustRoots = trust.roots.map((b64) => new Uint8Array(Buffer.from(b64, 'base64')));
    const fetchRevocation = cachingRevocationFetch();
    const bb = new Uint8Array(served.documents.find((d) => d.level === 'B-B')!.bytes);
    const bt = new Uint8Array(served.documents.find((d) => d.level === 'B-T')!.bytes);
    const lt = new Uint8Array(served.documents.find((d) => d.level === 'B-LT')!.bytes);
    const cases = [
      { name: 'bb-off', label: 'B-B offline', pdf: bb, online: false },
      { name: 'bb-on', label: 'B-B online', pdf: bb, online: true },
      { name: 'bt-off', label: 'B-T offline', pdf: bt, online: false },
      { name: 'lt-off', label: 'B-LT offline', pdf: lt, online: false },
    ].filter((c) => ONLY.has(c.name)).flatMap((c) => (process.env.BENCH_COLD === '1' ? [{ ...c, cold: false }, { ...c, label: `${c.label}, memos emptied`, cold: true }] : [{ ...c, cold: false }]));

    const rows: string[][] = [];
    for (const c of cases) {
      const opts = { trustRoots, ...(c.online ? { fetchRevocation } : {}) };
      const first = await verifyPdf(c.pdf, opts);
      if (first.verdict !== 'VALID') throw new Error(`${c.label}: verdict ${first.verdict}: ${JSON.stringify(first.checks.filter((k) => k.status !== 'passed'))}`);
      for (let i = 0; i < 50; i++) await verifyPdf(c.pdf, opts); // warm-up (JIT, caches)
      const profileDir = process.env.BENCH_PROFILE_DIR;
      const session = profileDir ? new Session() : undefined;
      if (session) {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
      }
      const cpu: number[] = [];
      const wall: number[] = [];
      for (let r = 0; r < REPEAT; r++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < N; i++) {
          if (c.cold) clearRevocationCaches();
          await verifyPdf(c.pdf, opts);
        }
        wall.push((performance.now() - t0) / N);
        const d = process.cpuUsage(c0);
        cpu.push((d.user + d.system) / 1000 / N);
      }
      if (session) {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(join(profileDir!, `${c.name}.cpuprofile`), JSON.stringify(profile));
        session.disconnect();
      }
      rows.push([c.label, fmt(median(cpu), 2), fmt(Math.min(...cpu), 2), fmt(median(wall), 2), cpu.map((x) => fmt(x, 2)).join(' ')]);
    }
    console.log(table(['case', 'CPU ms / verification (median)', 'min', 'wall ms', 'CPU per pass'], rows));
  } finally {
    await served.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

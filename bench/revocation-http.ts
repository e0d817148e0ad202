/**
 * POST /api/v1/verify at a fixed rate against a server running the *current source* (via tsx), online and offline,
 * to see whether revocation checking still limits throughput. A demo instance is made and served with the built
 * dist/ (it publishes the CRL and answers OCSP at the addresses in the certificates); a second server from src/ on
 * the same data folder answers the verifications. Prints latency percentiles and server CPU ms per request.
 *
 *   npx tsx bench/revocation-http.ts
 *
 * Settings: BENCH_RATE (100 requests/s), BENCH_SECONDS (10 per run), BENCH_LEVELS ("B-B,B-LT").
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openLoop } from './lib/http-load.js';
import { latency } from './lib/latency.js';
import { loadAverage, ProcessMeter } from './lib/proc-usage.js';
import { repoRoot, startServedDemo, type Level } from './lib/served-demo.js';
import { fmt, table } from './lib/stats.js';
import { freePort } from './lib/child-process.js';

const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
if (!(RATE > 0) || !(SECONDS > 0)) throw new Error('BENCH_RATE and BENCH_SECONDS must be positive numbers');
const LEVELS = (process.env.BENCH_LEVELS ?? 'B-B,B-LT').split(',').map((s) => s.trim()) as Level[];
for (const l of LEVELS) if (!['B-B', 'B-T', 'B-LT', 'B-LTA'].includes(l)) throw new Error(`BENCH_LEVELS: unknown level "${l}"`);

/** `ekasarn serve` from src/ (tsx), on the data folder of `dataDir`, answering at `port`. */
async function startSourceServer(dataDir: string, publicUrl: string, port: number): Promise<ChildProcess> {
  const main = pathToFileURL(join(repoRoot, 'src/cli/main.ts')).href;
  const env: NodeJS.ProcessEnv = { ...process.env, EKASARN_DATA: dataDir, EKASARN_PUBLIC_URL: publicUrl, PORT: String(port), HOST: '127.0.0.1', EKASARN_LOG: 'off' };
  delete env.EKASARN_SIGNATURE_LEVEL;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `const m = await import(${JSON.stringify(main)}); process.exitCode = await m.main(['serve']);`], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`source server not ready: ${stderr}`)), 60_000);
    child.once('exit', (code) => fail(new Error(`source server exited (code ${code}): ${stderr}`)));
    let buf = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      if (buf.includes('ready at')) {
        clearTimeout(timer);
        ok();
      }
    });
  });
  return child;
}

async function main(): Promise<void> {
  const served = await startServedDemo({ levels: LEVELS });
  let child: ChildProcess | undefined;
  try {
    const port = await freePort();
    child = await startSourceServer(served.dataDir, served.baseUrl, port);
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const rows: string[][] = [];
    for (const doc of served.documents) {
      for (const offline of [true, false]) {
        const url = new URL(`http://127.0.0.1:${port}/api/v1/verify${offline ? '?offline=true' : ''}`);
        await openLoop(agent, url, doc.bytes, 50, 4); // warm-up: JIT, caches, revocation answers
        const meter = new ProcessMeter(child.pid!).start();
        const r = await openLoop(agent, url, doc.bytes, RATE, SECONDS);
        const usage = meter.stop();
        const valid = r.outcomes.filter((o) => o.verdict === 'VALID').length;
        const errors = r.outcomes.filter((o) => o.error).length;
        const lat = latency(r.outcomes.map((o) => o.ms));
        rows.push([
          `${doc.level} ${offline ? 'offline' : 'online'}`,
          String(r.outcomes.length),
          String(valid),
          String(errors),
          fmt((r.outcomes.length / r.wallMs) * 1000, 1),
          fmt(lat.p50, 1),
          fmt(lat.p99, 1),
          fmt(lat.max, 1),
          fmt(usage.cpuPercent, 0),
          fmt((usage.cpuSeconds * 1000) / r.outcomes.length, 2),
        ]);
      }
    }
    agent.destroy();
    console.log(`open loop ${RATE} requests/s for ${SECONDS} s per row; load average ${loadAverage()}`);
    console.log(table(['case', 'sent', 'VALID', 'errors', 'answered/s', 'p50 ms', 'p99 ms', 'max ms', 'server CPU %', 'server CPU ms/request'], rows));
  } finally {
    if (child && child.exitCode === null) child.kill('SIGTERM');
    await served.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

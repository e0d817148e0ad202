/**
 * A demo instance run the way an operator runs it: `node bin/ekasarn.js init --demo`, `issue`, then `serve` as a
 * child process on a free loopback port with a temporary data folder. Benchmarks then talk to it over real HTTP.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onInterrupt } from './cleanup.js';
import { GcTrace } from './gc-trace.js';
import { freePort, stopChild } from './child-process.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(repoRoot, 'bin', 'ekasarn.js');

export type Level = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

export interface IssuedPdf {
  level: Level;
  id: string;
  path: string;
  bytes: Buffer;
}

export interface ServedDemo {
  baseUrl: string;
  port: number;
  /** The server's process id (node itself, not a wrapper), for /proc measurements. */
  pid: number;
  dataDir: string;
  documents: IssuedPdf[];
  /** GC pauses of the server process (empty unless started with traceGc). */
  gc: GcTrace;
  stop(): Promise<void>;
}

/**
 * `npm run build` (dist/ and dist/web/verify.js) unless BENCH_SKIP_BUILD=1: a stale dist/ would measure old code.
 * Returns the build time in ms, or null when skipped.
 */
export function buildUnlessSkipped(): number | null {
  if (process.env.BENCH_SKIP_BUILD === '1') return null;
  const t = performance.now();
  const r = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status}); set BENCH_SKIP_BUILD=1 to use the existing dist/\n${r.stdout}\n${r.stderr}`);
  return performance.now() - t;
}

function runCli(args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ekasarn ${args[0]} failed (exit ${r.status}): ${r.stderr.trim()}`);
  return r.stdout;
}

export async function startServedDemo(opts: { levels: Level[]; traceGc?: boolean; readyTimeoutMs?: number; nodeArgs?: string[] }): Promise<ServedDemo> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ekasarn-bench-http-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EKASARN_DATA: dataDir,
    EKASARN_PUBLIC_URL: baseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    EKASARN_LOG: 'off',
  };
  // The demo's default level depends on whether a TSA exists; --level makes each document's level explicit.
  delete env.EKASARN_SIGNATURE_LEVEL;
  let child: ChildProcess | undefined;
  const gc = new GcTrace();
  const stop = async () => {
    await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
  };
  const unregister = onInterrupt(stop);
  try {
    runCli(['init', '--demo'], env);
    const documents: IssuedPdf[] = [];
    for (const level of opts.levels) {
      const path = join(dataDir, `bench-${level}.pdf`);
      const out = runCli(['issue', '--type', 'training-certificate', '--data', join(repoRoot, 'types/training-certificate/sample.json'), '--out', path, '--level', level], env);
      documents.push({ level, id: out.trim().split('\n').pop()!, path, bytes: await readFile(path) });
    }

    const nodeArgs = [...(opts.nodeArgs ?? []), ...(opts.traceGc ? ['--trace-gc'] : [])];
    const proc = spawn(process.execPath, [...nodeArgs, cli, 'serve'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    const ready = new Promise<void>((ok, fail) => {
      let buf = '';
      const timer = setTimeout(() => fail(new Error(`server not ready after ${opts.readyTimeoutMs ?? 30000} ms: ${stderr}`)), opts.readyTimeoutMs ?? 30000);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`server exited early (code ${code}): ${stderr}`));
      });
      proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (gc.line(line)) continue;
          if (line.includes('ready at')) {
            clearTimeout(timer);
            ok();
          }
        }
      });
    });
    await ready;
    return {
      baseUrl,
      port,
      pid: proc.pid!,
      dataDir,
      documents,
      gc,
      async stop() {
        unregister();
        await stop();
      },
    };
  } catch (e) {
    unregister();
    await stop();
    throw e;
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BIN, childEnv } from '../../cli/cli-runner.js';
import { PROJECT_ROOT } from '../../../src/config.js';

/**
 * Real `ekasarn` processes for the bulk guarantee tests: the CLI and `ekasarn serve`, each in its own process group
 * (detached) so a SIGKILL to the group takes the whole process, worker threads and anything it started, at once —
 * the way an out-of-memory killer or a pulled plug would.
 */

export { freePort } from '../../helpers/test-app.js';

export interface Running {
  child: ChildProcess;
  pid: number;
  /** Everything written so far on stdout and stderr. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL to the whole process group; resolves once the process is gone. */
  killHard(): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

export function startEkasarn(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: PROJECT_ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    exited,
    async killHard() {
      if (!alive()) return;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      await exited;
    },
    async stop() {
      if (!alive()) return;
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* gone meanwhile */
        }
      }, 10_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `ekasarn serve` on 127.0.0.1:port; resolves once it prints "ready at" (rejects after 60 s or if it exits). */
export async function startServe(env: Record<string, string>, port: number): Promise<Running> {
  const r = startEkasarn(['serve'], { EKASARN_LOG: 'off', ...env, PORT: String(port), HOST: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ekasarn serve did not start within 60 s: ${r.stdout()}${r.stderr()}`)), 60_000);
    const poll = setInterval(() => {
      if (r.stdout().includes('ready at')) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
    void r.exited.then(({ code }) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`ekasarn serve exited with ${code}: ${r.stdout()}${r.stderr()}`));
    });
  });
  return r;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every `everyMs` until it returns a value that is not undefined; throws after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Resident set size of a process in MiB, from /proc/<pid>/status (VmRSS); null once the process is gone. */
export function rssMiB(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export interface RssSample {
  atMs: number;
  phase: string;
  mib: number;
}

/** Samples a process's RSS every `everyMs`, tagged with the phase the test says it is in. */
export function sampleRss(pid: number, everyMs = 200) {
  const started = Date.now();
  const samples: RssSample[] = [];
  let phase = 'start';
  const take = () => {
    const mib = rssMiB(pid);
    if (mib !== null) samples.push({ atMs: Date.now() - started, phase, mib });
    return mib;
  };
  const timer = setInterval(take, everyMs);
  return {
    samples,
    /** Takes a sample now (so a phase boundary has an exact reading) and tags later ones with `next`. */
    mark(next: string): number | null {
      const mib = take();
      phase = next;
      return mib;
    },
    stop() {
      clearInterval(timer);
      take();
    },
  };
}

export function summarise(values: number[]): { n: number; min: number; median: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, min: s[0] ?? NaN, median: s[Math.floor(s.length / 2)] ?? NaN, max: s[s.length - 1] ?? NaN };
}

import { createHash } from 'node:crypto';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../src/config.js';

/**
 * Runs the real `ekasarn` command (`node bin/ekasarn.js`, i.e. the compiled dist/) as a child process, the way a
 * person or a script would. Arguments are passed as an array: nothing goes through a shell.
 */

const run = promisify(execFile);
export const BIN = join(PROJECT_ROOT, 'bin', 'ekasarn.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The environment a child gets: this process's PATH etc., minus any ekasarn settings, plus `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('EKASARN_') || k === 'DATABASE_URL' || k === 'PORT' || k === 'HOST') continue;
    base[k] = v;
  }
  return { ...base, EKASARN_LOG: 'off', ...env };
}

export async function cli(args: string[], env: Record<string, string>, opts: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const started = performance.now();
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? PROJECT_ROOT,
      env: childEnv(env),
      timeout: opts.timeoutMs ?? 60_000,
      maxBuffer: 16 * 1024 * 1024,
      encoding: 'utf8',
    });
    return { code: 0, stdout, stderr, ms: performance.now() - started };
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string; killed?: boolean };
    if (typeof err.code !== 'number') throw e; // spawn failure or timeout: not an exit status
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '', ms: performance.now() - started };
  }
}

/** Any other program (openssl, pdfsig): same shape, no shell. */
export async function tool(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
    // A tool that exits without reading its input (pdfsig never does) closes the pipe: the write then fails with EPIPE,
    // which is no error of the tool's — its exit code and output are what count.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Long-running children (the server) started by a suite; killed in afterAll if still alive. */
export const children = new Set<ChildProcess>();

export function killChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
}

/**
 * Compiles src/ to dist/ once per test run, even when several CLI suites start in parallel workers: a lock directory
 * serialises them (two tsc writing dist/ at once could let a child import a half-written file) and a stamp holding the
 * vitest main process id (every worker's parent) skips the second build. Type errors in files being edited by others
 * do not stop tsc from emitting, so its exit status is reported, not enforced.
 */
export async function buildDistOnce(): Promise<void> {
  // One lock and stamp per checkout: two clones testing at once must not wait on (or skip) each other's build.
  const tag = createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 12);
  const lock = join(tmpdir(), `ekasarn-cli-tests-build-${tag}.lock`);
  const stamp = join(tmpdir(), `ekasarn-cli-tests-build-${tag}.stamp`);
  const runId = String(process.ppid);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is stale after three minutes.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* removed meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    let done = '';
    try {
      done = readFileSync(stamp, 'utf8');
    } catch {
      /* first build */
    }
    if (done === runId) return;
    const tsc = join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    try {
      await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: PROJECT_ROOT, timeout: 170_000 });
    } catch (e) {
      console.warn(`[cli tests] tsc -p tsconfig.build.json reported errors (dist/ was still emitted):\n${String((e as { stdout?: string }).stdout ?? e).slice(0, 2000)}`);
    }
    // The verify page's browser bundle (dist/web/verify.js), served by `ekasarn serve` at /assets/verify.js.
    await run(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build-web.mjs')], { cwd: PROJECT_ROOT, timeout: 120_000 });
    writeFileSync(stamp, runId);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

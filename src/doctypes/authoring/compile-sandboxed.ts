import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RenderInput } from '../../render/index.js';

/** What the child process answers. */
export type ChildAnswer =
  | { ok: true; pdf: Uint8Array }
  | { ok: false; kind: 'render' | 'error'; message: string; diagnostics: string[] };

type RenderOutcome =
  | { ok: true; pdf: Uint8Array; ms: number }
  | { ok: false; reason: 'render' | 'timeout' | 'crashed'; message: string; diagnostics: string[]; ms: number };

/** `ms` is the whole run; `startMs` the part spent starting the child before the compile clock started. */
export type SandboxedRender = RenderOutcome & { startMs: number };

export interface SandboxOptions {
  /** Kill the compile after this long. Default 20 s: a certificate compiles in well under a second. */
  timeoutMs?: number;
}

export const DEFAULT_COMPILE_TIMEOUT_MS = 20_000;
/** Starting the child (Node, modules, fonts) takes ~0.3 s from dist/ and ~1 s under tsx; on a busy machine more. */
const START_TIMEOUT_MS = 60_000;

function childModule(): { path: string; execArgv: string[] } {
  // From src/ (tests, tsx) the child is TypeScript and needs tsx's loader; the build (dist/) runs the .js directly.
  if (import.meta.url.endsWith('.ts')) {
    const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return { path: fileURLToPath(new URL('./compile-child.ts', import.meta.url)), execArgv: ['--import', loader] };
  }
  return { path: fileURLToPath(new URL('./compile-child.js', import.meta.url)), execArgv: [] };
}

/**
 * Renders one document from an untrusted template in a child process with a time limit. The child gets a private
 * temporary folder (TMPDIR, HOME, XDG dirs: no cached Typst packages) and a dead proxy for HTTP(S), so a computed
 * `import` of an "@preview" package cannot download anything during the check; it is killed (SIGKILL) on timeout and
 * its folder removed either way. Never rejects.
 */
export function renderInChildProcess(input: RenderInput, options: SandboxOptions = {}): Promise<SandboxedRender> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_COMPILE_TIMEOUT_MS;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const home = mkdtempSync(join(tmpdir(), 'ekasarn-typecheck-'));
  const { path, execArgv } = childModule();
  const deadProxy = 'http://127.0.0.1:9';
  const child = fork(path, [], {
    execArgv: [...execArgv, '--max-old-space-size=256'],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      TMPDIR: home,
      XDG_CACHE_HOME: home,
      XDG_DATA_HOME: home,
      HTTP_PROXY: deadProxy,
      HTTPS_PROXY: deadProxy,
      ALL_PROXY: deadProxy,
      http_proxy: deadProxy,
      https_proxy: deadProxy,
    },
  });

  return new Promise<SandboxedRender>((resolve) => {
    let settled = false;
    let startMs = 0;
    let stderr = '';
    const finish = (r: RenderOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      resolve({ ...r, startMs });
    };
    // Two clocks: a generous one for starting the child, then the template's own limit once it is ready to compile.
    let timer = setTimeout(() => {
      finish({ ok: false, reason: 'crashed', message: `the compile process did not start within ${START_TIMEOUT_MS / 1000} s`, diagnostics: [], ms: elapsed() });
    }, START_TIMEOUT_MS);
    const startCompileClock = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        finish({
          ok: false,
          reason: 'timeout',
          message: `the template did not finish compiling within ${Math.round(timeoutMs / 100) / 10} s and was stopped`,
          diagnostics: [],
          ms: elapsed(),
        });
      }, timeoutMs);
    };
    child.stderr?.on('data', (b: Buffer) => {
      if (stderr.length < 4000) stderr += b.toString();
    });
    child.on('message', (m: ChildAnswer | { ready: true }) => {
      if ('ready' in m) {
        startMs = elapsed();
        startCompileClock();
        child.send({ input });
        return;
      }
      if (m.ok) finish({ ok: true, pdf: new Uint8Array(m.pdf), ms: elapsed() });
      else finish({ ok: false, reason: m.kind === 'render' ? 'render' : 'crashed', message: m.message, diagnostics: m.diagnostics, ms: elapsed() });
    });
    child.once('error', (e) => finish({ ok: false, reason: 'crashed', message: `the compile process could not run: ${e.message}`, diagnostics: [], ms: elapsed() }));
    child.once('exit', (code, signal) => {
      rmSync(home, { recursive: true, force: true });
      finish({
        ok: false,
        reason: 'crashed',
        message: `the compile process stopped (${signal ?? `exit code ${code}`}) without an answer${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`,
        diagnostics: [],
        ms: elapsed(),
      });
    });
  });
}

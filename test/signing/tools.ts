/** Test helpers: a scratch directory and OpenSSL run with argument arrays (never a shell string). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ekasarn-${prefix}-`));
}

export interface RunResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Runs openssl; returns ok=false instead of throwing so tests can assert on failures too. stderr is kept on success
 * as well: some subcommands (pkcs12 -info, verify) report there.
 */
export function openssl(args: string[], options: { cwd?: string; input?: string } = {}): RunResult {
  const result = spawnSync('openssl', args, { cwd: options.cwd, input: options.input, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr };
}

/** Like openssl() but throws with OpenSSL's message when the command fails; returns stdout followed by stderr. */
export function opensslOk(args: string[], options: { cwd?: string } = {}): string {
  const result = openssl(args, options);
  if (!result.ok) throw new Error(`openssl ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout + result.stderr;
}

export const write = (dir: string, name: string, data: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
};

export const read = (dir: string, name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, name)));

/** `openssl cms -verify` of a detached DER CMS against one trust anchor, as the brief specifies. */
export function cmsVerify(dir: string, cmsFile: string, contentFile: string, rootFile: string): RunResult {
  return openssl(
    ['cms', '-verify', '-binary', '-inform', 'DER', '-in', cmsFile, '-content', contentFile, '-CAfile', rootFile, '-purpose', 'any', '-out', '/dev/null'],
    { cwd: dir },
  );
}

/** Test helpers for revocation: OpenSSL run asynchronously (our HTTP responder lives in the same process). */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { opensslOk, type RunResult } from '../signing/tools.js';

export { openssl, opensslOk, read, scratchDir, write } from '../signing/tools.js';

/**
 * Runs openssl without blocking the event loop, with an argument array (never a shell string). Needed whenever
 * OpenSSL talks to a server in this process: spawnSync would deadlock.
 */
export function opensslAsync(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ok: code === 0, stdout, stderr });
    });
  });
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/** DER CRL → PEM file (openssl verify -CRLfile wants PEM). */
export function crlToPem(dir: string, derFile: string, pemFile: string): void {
  opensslOk(['crl', '-inform', 'DER', '-in', derFile, '-out', pemFile], { cwd: dir });
}

export const HOUR = 3_600_000;

/** Flip the last byte of the first occurrence of `needle` (e.g. a serial number) so the DER still parses. */
export function tamperAt(der: Uint8Array, needle: Uint8Array): Uint8Array {
  outer: for (let i = 0; i + needle.length <= der.length; i++) {
    for (let j = 0; j < needle.length; j++) if (der[i + j] !== needle[j]) continue outer;
    const copy = der.slice();
    copy[i + needle.length - 1] = copy[i + needle.length - 1]! ^ 0x01;
    return copy;
  }
  throw new Error('tamperAt: needle not found');
}

export const hexBytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

// Node-only: the development CA's state as a JSON file, replaced atomically (write a temp file, then rename), so a
// crash or a concurrent reader never sees half a file.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { emptyCaState, validateCaState, withIssuedCertificate, withRevocation, type CaState, type RevokedRecord, type RevokeOptions } from './ca-state.js';

export const CA_STATE_FILE = 'dev-ca-state.json';

export const caStatePath = (dir: string): string => join(dir, CA_STATE_FILE);

function checkDir(dir: unknown): string {
  if (typeof dir !== 'string' || dir.trim() === '') throw new TypeError('dir: expected the directory that holds the CA state');
  return dir;
}

/** Reads the state; a missing file is an empty state (nothing issued yet). */
export async function loadCaState(dir: string): Promise<CaState> {
  const path = caStatePath(checkDir(dir));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyCaState();
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return validateCaState(json, path);
}

export async function saveCaState(dir: string, state: CaState): Promise<void> {
  checkDir(dir);
  validateCaState(state);
  await mkdir(dir, { recursive: true });
  const target = caStatePath(dir);
  const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

// Updates within this process are serialised so two quick calls do not lose each other's change. (Two processes
// writing at once could still race: acceptable for a development CA, which has one operator.)
let queue: Promise<unknown> = Promise.resolve();
function serialised<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

export function updateCaState<T>(dir: string, change: (state: CaState) => Promise<{ state: CaState; result: T }> | { state: CaState; result: T }): Promise<T> {
  return serialised(async () => {
    const { state, result } = await change(await loadCaState(dir));
    await saveCaState(dir, state);
    return result;
  });
}

/** Records a certificate this CA issued (DER), so OCSP answers "good" for it and it can be revoked later. */
export function recordIssuedCertificate(dir: string, certificate: Uint8Array): Promise<void> {
  return updateCaState(dir, async (s) => ({ state: await withIssuedCertificate(s, certificate), result: undefined }));
}

/**
 * Revokes the certificate with serial `serialHex` (hex, colons allowed). Throws CaStateError for an unknown serial,
 * one already revoked, or an invalid reason.
 */
export function revokeCertificate(dir: string, serialHex: string, options: RevokeOptions = {}): Promise<{ serialHex: string } & RevokedRecord> {
  return updateCaState(dir, (s) => {
    const r = withRevocation(s, serialHex, options);
    return { state: r.state, result: { serialHex: r.serialHex, ...r.record } };
  });
}

/** Takes the next CRL number (monotonic, persisted: RFC 5280 §5.2.3). */
export function takeNextCrlNumber(dir: string): Promise<number> {
  return updateCaState(dir, (s) => ({ state: { ...s, crlNumber: s.crlNumber + 1 }, result: s.crlNumber + 1 }));
}

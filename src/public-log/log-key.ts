import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createNoteSigner, generateNoteKey, type NoteSigner } from '../transparency/index.js';

export interface LogIdentity {
  /** The log's name in checkpoints, e.g. "verify.example.go.th/log" (C2SP: a schema-less URL). */
  origin: string;
  signer: NoteSigner;
  /** The public key string monitors and verifiers pin: "<origin>+<id>+<base64>". */
  verifierKey: string;
}

/** The log's origin for a deployment: its public host and path, as C2SP recommends. */
export function logOrigin(publicUrl: string): string {
  const u = new URL(publicUrl);
  return `${u.host}${u.pathname.replace(/\/+$/, '')}/log`;
}

/**
 * The Ed25519 log key: created once, kept in `<file>` (signer key line, then verifier key line, mode 0600). It
 * signs every checkpoint; losing it means starting a new log, so it belongs in the deployment's backups.
 */
export async function loadOrCreateLogKey(file: string, origin: string): Promise<LogIdentity> {
  if (!existsSync(file)) {
    const k = await generateNoteKey(origin);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${k.signerKey}\n${k.verifierKey}\n`, { mode: 0o600, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e; // another process created it first: use theirs
    });
  }
  const [signerKey, verifierKey] = (await readFile(file, 'utf8')).trim().split('\n');
  if (!signerKey || !verifierKey) throw new Error(`${file}: expected the log's signer key and verifier key, one per line`);
  const signer = await createNoteSigner(signerKey);
  if (signer.name !== origin) {
    throw new Error(`${file}: the log key is named "${signer.name}" but this deployment's log is "${origin}" (EKASARN_PUBLIC_URL changed?)`);
  }
  return { origin, signer, verifierKey };
}

/**
 * Node-only: reads and writes signing identities as files. Kept apart from the isomorphic code so the browser
 * bundle never pulls in node:fs.
 */
import { createPrivateKey } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportPkcs8 } from '../identity/generate-signing-key.js';
import { loadPemIdentity } from '../identity/load-pem-identity.js';
import { loadPkcs12Identity } from '../identity/load-pkcs12-identity.js';
import type { SigningIdentity } from '../identity/signing-identity.js';
import { encodeCertificatePem, encodePem } from '../pem.js';

async function readText(path: string, field: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`${field}: cannot read "${path}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** Decrypts an "ENCRYPTED PRIVATE KEY" PEM with Node's OpenSSL and returns an unencrypted PKCS#8 PEM. */
function decryptPrivateKeyPem(pem: string, passphrase: string): string {
  try {
    const der = createPrivateKey({ key: pem, format: 'pem', passphrase }).export({ format: 'der', type: 'pkcs8' });
    return encodePem('PRIVATE KEY', new Uint8Array(der));
  } catch {
    throw new Error('private key: wrong passphrase or unreadable encrypted key');
  }
}

export interface PemIdentityFiles {
  keyFile: string;
  certificateFile: string;
  chainFile?: string;
  /** For an encrypted PKCS#8 key file ("BEGIN ENCRYPTED PRIVATE KEY"). */
  passphrase?: string;
  extractable?: boolean;
}

export async function loadPemIdentityFiles(files: PemIdentityFiles): Promise<SigningIdentity> {
  let privateKeyPem = await readText(files.keyFile, 'keyFile');
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(privateKeyPem)) {
    if (typeof files.passphrase !== 'string') throw new Error(`keyFile: "${files.keyFile}" is encrypted; a passphrase is required`);
    privateKeyPem = decryptPrivateKeyPem(privateKeyPem, files.passphrase);
  }
  return loadPemIdentity({
    privateKeyPem,
    certificatePem: await readText(files.certificateFile, 'certificateFile'),
    ...(files.chainFile ? { chainPem: await readText(files.chainFile, 'chainFile') } : {}),
    ...(files.extractable !== undefined ? { extractable: files.extractable } : {}),
  });
}

export async function loadPkcs12IdentityFile(path: string, password: string, options: { extractable?: boolean } = {}): Promise<SigningIdentity> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new Error(`PKCS#12 file: cannot read "${path}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return loadPkcs12Identity(bytes, password, options);
}

/** File names are chosen by callers (CLI flags); refuse anything that could escape the directory. */
export function checkBaseName(baseName: string): string {
  if (typeof baseName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(baseName)) {
    throw new Error(`baseName: expected letters, digits, ".", "_" or "-" (not starting with a dot), got ${JSON.stringify(baseName)}`);
  }
  return baseName;
}

export interface IdentityFilePaths {
  keyFile: string;
  certificateFile: string;
  chainFile?: string;
}

export function identityFilePaths(dir: string, baseName: string): Required<IdentityFilePaths> {
  const base = checkBaseName(baseName);
  return { keyFile: join(dir, `${base}.key.pem`), certificateFile: join(dir, `${base}.cert.pem`), chainFile: join(dir, `${base}.chain.pem`) };
}

/** Writes a secret file readable by its owner only. Removing first matters: `mode` applies only on creation. */
export async function writeSecretFile(path: string, data: string): Promise<void> {
  await rm(path, { force: true });
  await writeFile(path, data, { mode: 0o600, flag: 'wx' });
}

/**
 * Saves `<dir>/<baseName>.key.pem` (PKCS#8, mode 0600), `.cert.pem` and, when there is a chain, `.chain.pem`.
 * The private key must be extractable.
 */
export async function saveIdentityFiles(
  dir: string,
  baseName: string,
  identity: Pick<SigningIdentity, 'privateKey' | 'certificate' | 'chain'>,
): Promise<IdentityFilePaths> {
  const paths = identityFilePaths(dir, baseName);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeSecretFile(paths.keyFile, encodePem('PRIVATE KEY', await exportPkcs8(identity.privateKey)));
  await writeFile(paths.certificateFile, encodeCertificatePem(identity.certificate));
  if (identity.chain.length > 0) {
    await writeFile(paths.chainFile, identity.chain.map(encodeCertificatePem).join(''));
    return paths;
  }
  await rm(paths.chainFile, { force: true });
  return { keyFile: paths.keyFile, certificateFile: paths.certificateFile };
}

/** Loads what {@link saveIdentityFiles} wrote. */
export async function loadIdentityFiles(dir: string, baseName: string, options: { extractable?: boolean } = {}): Promise<SigningIdentity> {
  const paths = identityFilePaths(dir, baseName);
  let chainFile: string | undefined = paths.chainFile;
  try {
    await readFile(chainFile);
  } catch {
    chainFile = undefined;
  }
  return loadPemIdentityFiles({
    keyFile: paths.keyFile,
    certificateFile: paths.certificateFile,
    ...(chainFile ? { chainFile } : {}),
    ...(options.extractable !== undefined ? { extractable: options.extractable } : {}),
  });
}

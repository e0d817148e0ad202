/**
 * Independent checkers for the conformance suite: poppler, qpdf, openssl, NSS certutil, zbar and the shared
 * pdf-check script. Every tool runs with an argument array (never a shell string), and results are returned rather
 * than thrown so tests can assert on failures as well as on successes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findSignatureFields, openPdf } from '../../src/pdf/index.js';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
/** Git-ignored: PDFs and renders stay here after a run so people can open them. */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts', 'conformance');
/** The shared second-opinion checker; in CI it sits next to the repository. */
export const PDF_CHECK_SCRIPT = resolve(REPO_ROOT, '..', 'shared', 'tools', 'pdf-check', 'pdf-check.sh');
export const TYPES_DIR = join(REPO_ROOT, 'types');

export interface ToolResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr: pdfsig and openssl report on either. */
  output: string;
}

export function tool(cmd: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): ToolResult {
  const r = spawnSync(cmd, args, {
    cwd: options.cwd,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: options.timeoutMs ?? 60_000,
  });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: r.stdout + r.stderr };
}

/** Like tool() but throws with the tool's own message when it exits non-zero. */
export function toolOk(cmd: string, args: string[], options: { cwd?: string } = {}): string {
  const r = tool(cmd, args, options);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.output}`);
  return r.output;
}

export function artifact(name: string, bytes: Uint8Array | string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = join(ARTIFACTS_DIR, name);
  writeFileSync(file, bytes);
  return file;
}

export function scratchDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `ekasarn-conf-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The bundled document types (every folder of types/ with a type.json and a sample.json). */
export function bundledTypes(): { typeId: string; sample: Record<string, unknown> }[] {
  const ids = readdirSync(TYPES_DIR)
    .filter((id) => !id.startsWith('_') && existsSync(join(TYPES_DIR, id, 'type.json')) && existsSync(join(TYPES_DIR, id, 'sample.json')))
    .sort();
  return ids.map((typeId) => ({ typeId, sample: JSON.parse(readFileSync(join(TYPES_DIR, typeId, 'sample.json'), 'utf8')) }));
}

/**
 * A throwaway NSS database trusting one root, for pdfsig: `certutil -N --empty-password` then
 * `certutil -A -t C,C,C`. Returns the `sql:` directory argument for `pdfsig -nssdir`.
 */
export function nssTrusting(dir: string, rootPem: string): string {
  mkdirSync(dir, { recursive: true });
  const rootFile = join(dir, 'trusted-root.pem');
  writeFileSync(rootFile, rootPem);
  const nss = `sql:${dir}`;
  toolOk('certutil', ['-N', '--empty-password', '-d', nss]);
  toolOk('certutil', ['-A', '-d', nss, '-n', 'root', '-t', 'C,C,C', '-i', rootFile]);
  return nss;
}

/** pdfsig's report. Its exit code is 0 even for a digest mismatch, so callers assert on the text. */
export function pdfsig(nssDir: string, file: string): string {
  return tool('pdfsig', ['-nssdir', nssDir, file]).output;
}

/** Length of a DER element (tag + length + content) at the start of `bytes`; /Contents is zero-padded after it. */
export function derElementLength(bytes: Uint8Array): number {
  if (bytes.length < 2) throw new Error('DER: too short');
  const first = bytes[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4) throw new Error(`DER: unsupported length form 0x${first.toString(16)}`);
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + bytes[2 + i]!;
  return 2 + n + len;
}

/**
 * Extracts the signed bytes (the two ByteRange parts) and the CMS (the /Contents string without its zero padding) of
 * the first signature and runs `openssl cms -verify` on them with one trust anchor.
 */
export function opensslVerifyPdf(pdf: Uint8Array, rootPem: string, label: string): ToolResult {
  const doc = openPdf(pdf);
  const sig = findSignatureFields(doc).find((s) => s.type === 'Sig');
  if (!sig?.byteRange || sig.byteRange.length !== 4) throw new Error(`${label}: no signature with a 4-number /ByteRange`);
  const [a, b, c, d] = sig.byteRange as [number, number, number, number];
  const signed = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
  const cms = sig.contents.subarray(0, derElementLength(sig.contents));
  const s = scratchDir('cms');
  try {
    writeFileSync(join(s.dir, 'signed.bin'), signed);
    writeFileSync(join(s.dir, 'sig.der'), cms);
    writeFileSync(join(s.dir, 'root.pem'), rootPem);
    // The CMS is also kept for people who want to inspect it with `openssl cms -cmsout -print`.
    artifact(`${label}.cms.der`, cms);
    return tool('openssl', [
      'cms', '-verify', '-binary', '-inform', 'DER', '-in', 'sig.der', '-content', 'signed.bin',
      '-CAfile', 'root.pem', '-purpose', 'any', '-out', '/dev/null',
    ], { cwd: s.dir });
  } finally {
    s.remove();
  }
}

/** Text of the signer certificate inside the CMS (`openssl pkcs7 -print_certs -text`), to check its key type. */
export function signerCertificateText(pdf: Uint8Array): string {
  const sig = findSignatureFields(openPdf(pdf)).find((s) => s.type === 'Sig');
  if (!sig) throw new Error('no signature');
  const s = scratchDir('p7');
  try {
    writeFileSync(join(s.dir, 'sig.der'), sig.contents.subarray(0, derElementLength(sig.contents)));
    return toolOk('openssl', ['pkcs7', '-inform', 'DER', '-in', 'sig.der', '-print_certs', '-text', '-noout'], { cwd: s.dir });
  } finally {
    s.remove();
  }
}

/** `qpdf --check`: exit 0 only without errors or warnings. */
export function qpdfCheck(file: string): ToolResult {
  return tool('qpdf', ['--check', file]);
}

/** Rows of `pdffonts`: font name and the "emb" column (5th from the end). */
export function pdfFonts(file: string): { name: string; emb: string }[] {
  const lines = toolOk('pdffonts', [file]).split('\n').slice(2).filter((l) => l.trim());
  return lines.map((l) => {
    const cols = l.trim().split(/\s+/);
    return { name: cols[0]!, emb: cols[cols.length - 5]! };
  });
}

/** Saves embedded file number `n` with pdfdetach and returns its bytes. */
export function pdfdetachSave(file: string, n: number): Buffer {
  const s = scratchDir('detach');
  try {
    const out = join(s.dir, 'out.bin');
    toolOk('pdfdetach', ['-save', String(n), '-o', out, file]);
    return readFileSync(out);
  } finally {
    s.remove();
  }
}

/** Renders page 1 at 150 dpi (kept as an artifact) and returns every symbol zbarimg decodes, one per line. */
export function decodeQr(file: string, pngBaseName: string): string[] {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const base = join(ARTIFACTS_DIR, pngBaseName);
  toolOk('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', '-singlefile', file, base]);
  const r = tool('zbarimg', ['--raw', '-q', `${base}.png`]);
  if (r.status !== 0) throw new Error(`zbarimg found no code in ${base}.png (exit ${r.status}): ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.length > 0);
}

/** pdftotext output with every run of white space folded to one space (wraps, U+00A0 from templates). */
export function pdfText(file: string): string {
  return toolOk('pdftotext', ['-raw', file, '-']).replace(/\s+/g, ' ');
}

/** What pdfsig must print for a good document: intact, trusted, PAdES sub-filter, no bytes outside the signature. */
export const PDFSIG_GOOD = ['Signature is Valid.', 'Certificate is Trusted.', 'ETSI.CAdES.detached', 'Total document signed'] as const;

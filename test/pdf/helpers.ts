/** Test fixtures: real PDFs made by Typst and converted by qpdf, plus runners for the independent checkers. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';
import { afterAll } from 'vitest';

export const workDir = mkdtempSync(join(tmpdir(), 'ekasarn-pdf-test-'));
// Registered at module level, so it runs after each test file that imports the helpers. KEEP_PDF_TEST_FILES=1 keeps them.
afterAll(() => {
  if (!process.env.KEEP_PDF_TEST_FILES) rmSync(workDir, { recursive: true, force: true });
});

let typstPdf: Uint8Array | undefined;

/** A one-page Thai PDF/A-3b made by Typst (classic xref table, as Typst writes it). */
export function makeTypstPdf(): Uint8Array {
  if (typstPdf) return typstPdf;
  const require = createRequire(import.meta.url);
  const fontPath = require.resolve('@expo-google-fonts/sarabun/400Regular/Sarabun_400Regular.ttf');
  const compiler = NodeCompiler.create({ fontArgs: [{ fontBlobs: [readFileSync(fontPath)] }] });
  const src = [
    '#set page(paper: "a4")',
    '#set document(title: "หนังสือรับรอง", author: "ekasarn test")',
    '#set text(font: "Sarabun", lang: "th", size: 12pt)',
    '= หนังสือรับรอง',
    'ขอรับรองว่า นางสาวป่าไม้ ใจดี ได้ผ่านการอบรมหลักสูตรการใช้งานเอกสารดิจิทัล',
    '#lorem(250)',
  ].join('\n');
  typstPdf = new Uint8Array(compiler.pdf({ mainFileContent: src }, { pdfStandard: 'a-3b' }));
  return typstPdf;
}

/** Writes bytes to a temp file and returns its path. */
export function tmpFile(name: string, bytes: Uint8Array): string {
  const p = join(workDir, name);
  writeFileSync(p, bytes);
  return p;
}

/** Runs qpdf with `args` on `input`, returning the output file's bytes. */
export function qpdfConvert(input: Uint8Array, args: string[], name: string): Uint8Array {
  const inPath = tmpFile(`${name}-in.pdf`, input);
  const outPath = join(workDir, `${name}.pdf`);
  // qpdf exits 3 for "succeeded with warnings"; treat that as failure too: fixtures must be clean.
  execFileSync('qpdf', [...args, inPath, outPath]);
  return new Uint8Array(readFileSync(outPath));
}

export interface ToolResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], input?: Uint8Array): ToolResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const qpdfCheck = (bytes: Uint8Array, name: string): ToolResult => run('qpdf', ['--check', tmpFile(name, bytes)]);
export const pdfsig = (bytes: Uint8Array, name: string): ToolResult => run('pdfsig', [tmpFile(name, bytes)]);

/** A throwaway self-signed P-256 certificate and key made by openssl (independent of our code). */
export function makeOpensslSigner(): { cert: string; key: string } {
  const key = join(workDir, 'signer.key');
  const cert = join(workDir, 'signer.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key,
    '-out', cert, '-days', '2', '-subj', '/CN=ekasarn pdf test', '-addext', 'extendedKeyUsage=emailProtection'], { stdio: 'ignore' });
  return { cert, key };
}

/** Detached CMS over `data` made by `openssl cms -sign`. */
export function opensslCmsSign(data: Uint8Array, signer: { cert: string; key: string }): Uint8Array {
  const inPath = tmpFile('tbs.bin', data);
  const out = join(workDir, 'sig.der');
  execFileSync('openssl', ['cms', '-sign', '-binary', '-md', 'sha256', '-in', inPath, '-signer', signer.cert, '-inkey', signer.key,
    '-outform', 'DER', '-out', out, '-nosmimecap']);
  return new Uint8Array(readFileSync(out));
}

export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
export const latin1 = (b: Uint8Array): string => new TextDecoder('latin1').decode(b);

/**
 * Builds a small PDF by hand from object bodies (index = object number, 1-based), with a correct classic xref,
 * so tests can craft exact (including hostile) structures.
 */
export function handmadePdf(objects: string[], trailerExtra = '', opts: { rootNum?: number } = {}): Uint8Array {
  let s = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(s.length);
    s += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = s.length;
  s += `xref\n0 ${objects.length + 1}\n0000000000 65535 f\r\n`;
  for (const o of offsets) s += `${String(o).padStart(10, '0')} 00000 n\r\n`;
  s += `trailer\n<< /Size ${objects.length + 1} /Root ${opts.rootNum ?? 1} 0 R ${trailerExtra} >>\nstartxref\n${xref}\n%%EOF\n`;
  return ascii(s);
}

/** Catalog + page tree + one page: objects 1..3, for handmade files. */
export const minimalObjects = (): string[] => [
  '<< /Type /Catalog /Pages 2 0 R >>',
  '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
  '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
];

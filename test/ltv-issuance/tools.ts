/**
 * Checks shared by the long-term-validity issuance suites. The verdicts come from tools that do not use our code
 * (the shared pdf-check script, openssl ts / ocsp / x509, qpdf); our own PDF reader is used only to *locate* bytes
 * (the DSS streams, a token inside /Contents) that those tools then judge.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect } from 'vitest';
import { findSignatureFields, openPdf, readDss } from '../../src/pdf/index.js';
import { signatureTimeStampTokensOf, signatureValueOf } from '../../src/signing/index.js';
import { decodeCertificatesPem } from '../../src/signing/pem.js';
import { bangkokYear } from '../../src/domain/serial.js';
import { currentSerialNumber, listAuditEvents } from '../../src/store/index.js';
import { loadConfig } from '../../src/config.js';
import { openApp, type App } from '../../src/app/open-app.js';
import { PDF_CHECK_SCRIPT, PDFSIG_GOOD, artifact, derElementLength, nssTrusting, pdfsig, scratchDir, tool, type ToolResult } from '../conformance/tools.js';
import type { TestApp } from '../helpers/test-app.js';

export { bundledTypes, qpdfCheck, tool } from '../conformance/tools.js';

/** Where the instance keeps its development PKI files. */
export const keyFile = (t: TestApp, name: string): string => join(t.config.dataDir, 'keys', name);

/** First certificate of a PEM file, as DER. */
export const certificateDer = (pemFile: string): Uint8Array => decodeCertificatesPem(readFileSync(pemFile, 'utf8'))[0]!;

/**
 * Revisions of a PDF counted two ways that must agree: our reader's revision list, and the raw
 * `startxref N %%EOF` section ends in the bytes (an independent count that parses nothing; a bare `%%EOF` is not
 * enough, Typst's embedded CMap resources contain that text too).
 */
export function revisionCount(pdf: Uint8Array): number {
  const ours = openPdf(pdf).revisions.length;
  const ends = Buffer.from(pdf).toString('latin1').match(/startxref\s+\d+\s+%%EOF/g)?.length ?? 0;
  expect(ends, '"startxref N %%EOF" section ends vs our reader').toBe(ours);
  return ours;
}

/** The shared second-opinion checker; returns its report (a result, not a throw, so callers can assert on lines). */
export function pdfCheck(file: string, rootPemFile: string, opts: { expectTimestamp?: boolean; tsaCaFile?: string } = {}): ToolResult {
  if (!existsSync(PDF_CHECK_SCRIPT)) throw new Error(`pdf-check.sh not found at ${PDF_CHECK_SCRIPT}`);
  const args = [PDF_CHECK_SCRIPT, file, rootPemFile];
  if (opts.expectTimestamp) args.push('--expect-timestamp');
  if (opts.tsaCaFile) args.push('--tsa-ca', opts.tsaCaFile);
  return tool('bash', args, { timeoutMs: 120_000 });
}

/** `FAIL …` lines of a pdf-check report. */
export const failedChecks = (report: string): string[] => report.split('\n').filter((l) => l.startsWith('FAIL '));

/**
 * Asserts a pdf-check report is clean. With `unsignedDssTail` (B-LT) one failure is tolerated: pdf-check insists that
 * the *last* signature covers the whole file, while PAdES B-LT by definition ends with an unsigned DSS revision. It is
 * tolerated only when pdf-check itself also reports that everything after the signature is DSS bookkeeping.
 */
export function expectPdfCheckClean(r: ToolResult, opts: { unsignedDssTail?: boolean } = {}): void {
  const failed = failedChecks(r.stdout);
  if (!opts.unsignedDssTail) {
    expect(failed, r.output).toEqual([]);
    expect(r.status, r.output).toBe(0);
    return;
  }
  expect(failed, r.output).toHaveLength(1);
  expect(failed[0], r.output).toMatch(/^FAIL pdfsig-coverage #1 \(Signature1\): Not total document signed;.* byte\(s\) after the last signed range$/);
  expect(r.stdout, r.output).toMatch(/^PASS post-signature-changes: revision ending at \d+: only signature bookkeeping \(obj \d+ \(catalog\) \/DSS\)$/m);
}

/**
 * pdfsig with a throwaway NSS database trusting `rootPem`: the CAdES signature (#1) is valid, trusted and PAdES.
 * With `totalCoverage` its report must also say "Total document signed" (B-B, B-T); for B-LT the DSS revision after
 * the signature is unsigned, and for B-LTA the document timestamp, not the signature, covers the last byte.
 */
export function expectPdfsigGood(file: string, rootPem: string, opts: { totalCoverage: boolean }): string {
  const s = scratchDir('nss');
  try {
    const out = pdfsig(nssTrusting(s.dir, rootPem), file);
    const first = out.split(/^Signature #2:/m)[0]!;
    for (const phrase of PDFSIG_GOOD.filter((p) => p !== 'Total document signed')) expect(first, `pdfsig on ${file}`).toContain(phrase);
    if (opts.totalCoverage) expect(first, `pdfsig on ${file}`).toContain('- Total document signed');
    else expect(first, `pdfsig on ${file}`).toContain('- Not total document signed');
    return out;
  } finally {
    s.remove();
  }
}

export interface TokenVerification {
  kind: 'signature-time-stamp' | 'document-timestamp';
  revision: number;
  ok: boolean;
  output: string;
}

/**
 * `openssl ts -verify` of every RFC 3161 token in the PDF against `tsaRootPem`: each CAdES signature's
 * signature-time-stamp over its signature value, and each document timestamp over its ByteRange bytes. Our code only
 * cuts the bytes out; OpenSSL judges them.
 */
export function opensslTokenResults(pdf: Uint8Array, tsaRootPem: string): TokenVerification[] {
  const s = scratchDir('ts');
  try {
    writeFileSync(join(s.dir, 'root.pem'), tsaRootPem);
    const results: TokenVerification[] = [];
    for (const sig of findSignatureFields(openPdf(pdf))) {
      const der = sig.contents.subarray(0, derElementLength(sig.contents));
      const checks: { kind: TokenVerification['kind']; data: Uint8Array; token: Uint8Array }[] = [];
      if (sig.type === 'Sig') {
        for (const token of signatureTimeStampTokensOf(der)) checks.push({ kind: 'signature-time-stamp', data: signatureValueOf(der), token });
      } else {
        const [a, b, c, d] = sig.byteRange as [number, number, number, number];
        checks.push({ kind: 'document-timestamp', data: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]), token: der });
      }
      for (const ch of checks) {
        const n = results.length;
        writeFileSync(join(s.dir, `data${n}.bin`), ch.data);
        writeFileSync(join(s.dir, `token${n}.der`), ch.token);
        const r = tool('openssl', ['ts', '-verify', '-data', `data${n}.bin`, '-in', `token${n}.der`, '-token_in', '-CAfile', 'root.pem'], { cwd: s.dir });
        results.push({ kind: ch.kind, revision: sig.revision, ok: r.status === 0 && r.stdout.includes('Verification: OK'), output: r.output });
      }
    }
    return results;
  } finally {
    s.remove();
  }
}

/** Asserts every token verifies with OpenSSL; returns how many of each kind there were. */
export function opensslVerifyAllTokens(pdf: Uint8Array, tsaRootPem: string): { signatureTokens: number; documentTokens: number } {
  const results = opensslTokenResults(pdf, tsaRootPem);
  for (const r of results) expect(r.ok, `openssl ts -verify of the ${r.kind} in revision ${r.revision}:\n${r.output}`).toBe(true);
  return {
    signatureTokens: results.filter((r) => r.kind === 'signature-time-stamp').length,
    documentTokens: results.filter((r) => r.kind === 'document-timestamp').length,
  };
}

/** Our reader's DSS (its certificate, CRL and OCSP streams) of the newest revision. */
export const dssOf = (pdf: Uint8Array) => readDss(openPdf(pdf));

/** `openssl ocsp -respin … -resp_text -noverify`: the text OpenSSL reads from one OCSP response. */
export function ocspResponseText(der: Uint8Array): string {
  const s = scratchDir('ocsp');
  try {
    writeFileSync(join(s.dir, 'r.der'), der);
    const r = tool('openssl', ['ocsp', '-respin', 'r.der', '-resp_text', '-noverify'], { cwd: s.dir });
    expect(r.status, r.output).toBe(0);
    return r.output;
  } finally {
    s.remove();
  }
}

/** Hex serial of a PEM certificate as openssl prints it (`serial=…`). */
export function opensslSerial(pemFile: string): string {
  const r = tool('openssl', ['x509', '-in', pemFile, '-noout', '-serial']);
  const m = /serial=([0-9A-Fa-f]+)/.exec(r.stdout);
  if (!m) throw new Error(`openssl x509 -serial: ${r.output}`);
  return m[1]!;
}

/** What a failed issuance must leave untouched: rows, blobs, audit events, the serial counter. */
export async function registrySnapshot(t: TestApp, typeId: string) {
  const db = t.app.database.db;
  const blobs: string[] = [];
  for await (const key of t.app.blobs.list()) blobs.push(key);
  return {
    documents: (await db.selectFrom('documents').select('id').execute()).map((r) => r.id).sort(),
    versions: (await db.selectFrom('document_versions').select(['document_id', 'version']).execute()).length,
    auditEvents: (await listAuditEvents(db, { agencyId: 'demo' })).map((e) => `${e.action} ${e.documentId ?? ''}`),
    serialCounter: await currentSerialNumber(db, 'demo', typeId, bangkokYear(new Date())),
    blobs: blobs.sort(),
  };
}

/** Saves the PDF under test-artifacts/conformance (kept for people to open) and returns the path. */
export const savePdf = (name: string, pdf: Uint8Array): string => artifact(`ltv-${name}.pdf`, pdf);

/** Writes a PEM string to the artifact folder (pdf-check and openssl take files). */
export const savePem = (name: string, pem: string): string => artifact(`ltv-${name}.pem`, pem);

/** A TCP port on 127.0.0.1 that nothing listens on (bound by the kernel's choice, then released). */
export async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/**
 * A second App on an instance's data folder and database with other settings (a different TSA, failure policy,
 * level): same CA, same agency key, same registry, and the instance's running server still answers OCSP for pdfsig.
 * Cheaper than a whole second instance, and the registry snapshot of the instance sees what it writes.
 */
export async function siblingApp(t: TestApp, env: Record<string, string>): Promise<App> {
  return openApp(
    loadConfig({
      EKASARN_DATA: t.config.dataDir,
      EKASARN_PUBLIC_URL: t.config.publicUrl,
      ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}),
      ...env,
    }),
  );
}

/** Runs `fn` and returns what it threw (failing the test if it did not throw) and how long it took. */
export async function rejection(fn: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await fn();
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error('expected a rejection, but it succeeded');
}

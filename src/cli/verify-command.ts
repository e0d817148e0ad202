import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { openApp } from '../app/open-app.js';
import { loadTrustRoots } from '../app/keys.js';
import { SQLITE_FILE_NAME } from '../store/index.js';
import { verifyPdf } from '../verify/index.js';
import type { VerificationReport } from '../verify/report.js';

/**
 * `ekasarn verify`: with a registry at hand (PostgreSQL configured, or an existing SQLite file) the status is checked
 * too; otherwise — a verifier who only has the PDF and the trust roots — it verifies offline and creates nothing.
 */
export async function verifyFromCli(config: Config, pdf: Uint8Array, opts: { offline: boolean; extraTrustPem?: string | undefined }): Promise<VerificationReport> {
  const hasRegistry = config.databaseUrl !== undefined || existsSync(join(config.dataDir, SQLITE_FILE_NAME));
  if (!hasRegistry) return verifyPdf(pdf, { trustRoots: await loadTrustRoots(config, opts.extraTrustPem) });
  const app = await openApp(config, { readOnly: true });
  try {
    return await app.verify(pdf, opts);
  } finally {
    await app.close();
  }
}

/**
 * Exit codes of `ekasarn verify`: 0 VALID — the only answer a script may treat as "genuine"; 1 any other verdict;
 * 2 usage errors (as every command); 3 SPECIMEN — intact, but a training specimen, not an official document. It gets
 * its own code so training scripts can tell "the sandbox works" from "this file is bad", and is non-zero so that
 * nothing that checks `verify && accept` ever accepts a specimen.
 */
export const VERIFY_EXIT = { valid: 0, notValid: 1, usage: 2, specimen: 3 } as const;

export function verifyExitCode(report: Pick<VerificationReport, 'verdict'>): number {
  if (report.verdict === 'VALID') return VERIFY_EXIT.valid;
  if (report.verdict === 'SPECIMEN') return VERIFY_EXIT.specimen;
  return VERIFY_EXIT.notValid;
}

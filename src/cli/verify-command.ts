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

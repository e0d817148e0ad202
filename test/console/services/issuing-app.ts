import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { initProject, openApp, type App } from '../../../src/app/open-app.js';
import type { DialectName } from '../../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/databases.js';

/**
 * The real application (demo agency, bundled types, development CA and signing key) on a fresh database — what
 * test/helpers/test-app.ts builds, without its `ekasarn serve` child process: these tests read the registry rows and
 * never ask the instance's OCSP/CRL addresses, so they need no server (and no dist build).
 */
export function useIssuingApp(dialect: DialectName): () => App {
  let tdb: TestDatabase | undefined;
  let app: App | undefined;
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    const config = loadConfig({
      EKASARN_DATA: tdb.dataDir,
      EKASARN_PUBLIC_URL: 'http://127.0.0.1:9',
      EKASARN_SIGNATURE_LEVEL: 'B-B',
      ...(tdb.databaseUrl ? { DATABASE_URL: tdb.databaseUrl } : {}),
    });
    await initProject(config, { demo: true });
    app = await openApp(config, { integrateAfterChanges: false });
  });
  afterAll(async () => {
    await app?.close();
    await tdb?.destroy();
  });
  return () => {
    if (!app) throw new Error('app not ready');
    return app;
  };
}

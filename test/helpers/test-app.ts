import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { initProject, openApp, type App } from '../../src/app/open-app.js';
import { DEMO_API_KEY_FILE } from '../../src/app/demo.js';
import type { DialectName } from '../../src/store/index.js';
import { createTestDatabase } from './databases.js';

export interface TestApp {
  app: App;
  config: Config;
  /** The demo agency's API key (scopes documents:issue documents:read). */
  apiKey: string;
  /** PEM of the development root the demo signs under. */
  rootPem: string;
  destroy(): Promise<void>;
}

/**
 * A whole ekasarn instance on a fresh database of the given dialect: demo agency, bundled types, development CA and
 * signing key, API key — exactly what `npm start` sets up, in a temporary data folder.
 */
export async function createTestApp(dialect: DialectName, env: Record<string, string> = {}): Promise<TestApp> {
  const tdb = await createTestDatabase(dialect);
  const config = loadConfig({
    EKASARN_DATA: tdb.dataDir,
    EKASARN_PUBLIC_URL: 'http://127.0.0.1:3000',
    ...(tdb.databaseUrl ? { DATABASE_URL: tdb.databaseUrl } : {}),
    ...env,
  });
  await initProject(config, { demo: true });
  const apiKey = (await readFile(join(config.dataDir, DEMO_API_KEY_FILE), 'utf8')).trim();
  const app = await openApp(config);
  return {
    app,
    config,
    apiKey,
    rootPem: app.trustRootsPem(),
    async destroy() {
      await app.close();
      await tdb.destroy();
    },
  };
}

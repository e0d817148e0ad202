import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initProject, openApp, type App } from '../../src/app/open-app.js';
import { loadConfig } from '../../src/config.js';

export interface DemoInstance {
  app: App;
  dataDir: string;
  destroy(): Promise<void>;
}

/** The demo set-up `npm start` makes (SQLite, demo agency, dev CA, TSA and RSA-2048 key) in a fresh temporary folder, issuing at `level`. */
export async function openDemoInstance(level: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA' = 'B-B'): Promise<DemoInstance> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ekasarn-bench-'));
  const config = loadConfig({ EKASARN_DATA: dataDir, EKASARN_PUBLIC_URL: 'https://verify.example.go.th', EKASARN_SIGNATURE_LEVEL: level });
  await initProject(config, { demo: true });
  const app = await openApp(config);
  return {
    app,
    dataDir,
    async destroy() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

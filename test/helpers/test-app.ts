import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { loadConfig, type Config } from '../../src/config.js';
import { initProject, openApp, type App } from '../../src/app/open-app.js';
import { DEMO_API_KEY_FILE } from '../../src/app/demo.js';
import { buildDistOnce } from '../cli/cli-runner.js';
import type { DialectName } from '../../src/store/index.js';
import { createTestDatabase } from './databases.js';

export interface TestApp {
  app: App;
  config: Config;
  /** The demo agency's API key (scopes documents:issue documents:read). */
  apiKey: string;
  /** PEM of the development root the demo signs under. */
  rootPem: string;
  /**
   * The instance's own server (`ekasarn serve`, a separate process on 127.0.0.1 at the public URL): the QR pages and
   * the OCSP/CRL addresses inside its certificates answer, even while a test blocks on a synchronous pdfsig call.
   */
  server: ChildProcess;
  destroy(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the kernel picks it; we release it and bind it again at once). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A whole ekasarn instance on a fresh database of the given dialect: demo agency, bundled types, development CA,
 * time-stamping authority and signing key, API key — exactly what `npm start` sets up, in a temporary data folder,
 * and served on its public URL so the OCSP and CRL addresses inside its certificates answer (poppler's pdfsig asks
 * them, as any real verifier would). Documents are PAdES B-B unless `EKASARN_SIGNATURE_LEVEL` is given.
 */
export async function createTestApp(dialect: DialectName, env: Record<string, string> = {}): Promise<TestApp> {
  const tdb = await createTestDatabase(dialect);
  const port = await freePort();
  const config = loadConfig({
    EKASARN_DATA: tdb.dataDir,
    EKASARN_PUBLIC_URL: `http://127.0.0.1:${port}`,
    EKASARN_SIGNATURE_LEVEL: 'B-B',
    ...(tdb.databaseUrl ? { DATABASE_URL: tdb.databaseUrl } : {}),
    ...env,
  });
  await initProject(config, { demo: true });
  const apiKey = (await readFile(join(config.dataDir, DEMO_API_KEY_FILE), 'utf8')).trim();
  // The log is integrated by the instance's server (every 2 s) or by an explicit publicLog.flush()/integrate().
  const app = await openApp(config, { integrateAfterChanges: false });
  const server = await startServerProcess(config, port, env);
  return {
    app,
    config,
    apiKey,
    rootPem: app.trustRootsPem(),
    server,
    async destroy() {
      await stopServerProcess(server);
      await app.close();
      await tdb.destroy();
    },
  };
}

const REPO_ROOT = join(import.meta.dirname, '..', '..');

async function startServerProcess(config: Config, port: number, env: Record<string, string>): Promise<ChildProcess> {
  await buildDistOnce();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'ekasarn.js'), 'serve'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      EKASARN_DATA: config.dataDir,
      EKASARN_PUBLIC_URL: config.publicUrl,
      EKASARN_LOG: 'off',
      PORT: String(port),
      HOST: '127.0.0.1',
      ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ekasarn serve did not start within 60 s: ${output}`)), 60_000);
    const onData = (b: Buffer) => {
      output += b.toString();
      if (output.includes('ready at')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ekasarn serve exited with ${code}: ${output}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

async function stopServerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

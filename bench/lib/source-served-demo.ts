/**
 * A demo instance with many issued documents, served by `ekasarn serve` running the *current source* (tsx) as a
 * child process on a free loopback port — no `npm run build` needed, so the numbers are about the code in src/.
 * The documents are issued in-process first (real issuance: render, sign, registry rows, log events), then the app
 * is closed and the server opened on the same data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEMO_AGENCY_ID, initProject, openApp } from '../../src/app/open-app.js';
import { loadConfig } from '../../src/config.js';
import { onInterrupt } from './cleanup.js';
import { repoRoot } from './served-demo.js';
import { freePort, stopChild } from './child-process.js';

export const DEMO_TYPE = 'training-certificate';

export interface SourceServedDemo {
  baseUrl: string;
  pid: number;
  dataDir: string;
  agencyId: string;
  typeId: string;
  documentIds: string[];
  issueSeconds: number;
  stop(): Promise<void>;
}

export async function startSourceServedDemo(opts: { documents: number; nodeArgs?: string[]; readyTimeoutMs?: number }): Promise<SourceServedDemo> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ekasarn-bench-status-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // The public URL is fixed before anything is created: the log key is named after it.
  const env: NodeJS.ProcessEnv = { ...process.env, EKASARN_DATA: dataDir, EKASARN_PUBLIC_URL: baseUrl, PORT: String(port), HOST: '127.0.0.1', EKASARN_LOG: 'off', EKASARN_SIGNATURE_LEVEL: 'B-B' };
  let child: ChildProcess | undefined;
  const stop = async () => {
    await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
  };
  const unregister = onInterrupt(stop);
  try {
    const config = loadConfig(env);
    await initProject(config, { demo: true });
    const app = await openApp(config);
    const documentIds: string[] = [];
    const t = performance.now();
    try {
      const data = JSON.parse(await readFile(join(repoRoot, 'types', DEMO_TYPE, 'sample.json'), 'utf8')) as unknown;
      for (let i = 0; i < opts.documents; i++) documentIds.push((await app.issueAsAgency(DEMO_AGENCY_ID, DEMO_TYPE, data, { level: 'B-B' })).document.id);
    } finally {
      await app.close();
    }
    const issueSeconds = (performance.now() - t) / 1000;

    const main = pathToFileURL(join(repoRoot, 'src/cli/main.ts')).href;
    const proc = spawn(
      process.execPath,
      [...(opts.nodeArgs ?? []), '--import', 'tsx', '--input-type=module', '-e', `const m = await import(${JSON.stringify(main)}); process.exitCode = await m.main(['serve']);`],
      { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    let stderr = '';
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    await new Promise<void>((ok, fail) => {
      const ms = opts.readyTimeoutMs ?? 60_000;
      const timer = setTimeout(() => fail(new Error(`server not ready after ${ms} ms: ${stderr}`)), ms);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`server exited early (code ${code}): ${stderr}`));
      });
      let out = '';
      proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('ready at')) {
          clearTimeout(timer);
          ok();
        }
      });
    });
    return {
      baseUrl,
      pid: proc.pid!,
      dataDir,
      agencyId: DEMO_AGENCY_ID,
      typeId: DEMO_TYPE,
      documentIds,
      issueSeconds,
      async stop() {
        unregister();
        await stop();
      },
    };
  } catch (e) {
    unregister();
    await stop();
    throw e;
  }
}

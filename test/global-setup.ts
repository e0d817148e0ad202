import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

/**
 * Vitest global setup: makes a PostgreSQL server available to the integration suites, which run every registry test
 * on SQLite and on PostgreSQL. Tests read the outcome with `inject('postgresUrl')` / `inject('postgresUnavailable')`
 * (provide/inject crosses into the forked workers; see test/helpers/databases.ts).
 *
 * - TEST_DATABASE_URL set (e.g. a CI service container): used as is.
 * - otherwise scripts/test-postgres.sh starts a throwaway local cluster (created once, reused across runs).
 * - PostgreSQL cannot start: with CI set the run fails; locally the PostgreSQL suites are skipped with the reason.
 * The cluster is left running at the end so reruns are fast, and because another test run may be using it;
 * set EKASARN_TEST_PG_STOP=1 to stop it when this run was the one that started it.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test PostgreSQL server ('' when unavailable). */
    postgresUrl: string;
    /** Why PostgreSQL tests are skipped ('' when available). */
    postgresUnavailable: string;
  }
}

const run = promisify(execFile);
const script = fileURLToPath(new URL('../scripts/test-postgres.sh', import.meta.url));

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const fromEnv = process.env.TEST_DATABASE_URL;
  if (fromEnv) {
    project.provide('postgresUrl', fromEnv);
    project.provide('postgresUnavailable', '');
    return;
  }
  let wasRunning = false;
  try {
    wasRunning = await run(script, ['status']).then(
      () => true,
      () => false,
    );
    const { stdout } = await run(script, ['start'], { timeout: 90_000 });
    const url = stdout.trim().split('\n').pop() ?? '';
    if (!url.startsWith('postgres://')) throw new Error(`unexpected output from test-postgres.sh: ${stdout}`);
    project.provide('postgresUrl', url);
    project.provide('postgresUnavailable', '');
    process.env.TEST_DATABASE_URL = url;
  } catch (err) {
    const e = err as Error & { stderr?: string };
    // First line only: it names the cause (missing binary, port taken…); the server log is in /tmp/ekasarn-test-pg.
    const firstLine = (e.stderr || e.message).trim().split('\n')[0] ?? 'unknown error';
    const reason = `PostgreSQL test server could not start: ${firstLine}`;
    if (process.env.CI) throw new Error(`${reason} (CI is set, so PostgreSQL tests may not be skipped)`, { cause: err });
    console.warn(`\n[global-setup] WARNING: ${reason}\n[global-setup] PostgreSQL suites will be skipped.\n`);
    project.provide('postgresUrl', '');
    project.provide('postgresUnavailable', reason);
    return;
  }
  if (!wasRunning && process.env.EKASARN_TEST_PG_STOP === '1') {
    return async () => {
      await run(script, ['stop']);
    };
  }
}

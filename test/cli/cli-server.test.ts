import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { createTestDatabase, dialectUnavailable, type TestDatabase } from '../helpers/databases.js';
import { BIN, buildDistOnce, childEnv, children, cli, killChildren } from './cli-runner.js';

/** `ekasarn start` as `npm start` runs it, and the CLI against PostgreSQL through DATABASE_URL. */

/** A port that was free a moment ago: bind port 0 on 127.0.0.1, read the port, release it. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  await buildDistOnce();
});
afterAll(() => killChildren());

describe('ekasarn start (npm start smoke test) [sqlite]', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'ekasarn-start-'));
  });
  afterAll(() => {
    killChildren();
    rmSync(work, { recursive: true, force: true });
  });

  it('prints "ready", serves the Thai home page and /healthz, and exits 0 within 5 s of SIGTERM', async () => {
    const port = await freePort();
    const started = performance.now();
    // Logging on, as in production: the request log must not break the "ready" banner or shutdown.
    const child = spawn(process.execPath, [BIN, 'start'], {
      cwd: PROJECT_ROOT,
      env: childEnv({ EKASARN_DATA: join(work, 'data'), PORT: String(port), EKASARN_LOG: 'on' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "ready" line within 60 s\nstdout:\n${stdout}\nstderr:\n${stderr}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString('utf8');
        if (/ready at http:\/\/127\.0\.0\.1:\d+/.test(stdout)) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then(({ code }) => {
        clearTimeout(timer);
        reject(new Error(`exited with ${code} before "ready"\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      });
    });
    const readyMs = performance.now() - started;
    expect(stdout).toContain(`ready at http://127.0.0.1:${port}`);
    expect(stdout).toMatch(/demo API key: ek_\S+/);
    expect(stdout).toContain('NOT FOR PRODUCTION');

    const base = `http://127.0.0.1:${port}`;
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await home.text();
    expect(html).toContain('<html lang="th">');
    expect(html).toContain('ระบบออกและตรวจสอบเอกสารราชการดิจิทัล');
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });

    // The key the banner printed issues documents through the running server.
    const key = /demo API key: (ek_\S+)/.exec(stdout)![1]!;
    const example = readFileSync(join(PROJECT_ROOT, 'examples', 'issue-factory-licence.json'), 'utf8');
    const issued = await fetch(`${base}/api/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: example });
    expect(issued.status).toBe(201);

    const stopAt = performance.now();
    child.kill('SIGTERM');
    const result = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5_000))]);
    const stopMs = performance.now() - stopAt;
    expect(result, `still running 5 s after SIGTERM\nstderr:\n${stderr}`).not.toBe('timeout');
    expect(result).toEqual({ code: 0, signal: null });
    // The banner shows the demo key on purpose; the JSON request log lines must not (headers are never logged).
    const logLines = (stdout + stderr).split('\n').filter((l) => l.startsWith('{'));
    expect(logLines.some((l) => l.includes('"url":"/api/v1/documents"'))).toBe(true);
    for (const line of logLines) {
      expect(line).not.toContain(key);
      expect(line.toLowerCase()).not.toContain('bearer');
    }
    console.info(`[start] ready after ${readyMs.toFixed(0)} ms (first run, incl. init), stopped ${stopMs.toFixed(0)} ms after SIGTERM`);
  });
});

const pgReason = dialectUnavailable('postgres');
(pgReason ? describe.skip : describe)(`ekasarn CLI on PostgreSQL${pgReason ? ` — skipped: ${pgReason}` : ''}`, () => {
  let tdb: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    env = { EKASARN_DATA: tdb.dataDir, DATABASE_URL: tdb.databaseUrl! };
  });
  afterAll(async () => {
    await tdb?.destroy();
  });

  it('init --demo, issue and verify through DATABASE_URL; the row lands in PostgreSQL', async () => {
    const init = await cli(['init', '--demo'], env);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('database: postgres');
    const out = join(tdb.dataDir, 'pg.pdf');
    const issue = await cli(['issue', '--type', 'training-certificate', '--data', join(PROJECT_ROOT, 'types', 'training-certificate', 'sample.json'), '--out', out], env);
    expect(issue.code, issue.stderr).toBe(0);
    const id = issue.stdout.trim();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // Looked up directly in PostgreSQL, not through the CLI.
    const row = await tdb.db.selectFrom('documents').select(['id', 'type_id']).where('id', '=', id).executeTakeFirst();
    expect(row).toMatchObject({ id, type_id: 'training-certificate' });
    const verify = await cli(['verify', out, '--json'], env);
    expect(verify.code, verify.stdout).toBe(0);
    const report = JSON.parse(verify.stdout) as { verdict: string; checks: { id: string; status: string }[] };
    expect(report.verdict).toBe('VALID');
    expect(report.checks.find((c) => c.id === 'status.registry')?.status).toBe('passed');
    console.info(`[cli postgres] init ${init.ms.toFixed(0)} ms, issue ${issue.ms.toFixed(0)} ms, verify ${verify.ms.toFixed(0)} ms`);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { buildDistOnce, cli } from './cli-runner.js';

/**
 * A pilot's operator, before the console exists: add a second agency, give it a key, see issuance refused until the
 * agency is entitled to the type, then issue and verify; subscribe a relying party's webhook and remove it.
 */
const dir = mkdtempSync(join(tmpdir(), 'ekasarn-admin-'));
const env = { EKASARN_DATA: dir, EKASARN_PUBLIC_URL: 'http://127.0.0.1:3999' };
const sample = join(PROJECT_ROOT, 'types', 'training-certificate', 'sample.json');

beforeAll(async () => {
  await buildDistOnce();
  expect((await cli(['init', '--demo'], env)).code).toBe(0);
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('agency add → key → refused until entitled → entitle → issue and verify', async () => {
  expect((await cli(['agency', 'add', 'dopa-bangrak', '--name-th', 'สำนักงานเขตบางรัก', '--name-en', 'Bang Rak District Office'], env)).code).toBe(2);
  const add = await cli(
    ['agency', 'add', 'dopa-bangrak', '--name-th', 'สำนักงานเขตบางรัก', '--name-en', 'Bang Rak District Office', '--address-th', '1 ถนนบางรัก แขวงบางรัก เขตบางรัก กรุงเทพมหานคร 10500'],
    env,
  );
  expect(add.code, add.stderr).toBe(0);
  expect((await cli(['keys', 'create', '--agency', 'dopa-bangrak', '--alg', 'P-256'], env)).code).toBe(0);
  const out = join(dir, 'bangrak.pdf');
  const refused = await cli(['issue', '--type', 'training-certificate', '--data', sample, '--agency', 'dopa-bangrak', '--out', out], env);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('is not entitled to issue');
  const entitle = await cli(['agency', 'entitle', 'dopa-bangrak', 'training-certificate'], env);
  expect(entitle.code, entitle.stderr).toBe(0);
  const list = await cli(['agency', 'list'], env);
  expect(list.stdout).toMatch(/^dopa-bangrak\tสำนักงานเขตบางรัก \/ Bang Rak District Office\ttraining-certificate$/m);
  const issued = await cli(['issue', '--type', 'training-certificate', '--data', sample, '--agency', 'dopa-bangrak', '--out', out], env);
  expect(issued.code, issued.stderr).toBe(0);
  const verify = await cli(['verify', out, '--json', '--offline'], env);
  const report = JSON.parse(verify.stdout) as { verdict: string; checks: { id: string; status: string }[] };
  expect(report.verdict).toBe('VALID');
  expect(report.checks.find((c) => c.id === 'issuer.entitled')?.status).toBe('passed');
  expect((await cli(['agency', 'entitle', 'dopa-bangrak', 'no-such-type'], env)).code).toBe(1);

  // Lifecycle from the CLI, with the same validation as the API: a bad reason is named, a good one revokes.
  const id = issued.stdout.trim();
  const bad = await cli(['revoke', id, '--reason', 'because'], env);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('reason must be one of');
  const revoked = await cli(['revoke', id, '--reason', 'issued_in_error', '--note', 'ทดสอบ'], env);
  expect(revoked.code, revoked.stderr).toBe(0);
  expect(revoked.stdout).toContain(`${id}\trevoked\tissued_in_error`);
  const online = JSON.parse((await cli(['verify', out, '--json'], env)).stdout) as { verdict: string };
  expect(online.verdict).toBe('REVOKED');
}, 180_000);

it('webhook add prints the secret once; list shows no secret; remove disables it', async () => {
  const add = await cli(['webhook', 'add', '--agency', 'demo', '--type', 'training-certificate', '--url', 'http://127.0.0.1:9/hook'], env);
  expect(add.code, add.stderr).toBe(0);
  const [line, secretLine] = add.stdout.trim().split('\n');
  const id = line!.split('\t')[0]!;
  expect(secretLine).toMatch(/whsec_/);
  const list = await cli(['webhook', 'list', '--agency', 'demo'], env);
  expect(list.stdout).toContain(`${id}\ttraining-certificate\thttp://127.0.0.1:9/hook\tactive`);
  expect(list.stdout).not.toContain('whsec_');
  expect((await cli(['webhook', 'remove', '--agency', 'demo', id], env)).code).toBe(0);
  expect((await cli(['webhook', 'list', '--agency', 'demo'], env)).stdout).toContain('disabled');
  const bad = await cli(['webhook', 'add', '--agency', 'demo', '--type', 'training-certificate', '--url', 'ftp://x'], env);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('url');
}, 120_000);

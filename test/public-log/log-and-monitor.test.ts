import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { storedHashIndex, verifyProofBundle, type ProofBundle } from '../../src/transparency/index.js';
import { describeEachDialect } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { cli } from '../cli/cli-runner.js';

/**
 * The public log end to end on each database, through the real `ekasarn serve` of the test instance: every issuance
 * and change becomes a leaf, proofs verify with SHA-256 and the published key alone, verification reports the log
 * index, and `ekasarn log monitor` accepts honest growth but raises an alarm when a stored leaf or hash is altered.
 */
describeEachDialect('public transparency log', (dialect) => {
  let t: TestApp;
  let base: string;
  let ids: string[];
  const stateDir = mkdtempSync(join(tmpdir(), 'ekasarn-monitor-'));
  const monitor = (state: string) => cli(['log', 'monitor', `${base}/log`, '--state', join(stateDir, state)], {});

  beforeAll(async () => {
    t = await createTestApp(dialect);
    base = t.config.publicUrl;
    const sample = t.app.types.get('training-certificate')!.sample;
    ids = [];
    for (let i = 0; i < 3; i++) ids.push((await t.app.issueAsAgency('demo', 'training-certificate', sample)).document.id);
    await t.app.changeStatus('revoke', { documentId: ids[0]!, reason: 'issued_in_error' }, 'test');
    await t.app.publicLog.flush();
  }, 180_000);
  afterAll(async () => t?.destroy());

  it('every issuance and change is a leaf; the checkpoint is signed with the published key', async () => {
    const cp = await (await fetch(`${base}/log/checkpoint`)).text();
    const [origin, size] = cp.split('\n');
    expect(origin).toBe(`${new URL(base).host}/log`);
    expect(Number(size)).toBe(4);
    const entries = (await (await fetch(`${base}/log/entries?start=0&end=10`)).json()) as { entries: { index: number; leaf: Record<string, unknown> }[] };
    expect(entries.entries.map((e) => [e.index, e.leaf.kind, e.leaf.documentId])).toEqual([
      [0, 'issued', ids[0]],
      [1, 'issued', ids[1]],
      [2, 'issued', ids[2]],
      [3, 'revoked', ids[0]],
    ]);
    // No personal data in the log: ids, type, digests and codes only.
    const text = JSON.stringify(entries);
    for (const v of ['1103700123458', 'พิมพ์ชนก', 'Pimchanok']) expect(text).not.toContain(v);
  });

  it('GET /log/proof/:id verifies with the key alone, and tampering with it is caught', async () => {
    const key = (await (await fetch(`${base}/log/key`)).text()).trim();
    const bundle = (await (await fetch(`${base}/log/proof/${ids[1]}`)).json()) as ProofBundle;
    const ok = await verifyProofBundle(bundle, key, { documentId: ids[1] });
    expect(ok).toMatchObject({ ok: true, index: 1 });
    const forged = { ...bundle, leaf: { ...bundle.leaf, pdfSha256: '0'.repeat(64) } };
    expect((await verifyProofBundle(forged, key)).ok).toBe(false);
    expect((await fetch(`${base}/log/proof/AAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
    // By index: the revocation leaf of document 0.
    const byIndex = (await (await fetch(`${base}/log/inclusion?index=3`)).json()) as ProofBundle;
    expect(await verifyProofBundle(byIndex, key)).toMatchObject({ ok: true, index: 3, leaf: { kind: 'revoked', documentId: ids[0] } });
    expect((await fetch(`${base}/log/inclusion?index=99`)).status).toBe(404);
  });

  it('verification reports where the issuance is recorded, with the proof checked', async () => {
    const pdf = (await t.app.blobs.get(ids[2]!))!;
    const r = await t.app.verify(pdf);
    expect(r.verdict).toBe('VALID');
    expect(r.log).toMatchObject({ index: 2, pdfMatches: true });
    expect([...r.checks].find((c) => c.id === 'log.inclusion')?.status).toBe('passed');
  });

  it('the monitor accepts honest growth, then alarms when a stored leaf or hash is rewritten', async () => {
    const first = await monitor('a.json');
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout).toContain('checked 4 new entries');
    await t.app.issueAsAgency('demo', 'training-certificate', t.app.types.get('training-certificate')!.sample);
    await t.app.publicLog.flush();
    const second = await monitor('a.json');
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(second.stdout).toContain('consistent with the previous checkpoint (size 4)');
    expect(second.stdout).toContain('checked 1 new entry');

    // Rewrite history: an issued leaf now names another PDF. A fresh monitor downloads it and the root no longer matches.
    const row = await t.app.database.db.selectFrom('log_events').select(['id', 'leaf_json']).where('log_index', '=', 1).executeTakeFirstOrThrow();
    const altered = row.leaf_json!.replace(/"pdfSha256":"[0-9a-f]{64}"/, `"pdfSha256":"${'1'.repeat(64)}"`);
    await t.app.database.db.updateTable('log_events').set({ leaf_json: altered }).where('id', '=', row.id).execute();
    const fresh = await monitor('b.json');
    expect(fresh.code).toBe(3);
    expect(fresh.stderr).toContain('do not hash to the signed root');
    await t.app.database.db.updateTable('log_events').set({ leaf_json: row.leaf_json }).where('id', '=', row.id).execute();

    // Rewrite the stored hash of the subtree of leaves 0–3 (already covered by the monitor's checkpoint): the next
    // checkpoint is built on it, and is no longer an extension of what the monitor saw.
    const idx = storedHashIndex(2, 0);
    const h = await t.app.database.db.selectFrom('log_hashes').select(['idx', 'hash']).where('idx', '=', idx).executeTakeFirstOrThrow();
    await t.app.database.db.updateTable('log_hashes').set({ hash: Buffer.alloc(32, 7) }).where('idx', '=', idx).execute();
    await t.app.issueAsAgency('demo', 'training-certificate', t.app.types.get('training-certificate')!.sample);
    await t.app.publicLog.flush();
    const third = await monitor('a.json');
    expect(third.code, third.stdout + third.stderr).toBe(3);
    expect(third.stderr).toMatch(/ALARM/);
    expect(third.stderr).toContain('not an extension');
    await t.app.database.db.updateTable('log_hashes').set({ hash: h.hash }).where('idx', '=', idx).execute();
  }, 120_000);
});

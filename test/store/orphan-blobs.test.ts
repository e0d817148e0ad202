import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sweepOrphanBlobs } from '../../src/issuance/orphan-blobs.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * A process killed between writing a PDF and committing its row leaves a PDF (with personal data) that no document
 * points to. The sweep removes such blobs and unfinished temporary files once they are old enough, and nothing else.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('sqlite');
}, 180_000);
afterAll(async () => t?.destroy());

it('removes old unreferenced PDFs and temporaries; keeps referenced and young ones', async () => {
  const issued = await t.app.issueAsAgency('demo', 'training-certificate', t.app.types.get('training-certificate')!.sample);
  const orphan = 'OrphanOrphanOrphan0001';
  const young = 'YoungYoungYoungYoung01';
  await t.app.blobs.put(orphan, new TextEncoder().encode('%PDF-orphan'));
  await t.app.blobs.put(young, new TextEncoder().encode('%PDF-young'));
  const root = join(t.config.dataDir, 'blobs');
  const old = new Date(Date.now() - 3_600_000);
  const pathOf = (key: string) => join(root, key.slice(0, 2), key);
  utimesSync(pathOf(orphan), old, old);
  utimesSync(pathOf(issued.document.id), old, old);
  const temp = join(root, orphan.slice(0, 2), `.${orphan}.0123456789ab.tmp`);
  writeFileSync(temp, 'partial');
  utimesSync(temp, old, old);

  const r = await sweepOrphanBlobs(t.app.database.db, t.app.blobs);
  expect(r).toEqual({ removed: [orphan], temporaries: 1 });
  expect(await t.app.blobs.has(orphan)).toBe(false);
  expect(await t.app.blobs.has(young)).toBe(true);
  expect(await t.app.blobs.has(issued.document.id)).toBe(true);
  expect(readdirSync(join(root, orphan.slice(0, 2))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
});

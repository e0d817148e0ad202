/**
 * Issuance is all or nothing. Real failures are provoked at each stage — the signing key unreadable or gone (before
 * rendering), the blob store unwritable (after rendering and signing, inside the transaction, after the serial was
 * allocated), the registry insert refused (after the PDF blob was written) — and each must leave no document row, no
 * blob, no audit event and no consumed serial: the first document that succeeds afterwards is number 1.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { keysDir } from '../../src/app/keys.js';
import { AppError } from '../../src/domain/errors.js';
import { bangkokYear, formatSerial } from '../../src/domain/serial.js';
import { currentSerialNumber, insertDocument, isUniqueViolation, listAuditEvents } from '../../src/store/index.js';
import { bundledTypes } from './tools.js';

const { typeId, sample } = bundledTypes().find((b) => b.typeId === 'training-certificate') ?? bundledTypes()[0]!;

describeEachDialect('issuance is atomic', (dialect) => {
  let t: TestApp;
  let serialPattern: string;
  const agencyKeyFile = () => join(keysDir(t.config), 'agency-demo.key.pem');
  const blobsPath = () => join(t.config.dataDir, 'blobs');

  beforeAll(async () => {
    t = await createTestApp(dialect);
    serialPattern = t.app.types.get(typeId)!.definition.serial.pattern;
  });
  afterAll(async () => {
    await t?.destroy();
  });

  async function snapshot() {
    const db = t.app.database.db;
    const blobs: string[] = [];
    for await (const key of t.app.blobs.list()) blobs.push(key);
    return {
      documents: (await db.selectFrom('documents').select('id').execute()).map((r) => r.id),
      auditEvents: (await listAuditEvents(db, { agencyId: 'demo' })).map((e) => `${e.action} ${e.documentId ?? ''}`),
      serialCounter: await currentSerialNumber(db, 'demo', typeId, bangkokYear(new Date())),
      blobs,
    };
  }

  let before: Awaited<ReturnType<typeof snapshot>>;
  it('starts empty', async () => {
    before = await snapshot();
    expect(before.documents).toEqual([]);
    expect(before.blobs).toEqual([]);
    expect(before.serialCounter).toBe(0);
    expect(before.auditEvents.filter((e) => e.startsWith('document.'))).toEqual([]);
  });

  it('a corrupt signing key file: issuance fails, nothing is written', async () => {
    await t.app.createDevSigningKey('demo', 'RSA-2048'); // also drops the cached signer
    writeFileSync(agencyKeyFile(), '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n');
    await expect(t.app.issueAsAgency('demo', typeId, sample)).rejects.toThrow();
    expect(await snapshot()).toEqual(before);
  });

  it('the signing key files deleted: no_signing_key (503), nothing is written', async () => {
    await t.app.createDevSigningKey('demo', 'RSA-2048');
    rmSync(agencyKeyFile());
    const error = await t.app.issueAsAgency('demo', typeId, sample).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('no_signing_key');
    expect((error as AppError).httpStatus).toBe(503);
    expect(await snapshot()).toEqual(before);
    await t.app.createDevSigningKey('demo', 'RSA-2048');
  });

  it('the blob store unwritable (after render + sign, serial already allocated): rolled back, serial released', async () => {
    // A regular file where the blobs folder should be: mkdir fails even for root, unlike a permission change.
    rmSync(blobsPath(), { recursive: true, force: true });
    writeFileSync(blobsPath(), 'not a folder');
    try {
      await expect(t.app.issueAsAgency('demo', typeId, sample)).rejects.toThrow(/ENOTDIR|EEXIST|not a directory/i);
    } finally {
      rmSync(blobsPath(), { force: true });
      mkdirSync(blobsPath());
    }
    expect(await snapshot()).toEqual(before);
  });

  it('the registry insert refused after the PDF blob was written: the blob is removed too', async () => {
    // Plant a row holding the serial the next issuance will get, so insertDocument hits the unique constraint.
    const db = t.app.database.db;
    const serial = formatSerial(serialPattern, { sequence: 1, year: bangkokYear(new Date()) });
    const blockerId = 'AtomicityBlocker000001';
    await insertDocument(db, {
      id: blockerId, serial, typeId, typeVersion: 1, agencyId: 'demo', subjectKind: 'citizen', subjectId: '0000000000000',
      data: {}, pdfSha256: '0'.repeat(64), pdfSize: 1, issuedAt: new Date(), validUntil: null,
    });
    try {
      const error = await t.app.issueAsAgency('demo', typeId, sample).catch((e: unknown) => e);
      // A unique violation comes from insertDocument, which runs only after blobs.put succeeded.
      expect(isUniqueViolation(error), String(error)).toBe(true);
      const after = await snapshot();
      expect(after.blobs).toEqual([]);
      expect(after.documents).toEqual([blockerId]);
      expect(after.auditEvents).toEqual(before.auditEvents);
      expect(after.serialCounter).toBe(0);
    } finally {
      await db.deleteFrom('documents').where('id', '=', blockerId).execute();
    }
    expect(await snapshot()).toEqual(before);
  });

  it('after all those failures the next document gets serial number 1, then 2; one row, blob and audit event each', async () => {
    const year = bangkokYear(new Date());
    const first = await t.app.issueAsAgency('demo', typeId, sample);
    const second = await t.app.issueAsAgency('demo', typeId, sample);
    expect(first.document.serial).toBe(formatSerial(serialPattern, { sequence: 1, year }));
    expect(first.document.serial).toMatch(/000001/);
    expect(second.document.serial).toBe(formatSerial(serialPattern, { sequence: 2, year }));
    const after = await snapshot();
    expect(after.serialCounter).toBe(2);
    expect(after.documents.sort()).toEqual([first.document.id, second.document.id].sort());
    expect(after.blobs.sort()).toEqual([first.document.id, second.document.id].sort());
    expect(after.auditEvents.filter((e) => e.startsWith('document.'))).toEqual([
      `document.issued ${first.document.id}`,
      `document.issued ${second.document.id}`,
    ]);
    expect((await t.app.verify(first.pdf)).verdict).toBe('VALID');
  });
});

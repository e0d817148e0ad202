import { expect, it } from 'vitest';
import { isForeignKeyViolation, isUniqueViolation } from '../../src/store/db/errors.js';
import { appendAuditEvent, listAuditEvents } from '../../src/store/repos/audit.js';
import { getAgency, listAgencies, upsertAgency } from '../../src/store/repos/agencies.js';
import {
  DocumentTypeVersionConflictError,
  getDocumentType,
  getLatestDocumentType,
  listDocumentTypes,
  upsertDocumentType,
} from '../../src/store/repos/document-types.js';
import {
  findDocumentsByPdfSha256,
  getDocumentById,
  getDocumentByIdempotencyKey,
  getDocumentBySerial,
  insertDocument,
} from '../../src/store/repos/documents.js';
import { currentSerialNumber, nextSerialNumber } from '../../src/store/repos/serials.js';
import { StoreInputError } from '../../src/store/validate.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';
import { AGENCY, documentInput, seedAgencyAndType, sha256, TYPE } from './fixtures.js';

describeEachDialect('repositories', (dialect) => {
  const t = useTestDatabase(dialect);

  it('agencies: upsert inserts then updates names, keeps created_at; get and list read back Thai text', async () => {
    const { db } = t();
    await seedAgencyAndType(db);
    const first = await getAgency(db, AGENCY);
    expect(first?.nameTh).toBe('สำนักงานเขตบางรัก');
    await new Promise((r) => setTimeout(r, 5));
    const updated = await upsertAgency(db, { id: AGENCY, nameTh: 'สำนักงานเขตบางรัก กรุงเทพฯ', nameEn: 'Bang Rak', addressTh: '' });
    expect(updated).toEqual({ ...first, nameTh: 'สำนักงานเขตบางรัก กรุงเทพฯ', nameEn: 'Bang Rak', addressTh: '' });
    await upsertAgency(db, { id: 'aa-first', nameTh: 'ก', nameEn: 'A', addressTh: '' });
    expect((await listAgencies(db)).map((a) => a.id)).toEqual(['aa-first', AGENCY]);
    expect(await getAgency(db, 'no-such-agency')).toBeNull();
  });

  it('agencies: invalid input names the field', async () => {
    const { db } = t();
    await expect(upsertAgency(db, { id: 'Bad Slug!', nameTh: 'x', nameEn: 'x', addressTh: '' })).rejects.toThrow(
      /^agency\.id: expected a slug/,
    );
    await expect(upsertAgency(db, { id: 'ok', nameTh: '  ', nameEn: 'x', addressTh: '' })).rejects.toMatchObject({
      name: 'StoreInputError',
      field: 'agency.nameTh',
    });
  });

  it('document types: same version re-registered identically is a no-op; changed content is refused', async () => {
    const { db } = t();
    const v1 = await getDocumentType(db, TYPE, 1);
    expect(v1?.definition).toEqual({ type: { id: TYPE, version: 1 }, schema: { type: 'object' } });
    expect(v1?.templateSha256).toBe(sha256('template v1'));
    const again = await upsertDocumentType(db, { ...v1!, definition: v1!.definition });
    expect(again).toEqual(v1);
    await expect(upsertDocumentType(db, { ...v1!, templateSha256: sha256('template v1 edited') })).rejects.toBeInstanceOf(
      DocumentTypeVersionConflictError,
    );
    await upsertDocumentType(db, { ...v1!, version: 2, templateSha256: sha256('template v2') });
    expect((await getLatestDocumentType(db, TYPE))?.version).toBe(2);
    expect((await listDocumentTypes(db, { agencyId: AGENCY })).map((x) => x.version)).toEqual([1, 2]);
    expect(await listDocumentTypes(db, { agencyId: 'aa-first' })).toEqual([]);
  });

  it('document types: an unknown agency is a foreign-key violation', async () => {
    const { db } = t();
    const err = await upsertDocumentType(db, {
      typeId: 'other',
      version: 1,
      agencyId: 'nobody',
      nameTh: 'x',
      nameEn: 'x',
      definition: {},
      templateSha256: sha256('x'),
    }).catch((e: unknown) => e);
    expect(isForeignKeyViolation(err)).toBe(true);
  });

  it('documents: insert and read back by id, serial, idempotency key and PDF digest', async () => {
    const { db } = t();
    const input = documentInput({
      idempotencyKey: 'req-0001',
      requestHash: sha256('request'),
      validUntil: new Date('2026-01-15T03:00:00+07:00'),
      issuedAt: '2025-01-15T10:00:00+07:00',
    });
    const inserted = await insertDocument(db, input);
    expect(inserted.issuedAt).toBe('2025-01-15T03:00:00.000Z');
    expect(inserted.validUntil).toBe('2026-01-14T20:00:00.000Z');
    expect(inserted.status).toBe('active');
    const byId = await getDocumentById(db, input.id);
    expect(byId).toEqual(inserted);
    expect(byId?.data).toEqual({ name: 'นายสมชาย ใจดี', address: 'บ้านเลขที่ ๑' });
    expect(await getDocumentBySerial(db, AGENCY, input.serial)).toEqual(inserted);
    expect(await getDocumentByIdempotencyKey(db, AGENCY, 'req-0001')).toEqual(inserted);
    expect(await getDocumentByIdempotencyKey(db, 'aa-first', 'req-0001')).toBeNull();
    expect((await findDocumentsByPdfSha256(db, input.pdfSha256)).map((d) => d.id)).toEqual([input.id]);
    expect(await getDocumentById(db, 'AAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
  });

  it('documents: a repeated (agency, serial) is a unique violation; the same serial at another agency is fine', async () => {
    const { db } = t();
    const first = await insertDocument(db, documentInput());
    const err = await insertDocument(db, documentInput({ serial: first.serial })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(isUniqueViolation(err)).toBe(true);
    // Types are not per-agency in the schema: a nationally defined type may be issued by many offices.
    await upsertAgency(db, { id: 'other-agency', nameTh: 'อื่น', nameEn: 'Other', addressTh: '' });
    await expect(insertDocument(db, documentInput({ serial: first.serial, agencyId: 'other-agency' }))).resolves.toBeTruthy();
  });

  it('documents: a repeated (agency, idempotency key) is a unique violation; many documents without a key are fine', async () => {
    const { db } = t();
    await insertDocument(db, documentInput({ idempotencyKey: 'retry-me' }));
    const err = await insertDocument(db, documentInput({ idempotencyKey: 'retry-me' })).catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    await insertDocument(db, documentInput({ idempotencyKey: null }));
    await insertDocument(db, documentInput({ idempotencyKey: null }));
  });

  it('documents: invalid input is refused before reaching the database, naming the field', async () => {
    const { db } = t();
    const cases: [Record<string, unknown>, string][] = [
      [{ id: '../../etc/passwd' }, 'document.id'],
      [{ subjectKind: 'person' }, 'document.subjectKind'],
      [{ pdfSha256: 'ABC' }, 'document.pdfSha256'],
      [{ pdfSize: 0 }, 'document.pdfSize'],
      [{ issuedAt: '15/01/2568' }, 'document.issuedAt'],
      [{ issuedAt: '2025-01-15T03:00:00' }, 'document.issuedAt'], // no zone: ambiguous
      [{ status: 'deleted' }, 'document.status'],
      [{ data: undefined }, 'document.data'],
      [{ typeVersion: 1.5 }, 'document.typeVersion'],
    ];
    for (const [override, field] of cases) {
      const err = await insertDocument(db, { ...documentInput(), ...override } as never).catch((e: unknown) => e);
      expect(err, field).toBeInstanceOf(StoreInputError);
      expect((err as StoreInputError).field).toBe(field);
    }
  });

  it('documents: a type version that is not registered is a foreign-key violation', async () => {
    const err = await insertDocument(t().db, documentInput({ typeVersion: 99 })).catch((e: unknown) => e);
    expect(isForeignKeyViolation(err)).toBe(true);
  });

  it('serial counters: numbers start at 1 per (agency, type, year) and count up independently', async () => {
    const { db } = t();
    await upsertAgency(db, { id: 'other-agency', nameTh: 'อื่น', nameEn: 'Other', addressTh: '' });
    expect(await currentSerialNumber(db, AGENCY, 'serial-test', 2025)).toBe(0);
    expect(await nextSerialNumber(db, AGENCY, 'serial-test', 2025)).toBe(1);
    expect(await nextSerialNumber(db, AGENCY, 'serial-test', 2025)).toBe(2);
    expect(await nextSerialNumber(db, AGENCY, 'serial-test', 2026)).toBe(1);
    expect(await nextSerialNumber(db, 'other-agency', 'serial-test', 2025)).toBe(1);
    expect(await currentSerialNumber(db, AGENCY, 'serial-test', 2025)).toBe(2);
  });

  it('audit events: append returns increasing ids; details round-trip; filters by agency and document', async () => {
    const { db } = t();
    const a = await appendAuditEvent(db, {
      actor: 'api-key:0123456789abcdef',
      action: 'document.issued',
      agencyId: AGENCY,
      documentId: 'doc-aaaaaaaaaaaaaaaa',
      details: { serial: 'บร 0201/2568/000001', pdfSha256: sha256('x') },
      at: '2025-01-15T03:00:00.000Z',
      source: '127.0.0.1',
    });
    const b = await appendAuditEvent(db, { actor: 'cli', action: 'agency.updated', agencyId: AGENCY });
    expect(b).toBeGreaterThan(a);
    const byDoc = await listAuditEvents(db, { documentId: 'doc-aaaaaaaaaaaaaaaa' });
    expect(byDoc).toEqual([
      {
        id: a,
        at: '2025-01-15T03:00:00.000Z',
        actor: 'api-key:0123456789abcdef',
        action: 'document.issued',
        agencyId: AGENCY,
        documentId: 'doc-aaaaaaaaaaaaaaaa',
        details: { serial: 'บร 0201/2568/000001', pdfSha256: sha256('x') },
        source: '127.0.0.1',
      },
    ]);
    const byAgency = await listAuditEvents(db, { agencyId: AGENCY });
    expect(byAgency.map((e) => e.id)).toEqual([a, b]);
    expect(byAgency[1]?.details).toEqual({});
    await expect(appendAuditEvent(db, { actor: 'cli', action: 'Not An Action', agencyId: AGENCY })).rejects.toMatchObject({
      field: 'auditEvent.action',
    });
  });
});

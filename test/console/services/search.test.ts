import { randomBytes, createHash } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { ActingOfficer } from '../../../src/console/services/acting-officer.js';
import { searchDocuments } from '../../../src/console/services/search.js';
import { loadTypes, type LoadedType } from '../../../src/doctypes/load-types.js';
import type { FieldError } from '../../../src/doctypes/field-errors.js';
import { PROJECT_ROOT } from '../../../src/config.js';
import { insertDocument, upsertAgency, upsertDocumentType } from '../../../src/store/index.js';
import { describeEachDialect, useTestDatabase } from '../../helpers/databases.js';
import { addOfficer, expectAppError, inSandbox } from './fixtures.js';

const A = 'dopa-bangrak';
const B = 'dopa-dusit';
const sha = () => createHash('sha256').update(randomBytes(8)).digest('hex');
const id = () => randomBytes(16).toString('base64url');

const cert = (citizenId: string, title: string, first: string, last: string, course = 'หลักสูตรทั่วไป') => ({
  citizen_id: citizenId,
  title_th: title,
  first_name_th: first,
  last_name_th: last,
  first_name_en: 'X',
  last_name_en: 'Y',
  course_th: course,
  completed_on: '2025-01-10',
  result: 'ผ่าน',
});

describeEachDialect('console document search', (dialect) => {
  const t = useTestDatabase(dialect);
  let types: Map<string, LoadedType>;
  let officerA: ActingOfficer;
  let officerB: ActingOfficer;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const { db } = t();
    types = await loadTypes(join(PROJECT_ROOT, 'types'));
    for (const agency of [A, B]) await upsertAgency(db, { id: agency, nameTh: `สำนักงาน ${agency}`, nameEn: agency, addressTh: '' });
    for (const ty of types.values()) {
      await upsertDocumentType(db, {
        typeId: ty.definition.id,
        version: ty.definition.version,
        agencyId: A,
        nameTh: ty.definition.name.th,
        nameEn: ty.definition.name.en,
        definition: { type: ty.definition, schema: ty.schema },
        templateSha256: ty.templateSha256,
      });
    }
    const doc = async (key: string, agencyId: string, serial: string, data: Record<string, unknown>, issuedAt: string, typeId = 'training-certificate', status?: 'revoked') => {
      const def = types.get(typeId)!.definition;
      ids[key] = id();
      await insertDocument(db, {
        id: ids[key]!,
        serial,
        typeId,
        typeVersion: 1,
        agencyId,
        subjectKind: def.subject.kind,
        subjectId: String(data[def.subject.idField]),
        data,
        pdfSha256: sha(),
        pdfSize: 1000,
        issuedAt,
        ...(status ? { status } : {}),
      });
    };
    // 00:30 on 15 Jan in Bangkok, and one minute before midnight on 14 Jan in Bangkok.
    await doc('pim', A, 'ฝอ. 2568/000001', cert('1103700123458', 'นางสาว', 'พิมพ์ชนก', 'ผู้มีทรัพย์'), '2025-01-14T17:30:00.000Z');
    await doc('somchai', A, 'ฝอ. 2568/000002', cert('1101700230708', 'นาย', 'สมชาย', 'ใจดี'), '2025-01-14T16:59:00.000Z');
    // "พิมพ์ชนก" appears in this one's course, not in the name: a name search must not find it.
    await doc('course', A, 'ฝอ. 2568/000003', cert('3100600445660', 'นาง', 'มาลี', 'สุขใจ', 'อบรมโดยวิทยากร พิมพ์ชนก'), '2025-02-01T03:00:00.000Z', 'training-certificate', 'revoked');
    await doc('underscore', A, 'รง.4 000001/2568', {
      juristic_id: '0105556012341',
      company_th: 'บริษัท ก_ข จำกัด',
      factory_name_th: 'โรงงาน',
      kind_th: 'ผลิต',
      address_th: 'ที่อยู่',
      province_th: 'ภูเก็ต',
      horsepower: 10,
      workers: 5,
      issued_on: '2025-01-15',
      valid_until: '2030-01-14',
    }, '2025-03-01T03:00:00.000Z', 'factory-licence');
    await doc('other', B, 'ฝอ. 2568/000001', cert('1103700123458', 'นางสาว', 'พิมพ์ชนก', 'ผู้มีทรัพย์'), '2025-01-15T03:00:00.000Z');
    // A training specimen of agency A (sandbox).
    ids.specimen = id();
    await db
      .insertInto('specimens')
      .values({ id: ids.specimen, agency_id: A, type_id: 'training-certificate', type_version: 1, serial: 'SPECIMEN-1', data_json: JSON.stringify(cert('1103700123458', 'นางสาว', 'ทดลอง', 'ฝึกหัด')), pdf_sha256: sha(), pdf_size: 10, blob_key: ids.specimen, issued_by: 'user:x', draft_id: null, created_at: '2025-01-20T03:00:00.000Z' })
      .execute();
    officerA = await addOfficer(db, { agencyId: A, roles: ['auditor'], name: 'ผู้ตรวจ A' });
    officerB = await addOfficer(db, { agencyId: B, roles: ['issuing_officer'], name: 'เจ้าหน้าที่ B' });
  });

  const found = async (officer: ActingOfficer, filters: Record<string, unknown>) => {
    const r = await searchDocuments(t().db, officer, filters, types);
    expect(r.total).toBe(r.rows.length);
    return r.rows.map((row) => Object.entries(ids).find(([, v]) => v === row.id)?.[0] ?? row.id).sort();
  };

  it('by serial (substring) and by subject id (exact, also as printed with dashes)', async () => {
    expect(await found(officerA, { serial: 'ฝอ. 2568/000002' })).toEqual(['somchai']);
    expect(await found(officerA, { serial: '000001' })).toEqual(['pim', 'underscore']);
    expect(await found(officerA, { subjectId: '1103700123458' })).toEqual(['pim']);
    expect(await found(officerA, { subjectId: '1-1037-00123-45-8' })).toEqual(['pim']);
    expect(await found(officerA, { subjectId: '110370012345' })).toEqual([]);
  });

  it('by Thai name: any part of the subject name fields, spaces ignored; other fields do not match', async () => {
    expect(await found(officerA, { name: 'พิมพ์ชนก' })).toEqual(['pim']);
    expect(await found(officerA, { name: 'นางสาวพิมพ์ชนก' })).toEqual(['pim']);
    expect(await found(officerA, { name: 'พิมพ์ชนก ผู้มีทรัพย์' })).toEqual(['pim']);
    expect(await found(officerA, { name: 'ผู้มีทรัพย์' })).toEqual(['pim']);
    expect(await found(officerA, { name: 'มาลี' })).toEqual(['course']);
    const [row] = (await searchDocuments(t().db, officerA, { name: 'พิมพ์ชนก' }, types)).rows;
    expect(row).toEqual({
      id: ids.pim,
      serial: 'ฝอ. 2568/000001',
      typeId: 'training-certificate',
      typeVersion: 1,
      subjectId: '1103700123458',
      subjectName: 'นางสาว พิมพ์ชนก ผู้มีทรัพย์',
      status: 'active',
      issuedAt: '2025-01-14T17:30:00.000Z',
      validUntil: null,
    });
  });

  it('LIKE wildcards in the query are literal: "_" and "%" match only themselves', async () => {
    expect(await found(officerA, { name: 'ก_ข' })).toEqual(['underscore']);
    expect(await found(officerA, { name: '_' })).toEqual(['underscore']);
    expect(await found(officerA, { name: '%' })).toEqual([]);
    expect(await found(officerA, { serial: '%' })).toEqual([]);
    // The juristic type's name field (company_th) is searched too.
    expect(await found(officerA, { name: 'บริษัท' })).toEqual(['underscore']);
  });

  it('by Bangkok calendar days (inclusive), status and type', async () => {
    expect(await found(officerA, { from: '2025-01-15', to: '2025-01-15' })).toEqual(['pim']);
    expect(await found(officerA, { from: '2025-01-14', to: '2025-01-14' })).toEqual(['somchai']);
    expect(await found(officerA, { from: '2025-01-14', to: '2025-02-01' })).toEqual(['course', 'pim', 'somchai']);
    expect(await found(officerA, { from: '2025-02-02' })).toEqual(['underscore']);
    expect(await found(officerA, { to: '2025-01-14' })).toEqual(['somchai']);
    expect(await found(officerA, { status: 'revoked' })).toEqual(['course']);
    expect(await found(officerA, { status: 'active', typeId: 'training-certificate' })).toEqual(['pim', 'somchai']);
    expect(await found(officerA, { typeId: 'factory-licence' })).toEqual(['underscore']);
  });

  it('newest first with limit/offset paging and a total', async () => {
    const db = t().db;
    const p1 = await searchDocuments(db, officerA, { limit: 2 }, types);
    const p2 = await searchDocuments(db, officerA, { limit: 2, offset: '2' }, types);
    expect(p1.total).toBe(4);
    expect(p2.total).toBe(4);
    expect([...p1.rows, ...p2.rows].map((r) => r.issuedAt)).toEqual([
      '2025-03-01T03:00:00.000Z',
      '2025-02-01T03:00:00.000Z',
      '2025-01-14T17:30:00.000Z',
      '2025-01-14T16:59:00.000Z',
    ]);
  });

  it("never crosses agencies: B's officer finds only B's document with the same serial, name and id", async () => {
    expect(await found(officerB, { serial: 'ฝอ. 2568/000001' })).toEqual(['other']);
    expect(await found(officerB, { name: 'พิมพ์ชนก' })).toEqual(['other']);
    expect(await found(officerB, { subjectId: '1103700123458' })).toEqual(['other']);
    expect(await found(officerB, { serial: '000002' })).toEqual([]);
    expect(await found(officerA, { from: '2025-01-15', to: '2025-01-15' })).not.toContain('other');
  });

  it('sandbox mode searches the specimens only, with status "specimen"', async () => {
    const sandbox = inSandbox(officerA);
    expect(await found(sandbox, {})).toEqual(['specimen']);
    expect(await found(sandbox, { name: 'ทดลอง' })).toEqual(['specimen']);
    expect(await found(sandbox, { name: 'พิมพ์ชนก' })).toEqual([]);
    expect(await found(sandbox, { subjectId: '1103700123458' })).toEqual(['specimen']);
    expect(await found(sandbox, { status: 'active' })).toEqual([]);
    const [row] = (await searchDocuments(t().db, sandbox, { status: 'specimen' }, types)).rows;
    expect(row).toMatchObject({ id: ids.specimen, status: 'specimen', subjectName: 'นางสาว ทดลอง ฝึกหัด', subjectId: '1103700123458', serial: 'SPECIMEN-1' });
    expect(await found(inSandbox(officerB), {})).toEqual([]);
  });

  it('every filter is checked, with the field named', async () => {
    const db = t().db;
    const cases: [Record<string, unknown>, string][] = [
      [{ from: '2025-02-30' }, 'from'],
      [{ to: '15/01/2568' }, 'to'],
      [{ from: '2025-02-01', to: '2025-01-01' }, 'to'],
      [{ status: 'bogus' }, 'status'],
      [{ typeId: 'Not A Type' }, 'typeId'],
      [{ limit: 0 }, 'limit'],
      [{ limit: 201 }, 'limit'],
      [{ offset: -1 }, 'offset'],
      [{ name: 'ก'.repeat(201) }, 'name'],
      [{ serial: 42 }, 'serial'],
    ];
    for (const [filters, field] of cases) {
      const err = await expectAppError(searchDocuments(db, officerA, filters, types), 422, 'invalid_input');
      expect((err.details as FieldError[])[0]!.field).toBe(field);
    }
    await expectAppError(searchDocuments(db, { ...officerA, roles: [] }, {}, types), 403, 'forbidden');
  });
});

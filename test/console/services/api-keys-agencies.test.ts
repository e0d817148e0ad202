import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { ActingOfficer } from '../../../src/console/services/acting-officer.js';
import { createAgency, listAgencies } from '../../../src/console/services/agencies.js';
import { API_KEY_SCOPES, createAgencyApiKey, listApiKeys, revokeApiKey } from '../../../src/console/services/api-keys.js';
import { PROJECT_ROOT } from '../../../src/config.js';
import { loadTypes, type LoadedType } from '../../../src/doctypes/load-types.js';
import type { FieldError } from '../../../src/doctypes/field-errors.js';
import { authenticateApiKey, getDocumentType, isEntitled, listAuditEvents, upsertAgency } from '../../../src/store/index.js';
import { describeEachDialect, useTestDatabase } from '../../helpers/databases.js';
import { addOfficer, expectAppError } from './fixtures.js';

const A = 'keys-a';
const B = 'keys-b';

describeEachDialect('console API keys and agencies', (dialect) => {
  const t = useTestDatabase(dialect);
  let types: Map<string, LoadedType>;
  let adminA: ActingOfficer;
  let adminB: ActingOfficer;
  let officerA: ActingOfficer;
  let sysadmin: ActingOfficer;

  beforeAll(async () => {
    const { db } = t();
    types = await loadTypes(join(PROJECT_ROOT, 'types'));
    for (const id of [A, B]) await upsertAgency(db, { id, nameTh: id, nameEn: id, addressTh: '' });
    adminA = await addOfficer(db, { agencyId: A, roles: ['agency_admin'], name: 'ผู้ดูแล A' });
    adminB = await addOfficer(db, { agencyId: B, roles: ['agency_admin'], name: 'ผู้ดูแล B' });
    officerA = await addOfficer(db, { agencyId: A, roles: ['issuing_officer', 'approving_officer', 'auditor'], name: 'เจ้าหน้าที่ A' });
    sysadmin = { ...(await addOfficer(db, { agencyId: A, roles: [], name: 'ผู้ดูแลระบบกลาง' })), systemAdmin: true };
  });

  it('key lifecycle: the secret is shown once and authenticates; listed without secret or hash; revoked keys stop working', async () => {
    const db = t().db;
    const created = await createAgencyApiKey(db, adminA, { label: ' ระบบทะเบียน ', scopes: ['documents:issue', 'documents:read'] });
    expect(created.label).toBe('ระบบทะเบียน');
    expect(await authenticateApiKey(db, created.secret)).toEqual({ keyId: created.id, agencyId: A, scopes: ['documents:issue', 'documents:read'] });

    const listed = await listApiKeys(db, adminA);
    expect(listed).toEqual([{ id: created.id, agencyId: A, label: 'ระบบทะเบียน', scopes: ['documents:issue', 'documents:read'], createdAt: created.createdAt, revokedAt: null }]);
    expect(JSON.stringify(listed)).not.toContain(created.secret.slice(20));
    expect(await listApiKeys(db, adminB)).toEqual([]);

    // Another agency's administrator cannot revoke it: 404, like an unknown id.
    await expectAppError(revokeApiKey(db, adminB, created.id), 404, 'not_found');
    await expectAppError(revokeApiKey(db, adminA, '0000000000000000'), 404, 'not_found');
    expect(await authenticateApiKey(db, created.secret)).not.toBeNull();

    const revoked = await revokeApiKey(db, adminA, created.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect(await authenticateApiKey(db, created.secret)).toBeNull();
    // Revoking again answers the key unchanged and records nothing new.
    expect((await revokeApiKey(db, adminA, created.id)).revokedAt).toBe(revoked.revokedAt);

    const events = (await listAuditEvents(db, { agencyId: A })).filter((e) => e.action.startsWith('api-key.'));
    expect(events.map((e) => [e.action, e.actor, e.source])).toEqual([
      ['api-key.created', `user:${adminA.userId}`, '203.0.113.7'],
      ['api-key.revoked', `user:${adminA.userId}`, '203.0.113.7'],
    ]);
    expect(events[0]!.details).toEqual({ keyId: created.id, scopes: ['documents:issue', 'documents:read'] });
    expect(JSON.stringify(events)).not.toContain(created.secret.slice(20));
  });

  it('scopes come from the fixed list; label is required; only agency administrators manage keys', async () => {
    const db = t().db;
    expect(API_KEY_SCOPES).toEqual(['documents:issue', 'documents:read', 'documents:status', 'webhooks:manage']);
    const field = async (input: { label: unknown; scopes: unknown }) =>
      ((await expectAppError(createAgencyApiKey(db, adminA, input), 422, 'invalid_input')).details as FieldError[])[0]!.field;
    expect(await field({ label: 'x', scopes: ['documents:issue', 'admin:everything'] })).toBe('scopes[1]');
    expect(await field({ label: 'x', scopes: [] })).toBe('scopes');
    expect(await field({ label: 'x', scopes: 'documents:issue' })).toBe('scopes');
    expect(await field({ label: '  ', scopes: ['documents:read'] })).toBe('label');
    expect(await field({ label: 'a'.repeat(201), scopes: ['documents:read'] })).toBe('label');
    for (const call of [
      () => listApiKeys(db, officerA),
      () => createAgencyApiKey(db, officerA, { label: 'x', scopes: ['documents:read'] }),
      () => revokeApiKey(db, officerA, '0000000000000000'),
    ]) {
      const err = await expectAppError(call(), 403, 'forbidden');
      expect(err.text.en).toContain('agency administrator');
    }
  });

  it('agencies: system administrators only; a new agency is entitled to the bundled types and audited', async () => {
    const db = t().db;
    await expectAppError(listAgencies(db, adminA), 403, 'forbidden');
    await expectAppError(createAgency(db, adminA, { id: 'x', nameTh: 'x', nameEn: 'x', addressTh: '' }, types), 403, 'forbidden');

    const agency = await createAgency(db, sysadmin, { id: 'dopa-dusit', nameTh: 'สำนักงานเขตดุสิต', nameEn: 'Dusit District Office', addressTh: 'ถนนพิษณุโลก' }, types);
    expect(agency).toMatchObject({ id: 'dopa-dusit', nameTh: 'สำนักงานเขตดุสิต', nameEn: 'Dusit District Office', addressTh: 'ถนนพิษณุโลก' });
    expect((await listAgencies(db, sysadmin)).map((a) => a.id)).toEqual([A, B, 'dopa-dusit'].sort());
    for (const typeId of types.keys()) {
      expect(await isEntitled(db, 'dopa-dusit', typeId)).toBe(true);
      expect(await getDocumentType(db, typeId, 1)).not.toBeNull();
    }
    const [event] = await listAuditEvents(db, { agencyId: 'dopa-dusit' });
    expect(event).toMatchObject({ action: 'agency.created', actor: `user:${sysadmin.userId}`, details: { agencyId: 'dopa-dusit' } });

    // A second agency with the same types: registering the (shared) type versions again must not conflict.
    await createAgency(db, sysadmin, { id: 'dopa-pathumwan', nameTh: 'สำนักงานเขตปทุมวัน', nameEn: 'Pathum Wan District Office', addressTh: '' }, types);
    expect(await isEntitled(db, 'dopa-pathumwan', 'factory-licence')).toBe(true);

    await expectAppError(createAgency(db, sysadmin, { id: 'dopa-dusit', nameTh: 'ซ้ำ', nameEn: 'Dup', addressTh: '' }, types), 409, 'agency_exists');
    expect((await listAgencies(db, sysadmin)).find((a) => a.id === 'dopa-dusit')!.nameTh).toBe('สำนักงานเขตดุสิต');

    const err = await expectAppError(createAgency(db, sysadmin, { id: 'Bad Id!', nameTh: '', nameEn: 'x', addressTh: 7 }, types), 422, 'invalid_input');
    expect((err.details as FieldError[]).map((d) => d.field)).toEqual(['id', 'nameTh', 'addressTh']);
  });
});

import { expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors.js';
import {
  grantTypeEntitlement,
  isApprovalRequired,
  listAgencyTypeSettings,
  listAuditEvents,
  setApprovalRequired,
  upsertAgency,
} from '../../../src/store/index.js';
import { describeEachDialect, useTestDatabase } from '../../helpers/databases.js';
import { AGENCY } from './fixtures.js';

describeEachDialect('per-agency type settings: approval required (maker-checker)', (dialect) => {
  const t = useTestDatabase(dialect);

  it('round-trips on the entitlement, audits each change (not repeats), and is per agency', async () => {
    const { db } = t();
    await upsertAgency(db, AGENCY);
    await upsertAgency(db, { id: 'second-agency', nameTh: 'หน่วยงานที่สอง', nameEn: 'Second agency', addressTh: '' });
    for (const typeId of ['factory-licence', 'training-certificate']) await grantTypeEntitlement(db, AGENCY.id, typeId);
    await grantTypeEntitlement(db, 'second-agency', 'factory-licence');

    expect(await isApprovalRequired(db, AGENCY.id, 'factory-licence')).toBe(false);
    expect(await setApprovalRequired(db, AGENCY.id, 'factory-licence', true, 'user:admin-1', '198.51.100.4')).toEqual({ approvalRequired: true, changed: true });
    expect(await setApprovalRequired(db, AGENCY.id, 'factory-licence', true, 'user:admin-1')).toEqual({ approvalRequired: true, changed: false });
    expect(await isApprovalRequired(db, AGENCY.id, 'factory-licence')).toBe(true);
    expect(await isApprovalRequired(db, 'second-agency', 'factory-licence')).toBe(false);
    expect(await isApprovalRequired(db, AGENCY.id, 'not-entitled-type')).toBe(false);

    const settings = await listAgencyTypeSettings(db, AGENCY.id);
    expect(settings.map((s) => [s.typeId, s.approvalRequired])).toEqual([
      ['factory-licence', true],
      ['training-certificate', false],
    ]);
    expect(settings[0]!.grantedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    expect(await setApprovalRequired(db, AGENCY.id, 'factory-licence', false, 'user:admin-2')).toEqual({ approvalRequired: false, changed: true });
    expect(await isApprovalRequired(db, AGENCY.id, 'factory-licence')).toBe(false);

    const events = (await listAuditEvents(db, { agencyId: AGENCY.id })).filter((e) => e.action === 'type.approval-changed');
    expect(events.map((e) => [e.actor, e.source, e.details])).toEqual([
      ['user:admin-1', '198.51.100.4', { typeId: 'factory-licence', approvalRequired: true }],
      ['user:admin-2', null, { typeId: 'factory-licence', approvalRequired: false }],
    ]);
  });

  it('refuses a type the agency is not entitled to (404 not_entitled), and bad input by field', async () => {
    const { db } = t();
    const e = await setApprovalRequired(db, AGENCY.id, 'never-granted', true, 'user:admin-1').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(AppError);
    expect([(e as AppError).code, (e as AppError).httpStatus]).toEqual(['not_entitled', 404]);
    await expect(setApprovalRequired(db, 'Bad Agency', 'factory-licence', true, 'user:x')).rejects.toMatchObject({ field: 'typeSetting.agencyId' });
    await expect(setApprovalRequired(db, AGENCY.id, 'factory-licence', 'yes' as unknown as boolean, 'user:x')).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

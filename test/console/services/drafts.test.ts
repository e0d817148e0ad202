import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { createAgency } from '../../../src/console/services/agencies.js';
import type { ActingOfficer } from '../../../src/console/services/acting-officer.js';
import {
  approveDraft,
  createDraft,
  getDraft,
  listDrafts,
  rejectDraft,
  submitDraft,
  updateDraft,
  type DraftDeps,
  type LiveIssueRequest,
} from '../../../src/console/services/drafts.js';
import { DEMO_AGENCY_ID } from '../../../src/app/demo.js';
import type { FieldError } from '../../../src/doctypes/field-errors.js';
import { describeEachDialect } from '../../helpers/databases.js';
import { addOfficer, approvalRequired, expectAppError, inSandbox, setApproval, testSpecimenIssuer } from './fixtures.js';
import { useIssuingApp } from './issuing-app.js';

const TYPE = 'training-certificate';
const A = DEMO_AGENCY_ID;
const B = 'other-office';

const person = (citizenId = '1103700123458', first = 'พิมพ์ชนก') => ({
  citizen_id: citizenId,
  title_th: 'นางสาว',
  first_name_th: first,
  last_name_th: 'ผู้มีทรัพย์',
  first_name_en: 'Pimchanok',
  last_name_en: 'Phumisap',
  course_th: 'การคุ้มครองข้อมูลส่วนบุคคล',
  completed_on: '2025-01-15',
  result: 'ผ่าน',
});

describeEachDialect('console drafts and maker-checker', (dialect) => {
  const app = useIssuingApp(dialect);
  let deps: DraftDeps;
  let live: LiveIssueRequest[];
  let specimens: ReturnType<typeof testSpecimenIssuer>;
  let drafter: ActingOfficer;
  let drafter2: ActingOfficer;
  let approver: ActingOfficer;
  let approver2: ActingOfficer;
  let both: ActingOfficer;
  let auditor: ActingOfficer;
  let otherAgency: ActingOfficer;

  beforeAll(async () => {
    const { db } = app().database;
    live = [];
    specimens = testSpecimenIssuer(db);
    deps = {
      db,
      types: app().types,
      // The real issuance (issueDocument through the app), as the lead wires it.
      issueLive: async (req) => {
        live.push(req);
        const r = await app().issueAsAgency(req.agencyId, req.typeId, req.data, { idempotencyKey: req.idempotencyKey });
        return { documentId: r.document.id, serial: r.document.serial };
      },
      issueSpecimen: specimens.issueSpecimen,
      isApprovalRequired: (agencyId, typeId) => approvalRequired(db, agencyId, typeId),
    };
    drafter = await addOfficer(db, { agencyId: A, roles: ['issuing_officer'], name: 'สมศรี ผู้จัดทำ' });
    drafter2 = await addOfficer(db, { agencyId: A, roles: ['issuing_officer'], name: 'สมหญิง ผู้จัดทำสอง' });
    approver = await addOfficer(db, { agencyId: A, roles: ['approving_officer'], name: 'สมชาย ผู้อนุมัติ' });
    approver2 = await addOfficer(db, { agencyId: A, roles: ['approving_officer'], name: 'สมปอง ผู้อนุมัติสอง' });
    both = await addOfficer(db, { agencyId: A, roles: ['issuing_officer', 'approving_officer'], name: 'สองบทบาท' });
    auditor = await addOfficer(db, { agencyId: A, roles: ['auditor'], name: 'ผู้ตรวจ' });
    const sysadmin: ActingOfficer = { userId: 'root', agencyId: A, roles: [], mode: 'live', source: null, systemAdmin: true };
    await createAgency(db, sysadmin, { id: B, nameTh: 'สำนักงานอื่น', nameEn: 'Other Office', addressTh: '' }, app().types);
    otherAgency = await addOfficer(db, { agencyId: B, roles: ['issuing_officer', 'approving_officer', 'auditor', 'agency_admin'], name: 'เจ้าหน้าที่ B' });
    await setApproval(db, A, TYPE, true);
  });

  it('maker-checker: draft → submitted → approved gives a real, signed document row; audit events hold no personal data', async () => {
    const { db } = app().database;
    const draft = await createDraft(deps, drafter, { typeId: TYPE, data: person() });
    expect(draft).toMatchObject({ state: 'draft', mode: 'live', agencyId: A, typeId: TYPE, typeVersion: 1, createdBy: drafter.userId });

    const submitted = await submitDraft(deps, drafter, draft.id);
    expect(submitted.state).toBe('submitted');
    expect(submitted.issued).toBeNull();
    expect(live).toHaveLength(0);

    const before = live.length;
    const approved = await approveDraft(deps, approver, draft.id);
    expect(live.length - before).toBe(1);
    expect(approved.state).toBe('issued');
    expect(approved.decidedBy).toBe(approver.userId);
    expect(approved.decidedByName).toBe('สมชาย ผู้อนุมัติ');
    expect(approved.createdByName).toBe('สมศรี ผู้จัดทำ');
    expect(approved.documentId).toBe(approved.issued!.documentId);

    const doc = await db.selectFrom('documents').selectAll().where('id', '=', approved.documentId!).executeTakeFirstOrThrow();
    expect(doc).toMatchObject({ agency_id: A, type_id: TYPE, status: 'active', subject_id: '1103700123458', serial: approved.issued!.serial });
    expect(JSON.parse(doc.data_json)).toEqual(person());
    // The signed PDF is really there and well-formed (qpdf, independent of our reader).
    const pdf = await app().blobs.get(doc.id);
    const dir = mkdtempSync(join(tmpdir(), 'ekasarn-draft-'));
    try {
      writeFileSync(join(dir, 'd.pdf'), pdf!);
      const check = spawnSync('qpdf', ['--check', join(dir, 'd.pdf')], { encoding: 'utf8' });
      expect(check.status, check.stdout + check.stderr).toBe(0);
      const sig = spawnSync('pdfsig', [join(dir, 'd.pdf')], { encoding: 'utf8' });
      expect(sig.stdout).toContain('ETSI.CAdES.detached');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const events = await db.selectFrom('audit_events').selectAll().where('details_json', 'like', `%${draft.id}%`).orderBy('id').execute();
    expect(events.map((e) => e.action)).toEqual(['draft.created', 'draft.submitted', 'draft.approved']);
    expect(events.map((e) => e.actor)).toEqual([`user:${drafter.userId}`, `user:${drafter.userId}`, `user:${approver.userId}`]);
    expect(events.every((e) => e.source === '203.0.113.7' && e.agency_id === A)).toBe(true);
    expect(events[2]!.document_id).toBe(doc.id);
    for (const e of events) {
      for (const personal of ['1103700123458', 'พิมพ์ชนก', 'ผู้มีทรัพย์', 'Pimchanok']) expect(e.details_json).not.toContain(personal);
    }
  });

  it('without maker-checker for the type, submitting issues at once', async () => {
    const { db } = app().database;
    await setApproval(db, A, TYPE, false);
    try {
      const draft = await createDraft(deps, drafter, { typeId: TYPE, data: person('3100600445660') });
      const r = await submitDraft(deps, drafter, draft.id);
      expect(r.state).toBe('issued');
      expect(r.decidedBy).toBeNull();
      const doc = await db.selectFrom('documents').select(['id', 'subject_id']).where('id', '=', r.documentId!).executeTakeFirstOrThrow();
      expect(doc.subject_id).toBe('3100600445660');
      const events = await db.selectFrom('audit_events').select(['action', 'document_id']).where('details_json', 'like', `%${draft.id}%`).orderBy('id').execute();
      expect(events).toEqual([
        { action: 'draft.created', document_id: null },
        { action: 'draft.submitted', document_id: null },
        { action: 'draft.issued', document_id: doc.id },
      ]);
    } finally {
      await setApproval(db, A, TYPE, true);
    }
  });

  it('self-approval is refused with 403 self_approval, even for an officer holding both roles; the draft stays submitted', async () => {
    const draft = await createDraft(deps, both, { typeId: TYPE, data: person() });
    await submitDraft(deps, both, draft.id);
    const err = await expectAppError(approveDraft(deps, both, draft.id), 403, 'self_approval');
    expect(err.text).toEqual({ th: 'ผู้จัดทำร่างอนุมัติร่างของตนเองไม่ได้', en: 'The drafter cannot approve their own draft' });
    await expectAppError(rejectDraft(deps, both, draft.id, 'ตนเอง'), 403, 'self_approval');
    expect((await getDraft(deps, both, draft.id)).state).toBe('submitted');
    // Another approver may.
    expect((await approveDraft(deps, approver, draft.id)).state).toBe('issued');
  });

  it('two approvers clicking at once issue exactly one document', async () => {
    const { db } = app().database;
    const draft = await createDraft(deps, drafter, { typeId: TYPE, data: person('1103700123458', 'คู่ขนาน') });
    await submitDraft(deps, drafter, draft.id);
    const before = live.length;
    const results = await Promise.allSettled([approveDraft(deps, approver, draft.id), approveDraft(deps, approver2, draft.id)]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    await expectAppError(Promise.reject(failed[0]!.reason), 409, 'draft_state');
    expect(live.length - before).toBe(1);
    const docs = await db.selectFrom('documents').select('id').where('idempotency_key', '=', `draft:${draft.id}`).execute();
    expect(docs).toHaveLength(1);
    const approvals = await db.selectFrom('audit_events').select('id').where('action', '=', 'draft.approved').where('details_json', 'like', `%${draft.id}%`).execute();
    expect(approvals).toHaveLength(1);
  });

  it('when issuing fails the draft stays submitted, and a later approval issues it', async () => {
    const failing: DraftDeps = { ...deps, issueLive: async () => Promise.reject(new Error('signer unavailable')) };
    const draft = await createDraft(deps, drafter, { typeId: TYPE, data: person() });
    await submitDraft(deps, drafter, draft.id);
    await expect(approveDraft(failing, approver, draft.id)).rejects.toThrow('signer unavailable');
    const after = await getDraft(deps, drafter, draft.id);
    expect(after.state).toBe('submitted');
    expect(after.decidedBy).toBeNull();
    expect((await approveDraft(deps, approver, draft.id)).state).toBe('issued');
  });

  it('rejection returns the draft to the drafter with the reason; edit and resubmit works; audit keeps the length only', async () => {
    const { db } = app().database;
    const draft = await createDraft(deps, drafter, { typeId: TYPE, data: person('1103700123458', 'พิมพชนก') });
    await submitDraft(deps, drafter, draft.id);
    await expectAppError(rejectDraft(deps, approver, draft.id, '   '), 422, 'invalid_input');
    await expectAppError(rejectDraft(deps, approver, draft.id, 'x'.repeat(501)), 422, 'invalid_input');
    const reason = 'ชื่อสะกดผิด: พิมพชนก ควรเป็น พิมพ์ชนก';
    const rejected = await rejectDraft(deps, approver, draft.id, reason);
    expect(rejected.state).toBe('rejected');

    const seen = await getDraft(deps, drafter, draft.id);
    expect(seen).toMatchObject({ state: 'rejected', rejectionReason: reason, decidedBy: approver.userId });
    expect((await listDrafts(deps, drafter, { mine: true, state: 'rejected' })).map((d) => d.id)).toContain(draft.id);
    // A rejected draft cannot be approved without being resubmitted.
    await expectAppError(approveDraft(deps, approver2, draft.id), 409, 'draft_state');

    const edited = await updateDraft(deps, drafter, draft.id, person('1103700123458', 'พิมพ์ชนก'));
    expect(edited.state).toBe('draft');
    expect(edited.data.first_name_th).toBe('พิมพ์ชนก');
    const resubmitted = await submitDraft(deps, drafter, draft.id);
    expect(resubmitted).toMatchObject({ state: 'submitted', rejectionReason: null, decidedBy: null });
    const approved = await approveDraft(deps, approver, draft.id);
    expect(approved.state).toBe('issued');

    const ev = await db.selectFrom('audit_events').selectAll().where('action', '=', 'draft.rejected').where('details_json', 'like', `%${draft.id}%`).executeTakeFirstOrThrow();
    expect(JSON.parse(ev.details_json)).toMatchObject({ draftId: draft.id, reasonLength: reason.length });
    expect(ev.details_json).not.toContain('พิมพ');
  });

  it('only the drafter edits or submits; an issued draft cannot be edited', async () => {
    const draft = await createDraft(deps, drafter, { typeId: TYPE, data: person() });
    await expectAppError(updateDraft(deps, drafter2, draft.id, person()), 403, 'not_drafter');
    await expectAppError(submitDraft(deps, drafter2, draft.id), 403, 'not_drafter');
    await submitDraft(deps, drafter, draft.id);
    await expectAppError(updateDraft(deps, drafter, draft.id, person()), 409, 'draft_state');
    await approveDraft(deps, approver, draft.id);
    await expectAppError(updateDraft(deps, drafter, draft.id, person()), 409, 'draft_state');
    await expectAppError(submitDraft(deps, drafter, draft.id), 409, 'draft_state');
  });

  it('roles: an auditor reads but cannot create; an issuing officer cannot approve or reject', async () => {
    const err = await expectAppError(createDraft(deps, auditor, { typeId: TYPE, data: person() }), 403, 'forbidden');
    expect(err.text.en).toContain('issuing officer');
    expect(err.text.th).toContain('เจ้าหน้าที่ผู้จัดทำเอกสาร');
    const draft = await createDraft(deps, drafter, { typeId: TYPE, data: person() });
    await submitDraft(deps, drafter, draft.id);
    expect((await getDraft(deps, auditor, draft.id)).id).toBe(draft.id);
    expect((await listDrafts(deps, auditor, { state: 'submitted' })).map((d) => d.id)).toContain(draft.id);
    const e2 = await expectAppError(approveDraft(deps, drafter2, draft.id), 403, 'forbidden');
    expect(e2.text.en).toContain('approving officer');
    await expectAppError(rejectDraft(deps, drafter2, draft.id, 'no'), 403, 'forbidden');
    await expectAppError(updateDraft(deps, auditor, draft.id, person()), 403, 'forbidden');
  });

  it('invalid data is refused with 422 invalid_data and per-field errors the form can show', async () => {
    const err = await expectAppError(createDraft(deps, drafter, { typeId: TYPE, data: { ...person(), citizen_id: '1103700123450' } }), 422, 'invalid_data');
    const details = err.details as FieldError[];
    expect(details.some((d) => d.field === 'citizen_id' && d.problem === 'format')).toBe(true);
    await expectAppError(createDraft(deps, drafter, { typeId: 'no-such-type', data: person() }), 404, 'unknown_type');
    const draft = await createDraft(deps, drafter, { typeId: TYPE, data: person() });
    const e2 = await expectAppError(updateDraft(deps, drafter, draft.id, { ...person(), first_name_th: '' }), 422, 'invalid_data');
    expect((e2.details as FieldError[])[0]!.field).toBe('first_name_th');
  });

  it("another agency's officer gets 404 for a draft — the same answer as for an id that does not exist", async () => {
    const draft = await createDraft(deps, drafter, { typeId: TYPE, data: person() });
    await submitDraft(deps, drafter, draft.id);
    for (const call of [
      () => getDraft(deps, otherAgency, draft.id),
      () => approveDraft(deps, otherAgency, draft.id),
      () => rejectDraft(deps, otherAgency, draft.id, 'ไม่ใช่ของเรา'),
      () => updateDraft(deps, otherAgency, draft.id, person()),
      () => submitDraft(deps, otherAgency, draft.id),
      () => getDraft(deps, drafter, 'AAAAAAAAAAAAAAAAAAAAAA'),
    ]) {
      const err = await expectAppError(call(), 404, 'not_found');
      expect(err.details).toBeUndefined();
    }
    expect((await listDrafts(deps, otherAgency)).map((d) => d.id)).not.toContain(draft.id);
    expect((await getDraft(deps, drafter, draft.id)).state).toBe('submitted');
  });

  it('sandbox drafts go to issueSpecimen, never to issueLive, and live and sandbox lists never mix', async () => {
    const sDrafter = inSandbox(drafter);
    const sApprover = inSandbox(approver);
    const liveBefore = live.length;
    const draft = await createDraft(deps, sDrafter, { typeId: TYPE, data: person() });
    expect(draft.mode).toBe('sandbox');
    await submitDraft(deps, sDrafter, draft.id);
    const approved = await approveDraft(deps, sApprover, draft.id);
    expect(approved.state).toBe('issued');
    expect(live.length).toBe(liveBefore);
    expect(specimens.calls.at(-1)).toEqual({ draftId: draft.id, typeId: TYPE });
    const { db } = app().database;
    const specimen = await db.selectFrom('specimens').selectAll().where('id', '=', approved.documentId!).executeTakeFirstOrThrow();
    expect(specimen.draft_id).toBe(draft.id);
    expect(await db.selectFrom('documents').select('id').where('id', '=', approved.documentId!).executeTakeFirst()).toBeUndefined();

    // Live mode does not see the sandbox draft, and the reverse.
    await expectAppError(getDraft(deps, drafter, draft.id), 404, 'not_found');
    expect((await listDrafts(deps, drafter)).every((d) => d.mode === 'live')).toBe(true);
    expect((await listDrafts(deps, sDrafter)).map((d) => d.id)).toEqual([draft.id]);

    // Without maker-checker, a sandbox submission issues a specimen at once.
    await setApproval(db, A, TYPE, false);
    try {
      const d2 = await createDraft(deps, sDrafter, { typeId: TYPE, data: person() });
      const r = await submitDraft(deps, sDrafter, d2.id);
      expect(r.state).toBe('issued');
      expect(specimens.calls.at(-1)!.draftId).toBe(d2.id);
      expect(live.length).toBe(liveBefore);
    } finally {
      await setApproval(db, A, TYPE, true);
    }
  });
});

import { beforeAll, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import type { ActingOfficer } from '../../../src/console/services/acting-officer.js';
import { auditCsv, auditCsvStream, queryAudit, thaiDateTime } from '../../../src/console/services/audit.js';
import type { FieldError } from '../../../src/doctypes/field-errors.js';
import { appendAuditEvent, appendAuditEvents, upsertAgency } from '../../../src/store/index.js';
import { describeEachDialect, useTestDatabase } from '../../helpers/databases.js';
import { addOfficer, expectAppError } from './fixtures.js';

const A = 'audit-a';
const B = 'audit-b';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

describeEachDialect('console audit view and CSV', (dialect) => {
  const t = useTestDatabase(dialect);
  let admin: ActingOfficer;
  let auditor: ActingOfficer;
  let drafter: ActingOfficer;
  let adminB: ActingOfficer;

  beforeAll(async () => {
    const { db } = t();
    for (const id of [A, B]) await upsertAgency(db, { id, nameTh: id, nameEn: id, addressTh: '' });
    admin = await addOfficer(db, { agencyId: A, roles: ['agency_admin'], name: 'ผู้ดูแล', email: 'admin@a.go.th' });
    // A display name that looks like a formula (names come from the identity provider: not ours to trust).
    auditor = await addOfficer(db, { agencyId: A, roles: ['auditor'], name: '=HYPERLINK("http://evil.example","คลิก")', email: 'auditor@a.go.th' });
    drafter = await addOfficer(db, { agencyId: A, roles: ['issuing_officer'], name: 'ผู้จัดทำ' });
    adminB = await addOfficer(db, { agencyId: B, roles: ['agency_admin'], name: 'ผู้ดูแล B' });
    const ev = (at: string, actor: string, action: string, documentId: string | null = null, details: Record<string, unknown> = {}) =>
      appendAuditEvent(db, { at, actor, action, agencyId: A, documentId, details, source: '198.51.100.4' });
    await ev('2025-01-14T16:59:59.000Z', `user:${drafter.userId}`, 'draft.created', null, { draftId: 'd1' });
    await ev('2025-01-14T17:00:00.000Z', `user:${drafter.userId}`, 'draft.submitted', null, { draftId: 'd1' });
    await ev('2025-01-15T03:04:05.000Z', `user:${auditor.userId}`, 'draft.approved', 'DOC0000000000000000001', { draftId: 'd1', note: '-2+3' });
    await ev('2025-01-16T03:00:00.000Z', 'apikey:0123456789abcdef', 'document.issued', 'DOC0000000000000000002', { serial: 'ฝอ. 2568/000002' });
    await appendAuditEvent(db, { at: '2025-01-15T03:00:00.000Z', actor: `user:${adminB.userId}`, action: 'draft.created', agencyId: B, details: {} });
  });

  it('newest first, with the console user’s name and e-mail joined; other agencies’ events never appear', async () => {
    const events = await queryAudit(t().db, admin);
    expect(events.map((e) => e.action)).toEqual(['document.issued', 'draft.approved', 'draft.submitted', 'draft.created']);
    expect(events[1]).toMatchObject({ actor: `user:${auditor.userId}`, actorName: '=HYPERLINK("http://evil.example","คลิก")', actorEmail: 'auditor@a.go.th', documentId: 'DOC0000000000000000001', source: '198.51.100.4' });
    expect(events[0]).toMatchObject({ actor: 'apikey:0123456789abcdef', actorName: null, actorEmail: null });
    expect((await queryAudit(t().db, adminB)).map((e) => e.agencyId)).toEqual([B]);
  });

  it('filters: actor, action (exact or family), document, Bangkok days; keyset paging with beforeId', async () => {
    const db = t().db;
    const actions = async (f: Record<string, unknown>) => (await queryAudit(db, auditor, f)).map((e) => e.action);
    expect(await actions({ actor: `user:${drafter.userId}` })).toEqual(['draft.submitted', 'draft.created']);
    expect(await actions({ action: 'draft.approved' })).toEqual(['draft.approved']);
    expect(await actions({ action: 'draft.*' })).toEqual(['draft.approved', 'draft.submitted', 'draft.created']);
    expect(await actions({ documentId: 'DOC0000000000000000002' })).toEqual(['document.issued']);
    // 16:59:59Z is 23:59:59 on the 14th in Bangkok; 17:00:00Z is midnight starting the 15th.
    expect(await actions({ from: '2025-01-15', to: '2025-01-15' })).toEqual(['draft.approved', 'draft.submitted']);
    expect(await actions({ to: '2025-01-14' })).toEqual(['draft.created']);
    const page1 = await queryAudit(db, auditor, { limit: 2 });
    const page2 = await queryAudit(db, auditor, { limit: 2, beforeId: page1[1]!.id });
    expect([...page1, ...page2].map((e) => e.action)).toEqual(['document.issued', 'draft.approved', 'draft.submitted', 'draft.created']);
  });

  it('only agency administrators and auditors; filters are checked', async () => {
    const db = t().db;
    const err = await expectAppError(queryAudit(db, drafter), 403, 'forbidden');
    expect(err.text.en).toContain('agency administrator or auditor');
    await expectAppError(auditCsv(db, drafter), 403, 'forbidden');
    for (const [f, field] of [
      [{ action: 'DROP TABLE' }, 'action'],
      [{ actor: 'user: x' }, 'actor'],
      [{ documentId: '../x' }, 'documentId'],
      [{ from: '2025-13-01' }, 'from'],
      [{ limit: 5000 }, 'limit'],
      [{ beforeId: 0 }, 'beforeId'],
    ] as const) {
      const e = await expectAppError(queryAudit(db, admin, f), 422, 'invalid_input');
      expect((e.details as FieldError[])[0]!.field).toBe(field);
    }
  });

  it('CSV: UTF-8 BOM, CRLF records, Thai Buddhist-era time, every formula-looking cell guarded', async () => {
    const bytes = await readAll(await auditCsv(t().db, admin, { action: 'draft.*' }));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(5); // header + 3 events + the empty string after the final CRLF
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['id', 'at', 'at_thai', 'actor', 'actor_name', 'action', 'document_id', 'source', 'details']);
    expect(rows.map((r) => r.action)).toEqual(['draft.approved', 'draft.submitted', 'draft.created']);
    const approved = rows[0]!;
    expect(approved.at).toBe('2025-01-15T03:04:05.000Z');
    expect(approved.at_thai).toBe('15 มกราคม พ.ศ. 2568 เวลา 10:04:05 น.');
    expect(approved.actor_name).toBe(`'=HYPERLINK("http://evil.example","คลิก")`);
    expect(approved.document_id).toBe('DOC0000000000000000001');
    expect(JSON.parse(approved.details!)).toEqual({ draftId: 'd1', note: '-2+3' });
    expect(rows[2]!.at_thai).toBe('14 มกราคม พ.ศ. 2568 เวลา 23:59:59 น.');
    // A details cell is JSON ("{…"), so it cannot start a formula; a bare value that could is guarded.
    const guarded = (await readAll(auditCsvStream([{ id: 1, at: '2025-01-15T03:00:00.000Z', actor: '+cmd', action: 'x', agencyId: A, documentId: null, details: {}, source: '@SUM(1)', actorName: '-1', actorEmail: null }]))).toString('utf8');
    const [row] = parse(guarded.slice(1), { columns: true }) as Record<string, string>[];
    expect(row).toMatchObject({ actor: "'+cmd", source: "'@SUM(1)", actor_name: "'-1" });
  });

  it('the export walks every page (keyset, 500 at a time) and streams 3,000 events in order', async () => {
    const db = t().db;
    const batch = Array.from({ length: 3000 }, (_, i) => ({
      at: new Date(Date.UTC(2025, 5, 1) + i * 1000).toISOString(),
      actor: 'system',
      action: 'bulk.test',
      agencyId: B,
      details: { n: i },
    }));
    for (let i = 0; i < batch.length; i += 500) await appendAuditEvents(db, batch.slice(i, i + 500));
    const started = performance.now();
    const text = (await readAll(await auditCsv(db, adminB, { action: 'bulk.test' }))).toString('utf8');
    const ms = performance.now() - started;
    const rows = parse(text.slice(1), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3000);
    expect(JSON.parse(rows[0]!.details!)).toEqual({ n: 2999 });
    expect(JSON.parse(rows[2999]!.details!)).toEqual({ n: 0 });
    expect(new Set(rows.map((r) => r.id)).size).toBe(3000);
    console.log(`[${dialect}] audit CSV export of 3000 events: ${ms.toFixed(0)} ms`);
  });

  it('thaiDateTime is the Bangkok wall clock in the Buddhist era', () => {
    expect(thaiDateTime('2024-12-31T17:00:00.000Z')).toBe('1 มกราคม พ.ศ. 2568 เวลา 00:00:00 น.');
  });
});

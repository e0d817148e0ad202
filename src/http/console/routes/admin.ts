import type { FastifyInstance } from 'fastify';
import { createAgencyApiKey, listApiKeys, revokeApiKey, API_KEY_SCOPES } from '../../../console/services/api-keys.js';
import { createAgency, listAgencies } from '../../../console/services/agencies.js';
import { grantRole, inviteOfficer, listAgencyOfficers, revokeRole } from '../../../store/repos/users.js';
import { listAgencyTypeSettings, setApprovalRequired } from '../../../store/repos/type-settings.js';
import { appendAuditEvent } from '../../../store/index.js';
import { AppError } from '../../../domain/errors.js';
import { esc } from '../../pages/html.js';
import type { ConsoleDeps } from '../console-deps.js';
import { consoleRequest, formBody, requireAgency, str } from '../context.js';
import { consolePage, csrfField, notice, roleName, t, thaiDateTime } from '../page.js';
import { AGENCY_ROLES, requireRole, type AgencyRole } from '../../../console/services/acting-officer.js';

const HTML = 'text/html; charset=utf-8';

const DONE: Record<string, [string, string]> = {
  invited: ['เพิ่มเจ้าหน้าที่แล้ว', 'Officer added'],
  role: ['ปรับสิทธิ์แล้ว', 'Roles updated'],
  key: ['ยกเลิกกุญแจ API แล้ว', 'API key revoked'],
  approval: ['บันทึกการตั้งค่าการอนุมัติแล้ว', 'Approval setting saved'],
  agency: ['เพิ่มหน่วยงานแล้ว', 'Agency created'],
};

function rolesFrom(form: Record<string, unknown>): AgencyRole[] {
  const raw = form.roles;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.filter((r): r is AgencyRole => (AGENCY_ROLES as readonly unknown[]).includes(r));
}

export function adminRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get('/console/admin', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    const agencyId = requireAgency(c.officer);
    requireRole(c.officer, 'agency_admin');
    const done = DONE[(req.query as { done?: string }).done ?? ''];
    const officers = await listAgencyOfficers(deps.db, agencyId);
    const keys = await listApiKeys(deps.db, c.officer);
    const settings = await listAgencyTypeSettings(deps.db, agencyId);
    const cert = await deps.signingCertificate(agencyId);
    const roleBoxes = (prefix: string, checked: readonly string[] = []) =>
      AGENCY_ROLES.map((r) => `<label class="inline"><input type="checkbox" name="roles" value="${r}"${checked.includes(r) ? ' checked' : ''} id="${prefix}-${r}"> ${roleName(r)}</label>`).join('<br>');
    const officerRows = officers
      .map(
        (o) => `<tr><td>${esc(o.displayName)}<br><span class="muted">${esc(o.email ?? '')}</span></td><td>${o.roles.map(roleName).join('<br>')}</td><td>${o.lastLoginAt ? esc(thaiDateTime(o.lastLoginAt)) : t('ยังไม่เคยเข้าระบบ', 'never signed in')}</td>
<td><form method="post" action="/console/admin/officers/${esc(o.userId)}/roles">${csrfField(c.nav)}<fieldset><legend class="visually-hidden">${t('สิทธิ์', 'Roles')}</legend>${roleBoxes(`r-${o.userId}`, o.roles)}</fieldset><button type="submit" class="secondary">${t('บันทึกสิทธิ์', 'Save roles')}</button></form></td></tr>`,
      )
      .join('');
    const keyRows = keys
      .map(
        (k) => `<tr><td>${esc(k.label)}</td><td>${k.scopes.map((s) => `<code>${esc(s)}</code>`).join(' ')}</td><td>${esc(thaiDateTime(k.createdAt))}</td><td>${k.revokedAt ? t('ยกเลิกแล้ว', 'revoked') : `<form method="post" action="/console/admin/api-keys/${esc(k.id)}/revoke">${csrfField(c.nav)}<button type="submit" class="danger">${t('ยกเลิก', 'Revoke')}</button></form>`}</td></tr>`,
      )
      .join('');
    const typeRows = settings
      .map((s) => {
        const type = deps.types.get(s.typeId);
        return `<tr><td>${type ? t(type.definition.name.th, type.definition.name.en) : esc(s.typeId)}</td><td><form method="post" action="/console/admin/types/${esc(s.typeId)}/approval">${csrfField(c.nav)}<label class="inline"><input type="checkbox" name="required" value="1"${s.approvalRequired ? ' checked' : ''} id="approval-${esc(s.typeId)}"> ${t('ต้องมีผู้อนุมัติอีกคน (maker-checker)', 'Requires a second officer (maker-checker)')}</label> <button type="submit" class="secondary">${t('บันทึก', 'Save')}</button></form></td></tr>`;
      })
      .join('');
    reply.type(HTML);
    return consolePage(c.nav, {
      title: ['ตั้งค่าหน่วยงาน', 'Agency settings'],
      active: '/console/admin',
      body: `${done ? notice('ok', t(done[0], done[1])) : ''}
<section class="card" aria-labelledby="officers-h"><h2 id="officers-h">${t('เจ้าหน้าที่และสิทธิ์', 'Officers and roles')}</h2>
<table class="list"><thead><tr><th scope="col">${t('ชื่อ', 'Name')}</th><th scope="col">${t('สิทธิ์', 'Roles')}</th><th scope="col">${t('เข้าระบบล่าสุด', 'Last sign-in')}</th><th scope="col">${t('ปรับสิทธิ์', 'Change roles')}</th></tr></thead><tbody>${officerRows}</tbody></table>
<form method="post" action="/console/admin/officers">${csrfField(c.nav)}<h3>${t('เพิ่มเจ้าหน้าที่', 'Add an officer')}</h3>
<p class="muted">${t('เจ้าหน้าที่เข้าระบบครั้งแรกด้วยอีเมลนี้ผ่านผู้ให้บริการยืนยันตัวตนของหน่วยงาน', 'The officer signs in the first time with this e-mail through the agency identity provider')}</p>
<div class="field"><label for="inv-email">${t('อีเมล', 'E-mail')}</label><input type="email" id="inv-email" name="email" required></div>
<div class="field"><label for="inv-name">${t('ชื่อ-สกุล', 'Name')}</label><input type="text" id="inv-name" name="name" required maxlength="200"></div>
<fieldset><legend>${t('สิทธิ์', 'Roles')}</legend>${roleBoxes('inv')}</fieldset>
<button type="submit">${t('เพิ่มเจ้าหน้าที่', 'Add officer')}</button></form></section>
<section class="card" aria-labelledby="keys-h"><h2 id="keys-h">${t('กุญแจ API', 'API keys')}</h2>
<table class="list"><thead><tr><th scope="col">${t('ชื่อ', 'Label')}</th><th scope="col">${t('ขอบเขต', 'Scopes')}</th><th scope="col">${t('สร้างเมื่อ', 'Created')}</th><th scope="col"></th></tr></thead><tbody>${keyRows}</tbody></table>
<form method="post" action="/console/admin/api-keys">${csrfField(c.nav)}<h3>${t('สร้างกุญแจ API', 'Create an API key')}</h3>
<div class="field"><label for="key-label">${t('ชื่อกุญแจ (ระบบที่ใช้)', 'Label (the system using it)')}</label><input type="text" id="key-label" name="label" required maxlength="100"></div>
<fieldset><legend>${t('ขอบเขต', 'Scopes')}</legend>${API_KEY_SCOPES.map((s) => `<label class="inline"><input type="checkbox" name="scopes" value="${esc(s)}"> <code>${esc(s)}</code></label>`).join('<br>')}</fieldset>
<button type="submit">${t('สร้างกุญแจ', 'Create key')}</button></form></section>
<section class="card" aria-labelledby="types-h"><h2 id="types-h">${t('การอนุมัติตามประเภทเอกสาร', 'Approval per document type')}</h2><table class="list"><tbody>${typeRows}</tbody></table></section>
<section class="card" aria-labelledby="sign-h"><h2 id="sign-h">${t('ใบรับรองสำหรับลงนาม', 'Signing certificate')}</h2>${cert ? `<dl class="facts"><dt>${t('ผู้ถือใบรับรอง', 'Subject')}</dt><dd>${esc(cert.subject)}</dd><dt>${t('หมดอายุ', 'Expires')}</dt><dd>${esc(thaiDateTime(cert.notAfter))}</dd><dt>SHA-256</dt><dd><code>${esc(cert.sha256)}</code></dd></dl>` : `<p>${t('ยังไม่มีกุญแจลงนาม', 'No signing key yet')}</p>`}</section>`,
    });
  });

  app.post('/console/admin/officers', async (req, reply) => {
    const c = await consoleRequest(deps.db, req, { write: true });
    const agencyId = requireAgency(c.officer);
    requireRole(c.officer, 'agency_admin');
    const form = formBody(req);
    const roles = rolesFrom(form);
    if (roles.length === 0) throw new AppError('invalid_roles', 422, { th: 'เลือกสิทธิ์อย่างน้อยหนึ่งอย่าง', en: 'Choose at least one role' });
    await inviteOfficer(deps.db, { email: str(form, 'email'), displayName: str(form, 'name'), agencyId, roles, grantedBy: `user:${c.officer.userId}` });
    await appendAuditEvent(deps.db, { actor: `user:${c.officer.userId}`, action: 'officer.invited', agencyId, details: { roles }, source: c.officer.source });
    return reply.redirect('/console/admin?done=invited', 303);
  });

  app.post('/console/admin/officers/:userId/roles', async (req, reply) => {
    const c = await consoleRequest(deps.db, req, { write: true });
    const agencyId = requireAgency(c.officer);
    requireRole(c.officer, 'agency_admin');
    const userId = (req.params as { userId: string }).userId;
    const officers = await listAgencyOfficers(deps.db, agencyId);
    const target = officers.find((o) => o.userId === userId);
    if (!target) throw new AppError('not_found', 404, { th: 'ไม่พบเจ้าหน้าที่', en: 'Officer not found' });
    const wanted = rolesFrom(formBody(req));
    if (userId === c.officer.userId && !wanted.includes('agency_admin')) {
      throw new AppError('self_demotion', 409, { th: 'ผู้ดูแลถอนสิทธิ์ผู้ดูแลของตนเองไม่ได้', en: 'You cannot remove your own administrator role' });
    }
    const by = `user:${c.officer.userId}`;
    for (const r of wanted) if (!target.roles.includes(r)) await grantRole(deps.db, { userId, agencyId, role: r, grantedBy: by });
    for (const r of target.roles) if (!wanted.includes(r)) await revokeRole(deps.db, { userId, agencyId, role: r });
    await appendAuditEvent(deps.db, { actor: by, action: 'officer.roles-changed', agencyId, details: { userId, roles: wanted }, source: c.officer.source });
    return reply.redirect('/console/admin?done=role', 303);
  });

  app.post('/console/admin/api-keys', async (req, reply) => {
    const c = await consoleRequest(deps.db, req, { write: true });
    requireAgency(c.officer);
    const form = formBody(req);
    const raw = form.scopes;
    const scopes = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((s): s is string => typeof s === 'string');
    const created = await createAgencyApiKey(deps.db, c.officer, { label: str(form, 'label'), scopes });
    reply.type(HTML).header('cache-control', 'no-store');
    return consolePage(c.nav, {
      title: ['กุญแจ API ใหม่', 'New API key'],
      active: '/console/admin',
      body: `<div class="card">${notice('warn', t('คัดลอกกุญแจนี้เก็บไว้ในที่ปลอดภัยตอนนี้ ระบบจะไม่แสดงอีก', 'Copy this key somewhere safe now; it will not be shown again'))}
<label for="new-key">${t('กุญแจ API', 'API key')}</label><input type="text" id="new-key" readonly value="${esc(created.secret)}">
<p><a class="button" href="/console/admin">${t('กลับ', 'Back')}</a></p></div>`,
    });
  });

  app.post('/console/admin/api-keys/:id/revoke', async (req, reply) => {
    const c = await consoleRequest(deps.db, req, { write: true });
    requireAgency(c.officer);
    await revokeApiKey(deps.db, c.officer, (req.params as { id: string }).id);
    return reply.redirect('/console/admin?done=key', 303);
  });

  app.post('/console/admin/types/:typeId/approval', async (req, reply) => {
    const c = await consoleRequest(deps.db, req, { write: true });
    const agencyId = requireAgency(c.officer);
    requireRole(c.officer, 'agency_admin');
    await setApprovalRequired(deps.db, agencyId, (req.params as { typeId: string }).typeId, str(formBody(req), 'required') === '1', `user:${c.officer.userId}`);
    return reply.redirect('/console/admin?done=approval', 303);
  });

  // System administration: agencies.
  app.get('/console/system', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    const done = DONE[(req.query as { done?: string }).done ?? ''];
    const agencies = await listAgencies(deps.db, c.officer);
    const rows = agencies.map((a) => `<tr><td><code>${esc(a.id)}</code></td><td>${esc(a.nameTh)}<br><span class="muted" lang="en">${esc(a.nameEn)}</span></td></tr>`).join('');
    reply.type(HTML);
    return consolePage(c.nav, {
      title: ['หน่วยงานทั้งหมด', 'Agencies'],
      active: '/console/system',
      body: `${done ? notice('ok', t(done[0], done[1])) : ''}<div class="card"><table class="list"><thead><tr><th scope="col">${t('รหัส', 'Id')}</th><th scope="col">${t('ชื่อหน่วยงาน', 'Name')}</th></tr></thead><tbody>${rows}</tbody></table></div>
<form class="card" method="post" action="/console/system/agencies">${csrfField(c.nav)}<h2>${t('เพิ่มหน่วยงาน', 'Add an agency')}</h2>
<div class="field"><label for="ag-id">${t('รหัสหน่วยงาน (a-z 0-9 -)', 'Agency id (a-z 0-9 -)')}</label><input type="text" id="ag-id" name="id" required pattern="[a-z][a-z0-9-]{1,62}"></div>
<div class="field"><label for="ag-th">${t('ชื่อภาษาไทย', 'Thai name')}</label><input type="text" id="ag-th" name="nameTh" required maxlength="300"></div>
<div class="field"><label for="ag-en">${t('ชื่อภาษาอังกฤษ', 'English name')}</label><input type="text" id="ag-en" name="nameEn" required maxlength="300"></div>
<div class="field"><label for="ag-addr">${t('ที่อยู่', 'Address (Thai)')}</label><input type="text" id="ag-addr" name="addressTh" required maxlength="500"></div>
<div class="field"><label for="ag-admin">${t('อีเมลผู้ดูแลหน่วยงาน', 'Agency administrator e-mail')}</label><input type="email" id="ag-admin" name="adminEmail"></div>
<div class="field"><label for="ag-admin-name">${t('ชื่อผู้ดูแลหน่วยงาน', 'Agency administrator name')}</label><input type="text" id="ag-admin-name" name="adminName" maxlength="200"></div>
<button type="submit">${t('เพิ่มหน่วยงาน', 'Add agency')}</button></form>`,
    });
  });

  app.post('/console/system/agencies', async (req, reply) => {
    const c = await consoleRequest(deps.db, req, { write: true });
    const form = formBody(req);
    const agency = await createAgency(deps.db, c.officer, { id: str(form, 'id'), nameTh: str(form, 'nameTh'), nameEn: str(form, 'nameEn'), addressTh: str(form, 'addressTh') }, deps.types);
    await deps.afterAgencyCreated(agency.id);
    const adminEmail = str(form, 'adminEmail').trim();
    if (adminEmail) {
      await inviteOfficer(deps.db, { email: adminEmail, displayName: str(form, 'adminName').trim() || adminEmail, agencyId: agency.id, roles: ['agency_admin'], grantedBy: `user:${c.officer.userId}` });
    }
    return reply.redirect('/console/system?done=agency', 303);
  });
}

import type { FastifyInstance } from 'fastify';
import { esc } from '../../pages/html.js';
import type { ConsoleDeps } from '../console-deps.js';
import { agencyName, consoleRequest } from '../context.js';
import { consolePage, csrfField, notice, roleName, t } from '../page.js';
import { listDrafts } from '../../../console/services/drafts.js';

const HTML = 'text/html; charset=utf-8';

export function homeRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get('/console', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    const o = c.officer;
    const ids = c.nav.agencies;
    const agencyPicker =
      ids.length > 1 || (o.systemAdmin && ids.length > 0)
        ? `<form method="post" action="/console/session" class="card">${csrfField(c.nav)}<label for="agency">${t('ทำงานในนามหน่วยงาน', 'Acting for agency')}</label>
<select id="agency" name="agency">${(await Promise.all(ids.map(async (id) => `<option value="${esc(id)}"${id === o.agencyId ? ' selected' : ''}>${esc(await agencyName(deps.db, id))}</option>`))).join('')}</select>
<button type="submit" class="secondary">${t('เปลี่ยน', 'Switch')}</button></form>`
        : '';
    const modeSwitch = o.agencyId
      ? `<form method="post" action="/console/session" class="card">${csrfField(c.nav)}
<p>${o.mode === 'sandbox' ? t('ขณะนี้อยู่ในโหมดฝึกอบรม เอกสารที่ออกเป็นตัวอย่าง ลงนามด้วยกุญแจฝึกอบรม และไม่บันทึกในทะเบียนสาธารณะ', 'You are in the training sandbox: documents are specimens, signed with the training key, never in the public log') : t('ขณะนี้อยู่ในโหมดปกติ เอกสารที่ออกเป็นเอกสารราชการจริง', 'You are in live mode: documents issued are official')}</p>
<input type="hidden" name="mode" value="${o.mode === 'sandbox' ? 'live' : 'sandbox'}">
<button type="submit" id="mode-switch" class="secondary">${o.mode === 'sandbox' ? t('กลับสู่โหมดปกติ', 'Back to live mode') : t('เข้าสู่โหมดฝึกอบรม', 'Enter the training sandbox')}</button></form>`
      : notice('warn', t('บัญชีนี้ยังไม่มีสิทธิ์ในหน่วยงานใด', 'This account has no role in any agency yet'));
    let waiting = '';
    if (o.agencyId && o.roles.includes('approving_officer')) {
      const n = (await listDrafts(deps.drafts, o, { state: 'submitted' })).length;
      waiting = `<p><a class="button" href="/console/drafts?state=submitted">${t(`รออนุมัติ ${n} รายการ`, `${n} awaiting approval`)}</a></p>`;
    }
    const roles = o.roles.length ? `<p>${t('สิทธิ์ของท่าน:', 'Your roles:')} ${o.roles.map(roleName).join(', ')}</p>` : '';
    reply.type(HTML);
    return consolePage(c.nav, {
      title: ['หน้าหลัก', 'Home'],
      active: '/console',
      body: `<div class="card"><p>${t(`สวัสดี ${c.nav.user.displayName}`, 'Welcome')}</p>${roles}${waiting}</div>${agencyPicker}${modeSwitch}`,
    });
  });
}

import type { FastifyInstance } from 'fastify';
import { auditCsv, queryAudit } from '../../../console/services/audit.js';
import { esc } from '../../pages/html.js';
import type { ConsoleDeps } from '../console-deps.js';
import { requireRole } from '../../../console/services/acting-officer.js';
import { consoleRequest, requireAgency } from '../context.js';
import { consolePage, problemNotice, t, thaiDateTime } from '../page.js';

const HTML = 'text/html; charset=utf-8';
const FILTERS = ['actor', 'action', 'documentId', 'from', 'to'] as const;

function filtersOf(q: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of FILTERS) if (q[f]?.trim()) out[f] = q[f]!.trim();
  return out;
}

/** Details as short "key: value" lines (ids, serials, digests: the audit trail holds no personal data). */
function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([k, v]) => `<span class="muted">${esc(k)}:</span> ${esc(typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? `${v.slice(0, 12)}…` : typeof v === 'object' ? JSON.stringify(v) : v)}`)
    .join('<br>');
}

export function auditRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get('/console/audit', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    requireAgency(c.officer);
    requireRole(c.officer, 'agency_admin', 'auditor');
    const q = req.query as Record<string, string | undefined>;
    const filters = filtersOf(q);
    const beforeId = q.beforeId && /^\d{1,12}$/.test(q.beforeId) ? Number(q.beforeId) : undefined;
    let problem = '';
    let events: Awaited<ReturnType<typeof queryAudit>> = [];
    try {
      events = await queryAudit(deps.db, c.officer, { ...filters, limit: 100, ...(beforeId ? { beforeId } : {}) });
    } catch (e) {
      problem = problemNotice(e);
    }
    const rows = events
      .map(
        (e) =>
          `<tr><td>${esc(thaiDateTime(e.at))}</td><td>${esc(e.actorName ?? e.actor)}${e.actorName ? `<br><span class="muted">${esc(e.actor)}</span>` : ''}</td><td><code>${esc(e.action)}</code></td><td>${e.documentId ? `<a href="/console/documents/${esc(e.documentId)}">${esc(e.documentId)}</a>` : ''}</td><td>${esc(e.source ?? '')}</td><td class="details">${detailsText(e.details)}</td></tr>`,
      )
      .join('');
    const params = new URLSearchParams(filters);
    const last = events[events.length - 1];
    const older = events.length === 100 && last ? `<a class="button secondary" href="/console/audit?${esc(new URLSearchParams({ ...filters, beforeId: String(last.id) }).toString())}">${t('เก่ากว่า', 'Older')}</a>` : '';
    const v = (f: string) => esc(q[f] ?? '');
    reply.type(HTML);
    return consolePage(c.nav, {
      title: ['บันทึกการใช้งาน', 'Audit trail'],
      active: '/console/audit',
      body: `${problem}<form class="card" method="get" action="/console/audit" role="search">
<div class="filters">
  <div><label for="a-actor">${t('ผู้กระทำ (user:… หรือ apikey:…)', 'Actor')}</label><input type="search" id="a-actor" name="actor" value="${v('actor')}"></div>
  <div><label for="a-action">${t('การกระทำ', 'Action')}</label><input type="search" id="a-action" name="action" value="${v('action')}" placeholder="document.issued"></div>
  <div><label for="a-doc">${t('รหัสเอกสาร', 'Document id')}</label><input type="search" id="a-doc" name="documentId" value="${v('documentId')}"></div>
  <div><label for="a-from">${t('ตั้งแต่วันที่', 'From')}</label><input type="date" id="a-from" name="from" value="${v('from')}"></div>
  <div><label for="a-to">${t('ถึงวันที่', 'To')}</label><input type="date" id="a-to" name="to" value="${v('to')}"></div>
</div>
<div class="actions"><button type="submit">${t('กรอง', 'Filter')}</button><a class="button secondary" id="audit-csv" href="/console/audit.csv?${esc(params.toString())}" download>${t('ส่งออก CSV', 'Export CSV')}</a></div></form>
<div class="card"><table class="list audit" id="audit"><thead><tr><th scope="col">${t('เวลา', 'When')}</th><th scope="col">${t('ผู้กระทำ', 'Who')}</th><th scope="col">${t('การกระทำ', 'What')}</th><th scope="col">${t('เอกสาร', 'Document')}</th><th scope="col">${t('จากที่ใด', 'From where')}</th><th scope="col">${t('รายละเอียด', 'Details')}</th></tr></thead><tbody>${rows}</tbody></table><div class="actions">${older}</div></div>`,
    });
  });

  app.get('/console/audit.csv', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    requireAgency(c.officer);
    requireRole(c.officer, 'agency_admin', 'auditor');
    const filters = filtersOf(req.query as Record<string, string | undefined>);
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="audit-${c.officer.agencyId}.csv"`);
    reply.header('cache-control', 'private, no-store');
    return reply.send(await auditCsv(deps.db, c.officer, filters));
  });
}

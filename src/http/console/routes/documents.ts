import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../domain/errors.js';
import { isDocumentId } from '../../../domain/identifiers.js';
import { DOCUMENT_STATUSES, STATUS_REASONS, STATUS_REASON_CODES, statusReasonLabel } from '../../../domain/lifecycle.js';
import { searchDocuments } from '../../../console/services/search.js';
import { getSpecimen } from '../../../store/repos/specimens.js';
import { getDocumentById, type StoredDocument } from '../../../store/index.js';
import { esc } from '../../pages/html.js';
import type { ConsoleDeps } from '../console-deps.js';
import { requireRole } from '../../../console/services/acting-officer.js';
import { consoleRequest, formBody, requireAgency, str } from '../context.js';
import { consolePage, problemNotice, statusText, csrfField, notice, statusBadge, t, thaiDateTime } from '../page.js';
import { displayFieldValue, formToData, schemaFormFields } from '../schema-form.js';
import { fieldErrorsOf, typeOr404 } from './issue.js';

const HTML = 'text/html; charset=utf-8';

const notFound = () => new AppError('not_found', 404, { th: 'ไม่พบเอกสาร', en: 'Document not found' });

/** The agency's own live document, or 404 — the same answer whether it belongs to another agency or to no one. */
async function ownDocument(deps: ConsoleDeps, agencyId: string, id: string): Promise<StoredDocument> {
  const d = isDocumentId(id) ? await getDocumentById(deps.db, id) : null;
  if (!d || d.agencyId !== agencyId) throw notFound();
  return d;
}

const SEARCH_FIELDS = ['serial', 'subjectId', 'name', 'from', 'to', 'status', 'typeId'] as const;

export function documentRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get('/console/documents', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    requireAgency(c.officer);
    const q = req.query as Record<string, string | undefined>;
    const filters: Record<string, unknown> = {};
    for (const f of SEARCH_FIELDS) if (q[f]?.trim()) filters[f] = q[f]!.trim();
    const page = Math.max(1, Math.min(10_000, Number.parseInt(q.page ?? '1', 10) || 1));
    const searched = Object.keys(filters).length > 0 || q.all === '1';
    let results = '';
    let problem = '';
    if (searched) {
      try {
        const r = await searchDocuments(deps.db, c.officer, { ...filters, limit: 50, offset: (page - 1) * 50 }, deps.types);
        const rows = r.rows
          .map(
            (d) =>
              `<tr><td><a href="/console/documents/${esc(d.id)}">${esc(d.serial)}</a></td><td>${esc(d.subjectName ?? '')}</td><td><code>${esc(d.subjectId)}</code></td><td>${esc(deps.types.get(d.typeId)?.definition.name.th ?? d.typeId)}</td><td>${statusBadge(d.status)}</td><td>${esc(thaiDateTime(d.issuedAt))}</td></tr>`,
          )
          .join('');
        const params = new URLSearchParams({ ...(filters as Record<string, string>), ...(q.all === '1' ? { all: '1' } : {}) });
        const more = r.total > page * 50 ? `<a class="button secondary" href="/console/documents?${esc(params.toString())}&amp;page=${page + 1}">${t('หน้าถัดไป', 'Next page')}</a>` : '';
        results = `<section class="card" aria-labelledby="results-h"><h2 id="results-h">${t(`พบ ${r.total.toLocaleString('th-TH')} รายการ`, `${r.total} found`)}</h2>
<table class="list" id="results"><thead><tr><th scope="col">${t('เลขที่', 'Serial')}</th><th scope="col">${t('ชื่อ', 'Name')}</th><th scope="col">${t('เลขประจำตัว', 'Subject id')}</th><th scope="col">${t('ประเภท', 'Type')}</th><th scope="col">${t('สถานะ', 'Status')}</th><th scope="col">${t('วันที่ออก', 'Issued')}</th></tr></thead><tbody>${rows}</tbody></table><div class="actions">${more}</div></section>`;
      } catch (e) {
      problem = problemNotice(e);
      }
    }
    const v = (f: string) => esc(q[f] ?? '');
    const statusOptions = (c.officer.mode === 'sandbox' ? [] : DOCUMENT_STATUSES)
      .map((s) => `<option value="${s}"${q.status === s ? ' selected' : ''}>${esc(statusText(s))}</option>`)
      .join('');
    reply.type(HTML);
    return consolePage(c.nav, {
      title: c.officer.mode === 'sandbox' ? ['ค้นหาเอกสารตัวอย่าง', 'Search specimens'] : ['ค้นหาเอกสาร', 'Search documents'],
      active: '/console/documents',
      body: `${problem}<form class="card" method="get" action="/console/documents" role="search">
<div class="filters">
  <div><label for="s-serial">${t('เลขที่เอกสาร', 'Serial')}</label><input type="search" id="s-serial" name="serial" value="${v('serial')}"></div>
  <div><label for="s-subject">${t('เลขประจำตัวผู้ถือ', 'Subject id')}</label><input type="search" id="s-subject" name="subjectId" inputmode="numeric" value="${v('subjectId')}"></div>
  <div><label for="s-name">${t('ชื่อผู้ถือ', 'Name')}</label><input type="search" id="s-name" name="name" value="${v('name')}"></div>
  <div><label for="s-from">${t('ออกตั้งแต่วันที่', 'Issued from')}</label><input type="date" id="s-from" name="from" value="${v('from')}"></div>
  <div><label for="s-to">${t('ถึงวันที่', 'to')}</label><input type="date" id="s-to" name="to" value="${v('to')}"></div>
  <div><label for="s-status">${t('สถานะ', 'Status')}</label><select id="s-status" name="status"><option value="">${t('ทุกสถานะ', 'Any')}</option>${statusOptions}</select></div>
</div>
<div class="actions"><button type="submit">${t('ค้นหา', 'Search')}</button><a class="button secondary" href="/console/documents?all=1">${t('แสดงทั้งหมด', 'Show all')}</a></div>
</form>${results}`,
    });
  });

  app.get('/console/documents/:id', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    const agencyId = requireAgency(c.officer);
    const id = (req.params as { id: string }).id;
    const done = (req.query as { done?: string }).done;
    if (c.officer.mode === 'sandbox') {
      const s = await getSpecimen(deps.db, agencyId, id);
      if (!s) throw notFound();
      const type = deps.types.get(s.typeId);
      reply.type(HTML);
      return consolePage(c.nav, {
        title: ['เอกสารตัวอย่าง', 'Specimen'],
        active: '/console/documents',
        body: `<section class="card">${notice('warn', t('เอกสารตัวอย่างสำหรับฝึกอบรม ไม่ใช่เอกสารราชการ', 'Training specimen — not an official document'))}
<dl class="facts"><dt>${t('เลขที่', 'Serial')}</dt><dd>${esc(s.serial)}</dd><dt>${t('ประเภท', 'Type')}</dt><dd>${type ? t(type.definition.name.th, type.definition.name.en) : esc(s.typeId)}</dd><dt>${t('วันที่ออก', 'Issued')}</dt><dd>${esc(thaiDateTime(s.createdAt))}</dd></dl>
<div class="actions"><a class="button" href="/console/documents/${esc(s.id)}/pdf" download>${t('ดาวน์โหลด PDF', 'Download PDF')}</a></div></section>`,
      });
    }
    const d = await ownDocument(deps, agencyId, id);
    const type = deps.types.get(d.typeId);
    const fields = Object.entries(d.data as Record<string, unknown>)
      .map(([k, val]) => {
        const label = type?.definition.fields[k] ?? { th: k, en: k };
        return `<dt>${t(label.th, label.en)}</dt><dd>${displayFieldValue(type, k, val)}</dd>`;
      })
      .join('');
    const canChange = c.officer.roles.includes('approving_officer') || c.officer.roles.includes('agency_admin');
    const reasonOptions = STATUS_REASON_CODES.map((r) => `<option value="${r}">${esc(STATUS_REASONS[r].th)} · ${esc(STATUS_REASONS[r].en)}</option>`).join('');
    const action = (name: 'revoke' | 'suspend' | 'reinstate', th: string, en: string, danger: boolean) =>
      `<form class="card" method="post" action="/console/documents/${esc(d.id)}/${name}" aria-label="${esc(`${th} ${en}`)}">${csrfField(c.nav)}
  <fieldset><legend>${t(th, en)}</legend>
  <div class="field"><label for="${name}-reason">${t('เหตุผล', 'Reason')}</label><select id="${name}-reason" name="reason" required>${reasonOptions}</select></div>
  <div class="field"><label for="${name}-note">${t('บันทึกภายใน (ไม่เปิดเผยต่อสาธารณะ)', 'Internal note (not public)')}</label><textarea id="${name}-note" name="note" rows="2" maxlength="1000"></textarea></div>
  <button type="submit" id="${name}-button"${danger ? ' class="danger"' : ''}>${t(th, en)}</button></fieldset></form>`;
    const changes: string[] = [];
    if (canChange && (d.status === 'active' || d.status === 'suspended' || d.status === 'expired')) changes.push(action('revoke', 'เพิกถอน', 'Revoke', true));
    if (canChange && d.status === 'active') changes.push(action('suspend', 'ระงับชั่วคราว', 'Suspend', false));
    if (canChange && d.status === 'suspended') changes.push(action('reinstate', 'คืนสถานะ', 'Reinstate', false));
    const supersede =
      canChange && type && (d.status === 'active' || d.status === 'suspended')
        ? `<p><a class="button secondary" href="/console/documents/${esc(d.id)}/supersede">${t('ออกฉบับแก้ไขแทน', 'Issue a corrected replacement')}</a></p>`
        : '';
    const reason = d.statusReason ? statusReasonLabel(d.statusReason) : null;
    reply.type(HTML);
    return consolePage(c.nav, {
      title: ['เอกสาร', 'Document'],
      active: '/console/documents',
      body: `${done ? notice('ok', t('บันทึกการเปลี่ยนสถานะแล้ว', 'Status change recorded')) : ''}
<div class="grid2"><section class="card" aria-labelledby="doc-h"><h2 id="doc-h">${type ? t(type.definition.name.th, type.definition.name.en) : esc(d.typeId)}</h2>
<p id="doc-status" data-status="${esc(d.status)}">${statusBadge(d.status)}</p>
<dl class="facts"><dt>${t('เลขที่', 'Serial')}</dt><dd>${esc(d.serial)}</dd><dt>${t('รหัสเอกสาร', 'Document id')}</dt><dd><code>${esc(d.id)}</code></dd>
<dt>${t('วันที่ออก', 'Issued')}</dt><dd>${esc(thaiDateTime(d.issuedAt))}</dd>${d.validUntil ? `<dt>${t('ใช้ได้ถึง', 'Valid until')}</dt><dd>${esc(thaiDateTime(d.validUntil))}</dd>` : ''}
<dt>${t('รุ่นของประเภทเอกสาร', 'Type version')}</dt><dd>${d.typeVersion}</dd>
${reason ? `<dt>${t('เหตุผล', 'Reason')}</dt><dd>${t(reason.th, reason.en)}</dd>` : ''}${d.successorId ? `<dt>${t('ฉบับที่ออกแทน', 'Replaced by')}</dt><dd><a href="/console/documents/${esc(d.successorId)}">${esc(d.successorId)}</a></dd>` : ''}</dl>
<h3>${t('ข้อมูลในเอกสาร', 'Fields')}</h3><dl class="facts">${fields}</dl>
<div class="actions"><a class="button" href="/console/documents/${esc(d.id)}/pdf" download>${t('ดาวน์โหลด PDF', 'Download PDF')}</a><a class="button secondary" href="/v/${esc(d.id)}">${t('หน้าสถานะสาธารณะ', 'Public status page')}</a></div>${supersede}</section>
<div>${changes.join('')}</div></div>`,
    });
  });

  app.get('/console/documents/:id/pdf', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    const agencyId = requireAgency(c.officer);
    const id = (req.params as { id: string }).id;
    const pdf = c.officer.mode === 'sandbox' ? await deps.specimenPdf(agencyId, id) : await deps.documentPdf(agencyId, id);
    if (!pdf) throw notFound();
    reply.header('content-type', 'application/pdf');
    reply.header('content-disposition', `attachment; filename="${id.replace(/[^A-Za-z0-9_-]/g, '')}.pdf"`);
    reply.header('cache-control', 'private, no-store');
    return reply.send(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
  });

  for (const act of ['revoke', 'suspend', 'reinstate'] as const) {
    app.post(`/console/documents/:id/${act}`, async (req, reply) => {
      const c = await consoleRequest(deps.db, req, { write: true });
      const agencyId = requireAgency(c.officer);
      requireRole(c.officer, 'approving_officer', 'agency_admin');
      const id = (req.params as { id: string }).id;
      await ownDocument(deps, agencyId, id);
      const form = formBody(req);
      await deps.changeStatus(act, { agencyId, documentId: id, reason: str(form, 'reason'), note: str(form, 'note') || undefined, actor: `user:${c.officer.userId}`, source: c.officer.source });
      return reply.redirect(`/console/documents/${id}?done=${act}`, 303);
    });
  }

  app.get('/console/documents/:id/supersede', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    const agencyId = requireAgency(c.officer);
    requireRole(c.officer, 'approving_officer', 'agency_admin');
    const d = await ownDocument(deps, agencyId, (req.params as { id: string }).id);
    const type = typeOr404(deps, d.typeId);
    reply.type(HTML);
    return consolePage(c.nav, { title: ['ออกฉบับแก้ไขแทน', 'Corrected replacement'], active: '/console/documents', script: true, body: supersedeForm(c.nav.csrfToken, d, type, d.data as Record<string, unknown>, []) });
  });

  app.post('/console/documents/:id/supersede', async (req, reply) => {
    const c = await consoleRequest(deps.db, req, { write: true });
    const agencyId = requireAgency(c.officer);
    requireRole(c.officer, 'approving_officer', 'agency_admin');
    const d = await ownDocument(deps, agencyId, (req.params as { id: string }).id);
    const type = typeOr404(deps, d.typeId);
    const form = formBody(req);
    const data = formToData(type, form);
    const page = (errors: Parameters<typeof supersedeForm>[4]) =>
      reply.status(422).type(HTML).send(consolePage(c.nav, { title: ['ออกฉบับแก้ไขแทน', 'Corrected replacement'], active: '/console/documents', script: true, body: supersedeForm(c.nav.csrfToken, d, type, data, errors) }));
    const checked = type.validate(data);
    if (!checked.ok) return page(checked.errors);
    try {
      const r = await deps.supersede({ agencyId, documentId: d.id, reason: str(form, 'reason') || 'replaced', note: str(form, 'note') || undefined, data: checked.value, actor: `user:${c.officer.userId}`, source: c.officer.source });
      return reply.redirect(`/console/documents/${r.successorId}?done=superseded`, 303);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return page(errors);
      throw e;
    }
  });
}

function supersedeForm(csrf: string, d: StoredDocument, type: ReturnType<typeof typeOr404>, values: Record<string, unknown>, errors: Parameters<typeof schemaFormFields>[2]): string {
  return `${errors && errors.length ? notice('bad', t('กรุณาแก้ไขข้อมูลที่ระบุ', 'Please correct the fields marked below')) : ''}
<form class="card" method="post" action="/console/documents/${esc(d.id)}/supersede" id="issue-form" data-type="${esc(type.definition.id)}" novalidate>
<input type="hidden" name="_csrf" value="${esc(csrf)}">
<p>${t(`แก้ไขข้อมูลแล้วออกฉบับใหม่แทนเลขที่ ${d.serial} — ฉบับเดิมจะมีสถานะ "ถูกแทนที่แล้ว"`, `Correct the data and issue a replacement for ${d.serial}; the original becomes "superseded"`)}</p>
${schemaFormFields(type, values, errors)}
<div class="field"><label for="note">${t('บันทึกภายใน', 'Internal note')}</label><textarea id="note" name="note" rows="2" maxlength="1000"></textarea></div>
<input type="hidden" name="reason" value="replaced">
<button type="submit">${t('ออกฉบับแก้ไขและลงนาม', 'Issue the replacement and sign')}</button></form>`;
}

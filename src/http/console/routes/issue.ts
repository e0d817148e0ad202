import { gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../domain/errors.js';
import type { FieldError } from '../../../doctypes/field-errors.js';
import type { LoadedType } from '../../../doctypes/load-types.js';
import { createDraft, getDraft, listDrafts, updateDraft, submitDraft, approveDraft, rejectDraft } from '../../../console/services/drafts.js';
import { isApprovalRequired, listAgencyTypeSettings } from '../../../store/repos/type-settings.js';
import { isEntitled } from '../../../store/index.js';
import { unknownType } from '../../../issuance/issue-document.js';
import { esc } from '../../pages/html.js';
import type { ConsoleDeps } from '../console-deps.js';
import { requireRole } from '../../../console/services/acting-officer.js';
import { consoleRequest, formBody, requireAgency, str, type ConsoleRequest } from '../context.js';
import { consolePage, csrfField, notice, statusBadge, t, thaiDateTime } from '../page.js';
import { displayFieldValue, formLevelErrors, formToData, schemaFormFields } from '../schema-form.js';

const HTML = 'text/html; charset=utf-8';

/** Field errors carried by a 422 from validation, or null for any other error. */
export function fieldErrorsOf(e: unknown): FieldError[] | null {
  if (!(e instanceof AppError) || e.httpStatus !== 422) return null;
  if (Array.isArray(e.details)) return e.details as FieldError[];
  const nested = (e.details as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(nested) ? (nested as FieldError[]) : null;
}

export function typeOr404(deps: ConsoleDeps, typeId: string): LoadedType {
  const type = deps.types.get(typeId);
  if (!type) throw unknownType(typeId);
  return type;
}

/** A type this agency may issue; another agency's own type is answered like an unknown one. */
async function issuableType(deps: ConsoleDeps, agencyId: string, typeId: string): Promise<LoadedType> {
  const type = typeOr404(deps, typeId);
  if (!(await isEntitled(deps.db, agencyId, typeId))) throw unknownType(typeId);
  return type;
}

/** Page images as inline `<img>`s: SVG as an image runs no script and loads nothing (and CSP allows data: images). */
export function previewImages(pages: string[]): string {
  return pages
    .map((svg, i) => `<img src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}" alt="ตัวอย่างหน้า ${i + 1} (Preview page ${i + 1})">`)
    .join('');
}

function issueForm(
  c: ConsoleRequest,
  type: LoadedType,
  opts: { action: string; values: Record<string, unknown>; errors?: FieldError[]; preview?: string[]; approval: boolean },
): string {
  const errors = opts.errors ?? [];
  const top = formLevelErrors(type, errors);
  const summary = errors.length
    ? notice('bad', `${t('กรุณาแก้ไขข้อมูลที่ระบุ', 'Please correct the fields marked below')}${top.length ? `<ul>${top.map((e) => `<li>${t(e.message.th, e.message.en)}</li>`).join('')}</ul>` : ''}`)
    : '';
  const approvalNote = opts.approval
    ? notice('warn', t('เอกสารประเภทนี้ต้องได้รับอนุมัติจากผู้อนุมัติอีกคนหนึ่งก่อนลงนาม', 'This type is signed only after another officer approves it'))
    : '';
  const sandbox = c.officer.mode === 'sandbox' ? notice('warn', t('โหมดฝึกอบรม: เอกสารจะมีลายน้ำ "ตัวอย่าง" และไม่ใช่เอกสารราชการ', 'Sandbox: the document will be a SPECIMEN, not an official document')) : '';
  const preview = opts.preview
    ? `<section class="card preview" aria-labelledby="preview-h"><h2 id="preview-h" tabindex="-1">${t('ตัวอย่างเอกสาร (ร่าง ยังไม่ได้ลงนาม)', 'Preview (draft, not signed)')}</h2>${previewImages(opts.preview)}</section>`
    : `<div class="card muted">${t('กด "ดูตัวอย่าง" เพื่อดูเอกสารจริงที่จะออก (มีลายน้ำ "ร่าง")', 'Press "Preview" to see the real document, watermarked DRAFT')}</div>`;
  return `${summary}${approvalNote}${sandbox}
<div class="grid2">
<form class="card" method="post" action="${esc(opts.action)}" id="issue-form" data-type="${esc(type.definition.id)}" novalidate>
  ${csrfField(c.nav)}
  <p class="muted">${t(type.definition.name.th, type.definition.name.en)} · ${t('รุ่น', 'version')} ${type.definition.version}</p>
  ${schemaFormFields(type, opts.values, errors)}
  <div class="actions">
    <button type="submit" name="action" value="preview" class="secondary">${t('ดูตัวอย่าง', 'Preview')}</button>
    <button type="submit" name="action" value="save">${t('บันทึกร่าง', 'Save draft')}</button>
  </div>
</form>
${preview}
</div>`;
}

export function issueRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get('/console/issue', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    const agencyId = requireAgency(c.officer);
    requireRole(c.officer, 'issuing_officer');
    const rows: string[] = [];
    // One read for every type's entitlement and approval setting, not two per type.
    const settings = new Map((await listAgencyTypeSettings(deps.db, agencyId)).map((t) => [t.typeId, t.approvalRequired]));
    for (const type of deps.types.values()) {
      const approval = settings.get(type.definition.id);
      if (approval === undefined) continue;
      rows.push(
        `<tr><td><a href="/console/issue/${esc(type.definition.id)}">${t(type.definition.name.th, type.definition.name.en)}</a></td><td><code>${esc(type.definition.id)}</code> v${type.definition.version}</td><td>${approval ? `<span class="badge warn">${t('ต้องอนุมัติ', 'Approval required')}</span>` : `<span class="badge ok">${t('ออกได้ทันที', 'Issued directly')}</span>`}</td></tr>`,
      );
    }
    reply.type(HTML);
    return consolePage(c.nav, {
      title: ['ออกเอกสาร', 'Issue a document'],
      active: '/console/issue',
      body: `<div class="card"><p>${t('เลือกประเภทเอกสารที่จะออก', 'Choose the type of document to issue')}</p>
<table class="list"><thead><tr><th scope="col">${t('ประเภทเอกสาร', 'Document type')}</th><th scope="col">${t('รหัส', 'Id')}</th><th scope="col">${t('การอนุมัติ', 'Approval')}</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`,
    });
  });

  app.get('/console/issue/:typeId', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    const agencyId = requireAgency(c.officer);
    requireRole(c.officer, 'issuing_officer');
    const type = await issuableType(deps, agencyId, (req.params as { typeId: string }).typeId);
    const approval = await isApprovalRequired(deps.db, agencyId, type.definition.id);
    reply.type(HTML);
    return consolePage(c.nav, {
      title: [`ออก${type.definition.name.th}`, `Issue: ${type.definition.name.en}`],
      active: '/console/issue',
      script: true,
      body: issueForm(c, type, { action: `/console/issue/${type.definition.id}`, values: {}, approval }),
    });
  });

  app.post('/console/issue/:typeId', async (req, reply) => {
    const c = await consoleRequest(deps.db, req, { write: true });
    const agencyId = requireAgency(c.officer);
    requireRole(c.officer, 'issuing_officer');
    const type = await issuableType(deps, agencyId, (req.params as { typeId: string }).typeId);
    const form = formBody(req);
    const data = formToData(type, form);
    const approval = await isApprovalRequired(deps.db, agencyId, type.definition.id);
    const action = `/console/issue/${type.definition.id}`;
    const page = (status: number, body: string) =>
      reply
        .status(status)
        .type(HTML)
        .send(consolePage(c.nav, { title: [`ออก${type.definition.name.th}`, `Issue: ${type.definition.name.en}`], active: '/console/issue', script: true, body }));
    const checked = type.validate(data);
    if (!checked.ok) return page(422, issueForm(c, type, { action, values: data, errors: checked.errors, approval }));
    if (str(form, 'action') === 'preview') {
      const pages = await deps.preview(agencyId, type.definition.id, checked.value, 'draft');
      return page(200, issueForm(c, type, { action, values: data, preview: pages, approval }));
    }
    try {
      const draft = await createDraft(deps.drafts, c.officer, { typeId: type.definition.id, data: checked.value });
      return reply.redirect(`/console/drafts/${draft.id}?done=saved`, 303);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return page(422, issueForm(c, type, { action, values: data, errors, approval }));
      throw e;
    }
  });

  // Inline validation for the browser script: the validator the server uses on submit, field errors only.
  app.post('/console/api/validate/:typeId', async (req) => {
    const c = await consoleRequest(deps.db, req, { write: true });
    const type = await issuableType(deps, requireAgency(c.officer), (req.params as { typeId: string }).typeId);
    const r = type.validate(formToData(type, formBody(req)));
    return { ok: r.ok, errors: r.ok ? [] : r.errors };
  });

  draftRoutes(app, deps);
}

const DONE: Record<string, [string, string]> = {
  saved: ['บันทึกร่างแล้ว', 'Draft saved'],
  submitted: ['ส่งให้ผู้อนุมัติแล้ว', 'Sent for approval'],
  issued: ['ออกเอกสารและลงนามแล้ว', 'Document issued and signed'],
  specimen: ['ออกเอกสารตัวอย่างแล้ว (ไม่ใช่เอกสารราชการ)', 'Specimen issued (not an official document)'],
  rejected: ['ส่งกลับให้ผู้จัดทำแก้ไขแล้ว', 'Returned to the drafter'],
};

/**
 * A draft's preview pages, gzipped, for the draft page and the image requests it causes: the page renders them once,
 * the images are served from here. Keyed by the draft's last change, so an edit renders anew; a few drafts at most.
 */
const previewCache = new Map<string, Buffer[]>();
async function draftPreview(deps: ConsoleDeps, agencyId: string, draft: { id: string; typeId: string; updatedAt: string; data: Record<string, unknown> }): Promise<Buffer[]> {
  const key = `${draft.id}@${draft.updatedAt}`;
  let pages = previewCache.get(key);
  if (!pages) {
    pages = (await deps.preview(agencyId, draft.typeId, draft.data, 'draft')).map((svg) => gzipSync(svg));
    previewCache.set(key, pages);
    if (previewCache.size > 16) previewCache.delete(previewCache.keys().next().value!);
  }
  return pages;
}

function draftRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get('/console/drafts', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    requireAgency(c.officer);
    requireRole(c.officer, 'issuing_officer', 'approving_officer', 'auditor');
    const q = req.query as { state?: string; mine?: string };
    const state = ['draft', 'submitted', 'rejected', 'issued'].includes(q.state ?? '') ? (q.state as 'draft' | 'submitted' | 'rejected' | 'issued') : undefined;
    const mine = q.mine === '1';
    const drafts = await listDrafts(deps.drafts, c.officer, { ...(state ? { state } : {}), ...(mine ? { mine } : {}) });
    const tab = (href: string, th: string, en: string, on: boolean) =>
      `<a class="button${on ? '' : ' secondary'}" href="${href}"${on ? ' aria-current="page"' : ''}>${t(th, en)}</a>`;
    const rows = drafts
      .map((d) => {
        const type = deps.types.get(d.typeId);
        return `<tr><td><a href="/console/drafts/${esc(d.id)}">${type ? t(type.definition.name.th, type.definition.name.en) : esc(d.typeId)}</a></td><td>${statusBadge(d.state)}</td><td>${esc(d.createdByName ?? '')}</td><td>${esc(thaiDateTime(d.updatedAt))}</td></tr>`;
      })
      .join('');
    reply.type(HTML);
    return consolePage(c.nav, {
      title: ['ร่างเอกสาร', 'Drafts'],
      active: '/console/drafts',
      body: `<div class="actions" role="navigation" aria-label="ตัวกรอง Filters">${tab('/console/drafts?state=submitted', 'รออนุมัติ', 'Awaiting approval', state === 'submitted')}${tab('/console/drafts?mine=1', 'ร่างของฉัน', 'My drafts', mine)}${tab('/console/drafts?state=rejected', 'ส่งกลับแก้ไข', 'Returned', state === 'rejected')}${tab('/console/drafts', 'ทั้งหมด', 'All', !state && !mine)}</div>
<div class="card"><table class="list"><thead><tr><th scope="col">${t('ประเภท', 'Type')}</th><th scope="col">${t('สถานะ', 'State')}</th><th scope="col">${t('ผู้จัดทำ', 'Drafted by')}</th><th scope="col">${t('แก้ไขล่าสุด', 'Last change')}</th></tr></thead><tbody>${rows || `<tr><td colspan="4">${t('ไม่มีรายการ', 'Nothing here')}</td></tr>`}</tbody></table></div>`,
    });
  });

  app.get('/console/drafts/:id', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    const agencyId = requireAgency(c.officer);
    const draft = await getDraft(deps.drafts, c.officer, (req.params as { id: string }).id);
    const type = typeOr404(deps, draft.typeId);
    const doneKey = (req.query as { done?: string }).done ?? '';
    const done = DONE[doneKey === 'issued' && draft.mode === 'sandbox' ? 'specimen' : doneKey];
    const mineToEdit = draft.createdBy === c.officer.userId && (draft.state === 'draft' || draft.state === 'rejected');
    const canDecide = draft.state === 'submitted' && c.officer.roles.includes('approving_officer');
    const selfDraft = draft.createdBy === c.officer.userId;
    const approval = await isApprovalRequired(deps.db, agencyId, draft.typeId);
    // Page images come from their own URL (compressed, ~150 KB a page instead of ~900 KB inline); rendered once here,
    // kept for the image requests that follow.
    const pageCount = draft.state === 'issued' ? 0 : (await draftPreview(deps, agencyId, draft).catch(() => [] as Buffer[])).length;
    const fields = Object.entries(draft.data)
      .map(([k, v]) => {
        const label = type.definition.fields[k] ?? { th: k, en: k };
        return `<dt>${t(label.th, label.en)}</dt><dd>${displayFieldValue(type, k, v)}</dd>`;
      })
      .join('');
    const actions: string[] = [];
    if (mineToEdit) {
      actions.push(`<a class="button secondary" href="/console/drafts/${esc(draft.id)}/edit">${t('แก้ไข', 'Edit')}</a>`);
      actions.push(
        `<form class="inline" method="post" action="/console/drafts/${esc(draft.id)}/submit">${csrfField(c.nav)}<button type="submit" id="submit-draft">${approval ? t('ส่งให้ผู้อนุมัติ', 'Send for approval') : t('ออกเอกสารและลงนาม', 'Issue and sign')}</button></form>`,
      );
    }
    let decide = '';
    if (canDecide && selfDraft) {
      decide = notice('warn', t('ท่านเป็นผู้จัดทำร่างนี้ จึงอนุมัติเองไม่ได้ ต้องให้ผู้อนุมัติคนอื่น', 'You drafted this, so you cannot approve it: another approving officer must'));
    } else if (canDecide) {
      actions.push(
        `<form class="inline" method="post" action="/console/drafts/${esc(draft.id)}/approve">${csrfField(c.nav)}<button type="submit" id="approve">${t('อนุมัติและลงนาม', 'Approve and sign')}</button></form>`,
      );
      decide = `<form class="card" method="post" action="/console/drafts/${esc(draft.id)}/reject">${csrfField(c.nav)}
  <div class="field"><label for="reason">${t('เหตุผลที่ส่งกลับ', 'Reason for returning it')}</label>
  <textarea id="reason" name="reason" rows="3" maxlength="500" required aria-required="true"></textarea></div>
  <button type="submit" class="danger" id="reject">${t('ส่งกลับให้แก้ไข', 'Return for correction')}</button></form>`;
    }
    const issuedLink = draft.documentId
      ? `<p><a class="button" id="issued-document" href="/console/documents/${esc(draft.documentId)}">${t('ดูเอกสารที่ออก', 'Open the issued document')}</a></p>`
      : '';
    reply.type(HTML);
    return consolePage(c.nav, {
      title: ['ร่างเอกสาร', 'Draft'],
      active: '/console/drafts',
      body: `${done ? notice('ok', t(done[0], done[1])) : ''}
${draft.state === 'rejected' && draft.rejectionReason ? notice('bad', `${t('ผู้อนุมัติส่งกลับ เหตุผล:', 'Returned by the approver. Reason:')} <span id="rejection-reason">${esc(draft.rejectionReason)}</span>`) : ''}
<div class="grid2"><section class="card" aria-labelledby="facts-h"><h2 id="facts-h">${t(type.definition.name.th, type.definition.name.en)}</h2>
<p id="draft-state" data-state="${esc(draft.state)}">${statusBadge(draft.state)} ${draft.mode === 'sandbox' ? `<span class="badge info">${t('ฝึกอบรม', 'Sandbox')}</span>` : ''}</p>
<dl class="facts"><dt>${t('ผู้จัดทำ', 'Drafted by')}</dt><dd>${esc(draft.createdByName ?? '')}</dd><dt>${t('แก้ไขล่าสุด', 'Last change')}</dt><dd>${esc(thaiDateTime(draft.updatedAt))}</dd>${draft.decidedByName ? `<dt>${t('ผู้พิจารณา', 'Decided by')}</dt><dd>${esc(draft.decidedByName)}</dd>` : ''}</dl>
<h3>${t('ข้อมูลในเอกสาร', 'Fields')}</h3><dl class="facts">${fields}</dl>
<div class="actions">${actions.join('')}</div>${issuedLink}</section>
<section class="card preview" aria-label="ตัวอย่างเอกสาร Preview">${pageCount ? Array.from({ length: pageCount }, (_, i) => `<img src="/console/drafts/${esc(draft.id)}/preview/${i + 1}.svg?v=${encodeURIComponent(draft.updatedAt)}" alt="ตัวอย่างหน้า ${i + 1} (Preview page ${i + 1})">`).join('') : `<p class="muted">${draft.state === 'issued' ? t('ออกเอกสารแล้ว', 'Issued') : ''}</p>`}</section></div>
${decide}`,
    });
  });

  app.get('/console/drafts/:id/preview/:page', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    const agencyId = requireAgency(c.officer);
    const p = req.params as { id: string; page: string };
    const draft = await getDraft(deps.drafts, c.officer, p.id);
    const n = /^([1-9][0-9]{0,2})\.svg$/.exec(p.page);
    const gz = n ? (await draftPreview(deps, agencyId, draft))[Number(n[1]) - 1] : undefined;
    if (!gz) throw new AppError('not_found', 404, { th: 'ไม่พบหน้านี้', en: 'No such page' });
    reply.header('content-type', 'image/svg+xml; charset=utf-8');
    // An SVG opened on its own is a document: let it run nothing and load nothing.
    reply.header('content-security-policy', "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox");
    reply.header('cache-control', 'private, no-store');
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
      return reply.send(gz);
    }
    return reply.send(gunzipSync(gz));
  });

  app.get('/console/drafts/:id/edit', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    const agencyId = requireAgency(c.officer);
    const draft = await getDraft(deps.drafts, c.officer, (req.params as { id: string }).id);
    const type = typeOr404(deps, draft.typeId);
    reply.type(HTML);
    return consolePage(c.nav, {
      title: ['แก้ไขร่าง', 'Edit draft'],
      active: '/console/drafts',
      script: true,
      body: issueForm(c, type, { action: `/console/drafts/${draft.id}/edit`, values: draft.data, approval: await isApprovalRequired(deps.db, agencyId, draft.typeId) }),
    });
  });

  app.post('/console/drafts/:id/edit', async (req, reply) => {
    const c = await consoleRequest(deps.db, req, { write: true });
    const agencyId = requireAgency(c.officer);
    const id = (req.params as { id: string }).id;
    const draft = await getDraft(deps.drafts, c.officer, id);
    const type = typeOr404(deps, draft.typeId);
    const form = formBody(req);
    const data = formToData(type, form);
    const approval = await isApprovalRequired(deps.db, agencyId, draft.typeId);
    const action = `/console/drafts/${id}/edit`;
    const page = (status: number, body: string) =>
      reply.status(status).type(HTML).send(consolePage(c.nav, { title: ['แก้ไขร่าง', 'Edit draft'], active: '/console/drafts', script: true, body }));
    const checked = type.validate(data);
    if (!checked.ok) return page(422, issueForm(c, type, { action, values: data, errors: checked.errors, approval }));
    if (str(form, 'action') === 'preview') {
      const pages = await deps.preview(agencyId, draft.typeId, checked.value, 'draft');
      return page(200, issueForm(c, type, { action, values: data, preview: pages, approval }));
    }
    await updateDraft(deps.drafts, c.officer, id, checked.value);
    return reply.redirect(`/console/drafts/${id}?done=saved`, 303);
  });

  app.post('/console/drafts/:id/submit', async (req, reply) => {
    const c = await consoleRequest(deps.db, req, { write: true });
    const d = await submitDraft(deps.drafts, c.officer, (req.params as { id: string }).id);
    return reply.redirect(`/console/drafts/${d.id}?done=${d.state === 'issued' ? 'issued' : 'submitted'}`, 303);
  });

  app.post('/console/drafts/:id/approve', async (req, reply) => {
    const c = await consoleRequest(deps.db, req, { write: true });
    const d = await approveDraft(deps.drafts, c.officer, (req.params as { id: string }).id);
    return reply.redirect(`/console/drafts/${d.id}?done=issued`, 303);
  });

  app.post('/console/drafts/:id/reject', async (req, reply) => {
    const c = await consoleRequest(deps.db, req, { write: true });
    const d = await rejectDraft(deps.drafts, c.officer, (req.params as { id: string }).id, str(formBody(req), 'reason'));
    return reply.redirect(`/console/drafts/${d.id}?done=rejected`, 303);
  });
}

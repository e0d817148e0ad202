import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../domain/errors.js';
import { getAuthoredType, listAuthoredTypes } from '../../../store/repos/authored-types.js';
import { saveTypeDraft, startNewVersion } from '../../../doctypes/authoring/versions.js';
import { isEntitled } from '../../../store/index.js';
import { esc } from '../../pages/html.js';
import type { ConsoleDeps } from '../console-deps.js';
import { requireRole } from '../../../console/services/acting-officer.js';
import { consoleRequest, formBody, requireAgency, str, type ConsoleRequest } from '../context.js';
import { consolePage, csrfField, notice, statusBadge, t, thaiDateTime } from '../page.js';
import { previewImages } from './issue.js';

const HTML = 'text/html; charset=utf-8';

interface Problem {
  part: string;
  message: { th: string; en: string };
}

interface EditorSources {
  definition: string;
  schema: string;
  template: string;
  sample: string;
}

const PARTS: { name: keyof EditorSources; file: string; th: string; en: string; rows: number }[] = [
  { name: 'definition', file: 'type.json', th: 'คำอธิบายประเภทเอกสาร', en: 'Type definition', rows: 14 },
  { name: 'schema', file: 'schema.json', th: 'โครงสร้างข้อมูล (JSON Schema)', en: 'Data schema (JSON Schema)', rows: 14 },
  { name: 'template', file: 'template.typ', th: 'แม่แบบ (Typst)', en: 'Template (Typst)', rows: 18 },
  { name: 'sample', file: 'sample.json', th: 'ข้อมูลตัวอย่าง', en: 'Sample data', rows: 10 },
];

function parseJson(part: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError('invalid_json', 422, { th: `${part}: JSON ไม่ถูกต้อง (${(e as Error).message})`, en: `${part}: not valid JSON (${(e as Error).message})` });
  }
}

function editor(c: ConsoleRequest, action: string, src: EditorSources, opts: { problems?: Problem[]; preview?: string[]; state?: string; typeId?: string; version?: number; message?: string }): string {
  const problems = opts.problems?.length
    ? notice('bad', `<strong>${t('ยังเผยแพร่ไม่ได้', 'Cannot be published yet')}</strong><ul id="type-problems">${opts.problems.map((p) => `<li><code>${esc(p.part)}</code>: ${t(p.message.th, p.message.en)}</li>`).join('')}</ul>`)
    : '';
  const fields = PARTS.map(
    (p) => `<div class="field"><label for="src-${p.name}">${t(p.th, p.en)} <code>${p.file}</code></label>
<input type="file" id="file-${p.name}" data-fills="src-${p.name}" accept="${p.file.endsWith('.typ') ? '.typ,text/plain' : '.json,application/json'}" aria-label="${esc(`อัปโหลด ${p.file} Upload ${p.file}`)}">
<textarea id="src-${p.name}" name="${p.name}" rows="${p.rows}" spellcheck="false" required>${esc(src[p.name])}</textarea></div>`,
  ).join('');
  const published = opts.state === 'published';
  const buttons = published
    ? ''
    : `<button type="submit" name="action" value="save" class="secondary">${t('บันทึกร่าง', 'Save draft')}</button>
<button type="submit" name="action" value="check" class="secondary">${t('ตรวจและดูตัวอย่าง', 'Check and preview')}</button>
${opts.typeId ? `<button type="submit" name="action" value="publish" id="publish">${t('เผยแพร่รุ่นนี้', 'Publish this version')}</button>` : ''}`;
  return `${opts.message ?? ''}${problems}<div class="grid2"><form class="card" method="post" action="${esc(action)}" id="type-editor">${csrfField(c.nav)}
${opts.typeId ? `<p>${statusBadge(published ? 'issued' : 'draft')} <code>${esc(opts.typeId)}</code> ${t('รุ่น', 'version')} ${opts.version}</p>` : ''}
${fields}<div class="actions">${buttons}</div></form>
<section class="card preview" aria-label="ตัวอย่าง Preview">${opts.preview?.length ? previewImages(opts.preview) : `<p class="muted">${t('ตรวจแล้วจะเห็นเอกสารจากข้อมูลตัวอย่างที่นี่', 'After a check, the sample document appears here')}</p>`}</section></div>`;
}

function sourcesFromForm(form: Record<string, unknown>): EditorSources {
  return { definition: str(form, 'definition'), schema: str(form, 'schema'), template: str(form, 'template'), sample: str(form, 'sample') };
}

const pretty = (v: unknown) => JSON.stringify(v, null, 2);

export function typeRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get('/console/types', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    const agencyId = requireAgency(c.officer);
    requireRole(c.officer, 'agency_admin');
    const live: string[] = [];
    for (const type of deps.types.values()) {
      if (!(await isEntitled(deps.db, agencyId, type.definition.id))) continue;
      live.push(
        `<tr><td>${t(type.definition.name.th, type.definition.name.en)}</td><td><code>${esc(type.definition.id)}</code></td><td>${type.definition.version}</td><td><form class="inline" method="post" action="/console/types/${esc(type.definition.id)}/new-version">${csrfField(c.nav)}<button type="submit" class="secondary">${t('แก้ไขเป็นรุ่นใหม่', 'Edit as a new version')}</button></form></td></tr>`,
      );
    }
    const authored = (await listAuthoredTypes(deps.db, agencyId))
      .map((a) => `<tr><td><a href="/console/types/${esc(a.typeId)}/${a.version}">${esc(a.typeId)} v${a.version}</a></td><td>${statusBadge(a.state === 'published' ? 'issued' : 'draft')}</td><td>${esc(thaiDateTime(a.updatedAt))}</td></tr>`)
      .join('');
    reply.type(HTML);
    return consolePage(c.nav, {
      title: ['ประเภทเอกสาร', 'Document types'],
      active: '/console/types',
      body: `<section class="card" aria-labelledby="live-h"><h2 id="live-h">${t('ประเภทที่ใช้งานอยู่', 'Types in use')}</h2><table class="list"><thead><tr><th scope="col">${t('ชื่อ', 'Name')}</th><th scope="col">${t('รหัส', 'Id')}</th><th scope="col">${t('รุ่น', 'Version')}</th><th scope="col"></th></tr></thead><tbody>${live.join('')}</tbody></table>
<p><a class="button" href="/console/types/new">${t('สร้างประเภทเอกสารใหม่', 'Create a new type')}</a></p></section>
<section class="card" aria-labelledby="authored-h"><h2 id="authored-h">${t('ร่างและรุ่นที่หน่วยงานสร้าง', 'Versions written by this agency')}</h2><table class="list"><tbody>${authored || `<tr><td>${t('ยังไม่มี', 'None yet')}</td></tr>`}</tbody></table></section>`,
    });
  });

  app.get('/console/types/new', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    requireAgency(c.officer);
    requireRole(c.officer, 'agency_admin');
    const base = deps.types.get('training-certificate') ?? [...deps.types.values()][0];
    const src: EditorSources = base
      ? { definition: pretty({ ...base.definition, id: 'my-new-type', version: 1 }), schema: pretty(base.schema), template: base.templateSource, sample: pretty(base.sample ?? {}) }
      : { definition: '{}', schema: '{}', template: '', sample: '{}' };
    reply.type(HTML);
    return consolePage(c.nav, { title: ['ประเภทเอกสารใหม่', 'New document type'], active: '/console/types', script: true, body: editor(c, '/console/types/new', src, {}) });
  });

  app.post('/console/types/new', async (req, reply) => {
    const c = await consoleRequest(deps.db, req, { write: true });
    const agencyId = requireAgency(c.officer);
    requireRole(c.officer, 'agency_admin');
    const src = sourcesFromForm(formBody(req));
    try {
      const saved = await saveTypeDraft(deps, {
        agencyId,
        actor: `user:${c.officer.userId}`,
        source: c.officer.source,
        definition: parseJson('type.json', src.definition),
        schema: parseJson('schema.json', src.schema),
        templateSource: src.template,
        sample: parseJson('sample.json', src.sample),
      });
      return reply.redirect(`/console/types/${saved.typeId}/${saved.version}?done=saved`, 303);
    } catch (e) {
      if (!(e instanceof AppError) || e.httpStatus >= 500) throw e;
      const problems = (Array.isArray(e.details) ? e.details : [{ part: 'type', message: e.text }]) as Problem[];
      return reply.status(e.httpStatus).type(HTML).send(consolePage(c.nav, { title: ['ประเภทเอกสารใหม่', 'New document type'], active: '/console/types', script: true, body: editor(c, '/console/types/new', src, { problems }) }));
    }
  });

  app.post('/console/types/:typeId/new-version', async (req, reply) => {
    const c = await consoleRequest(deps.db, req, { write: true });
    const agencyId = requireAgency(c.officer);
    requireRole(c.officer, 'agency_admin');
    const typeId = (req.params as { typeId: string }).typeId;
    if (!(await isEntitled(deps.db, agencyId, typeId))) throw new AppError('not_found', 404, { th: 'ไม่พบประเภทเอกสาร', en: 'Type not found' });
    const draft = await startNewVersion(deps.db, deps.types, { agencyId, typeId, actor: `user:${c.officer.userId}` });
    return reply.redirect(`/console/types/${draft.typeId}/${draft.version}`, 303);
  });

  const ownAuthored = async (agencyId: string, typeId: string, version: string) => {
    const v = Number.parseInt(version, 10);
    const a = Number.isInteger(v) && v > 0 && v < 1_000_000 ? await getAuthoredType(deps.db, typeId, v) : null;
    if (!a || a.agencyId !== agencyId) throw new AppError('not_found', 404, { th: 'ไม่พบประเภทเอกสาร', en: 'Type not found' });
    return a;
  };

  app.get('/console/types/:typeId/:version', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    const agencyId = requireAgency(c.officer);
    requireRole(c.officer, 'agency_admin');
    const p = req.params as { typeId: string; version: string };
    const a = await ownAuthored(agencyId, p.typeId, p.version);
    const done = (req.query as { done?: string }).done;
    const message =
      done === 'published'
        ? notice('ok', t('เผยแพร่แล้ว ใช้ออกเอกสารได้ทันที เอกสารที่ออกไปแล้วยังผูกกับรุ่นเดิม', 'Published: new documents use it now; documents already issued stay tied to their version'))
        : done === 'saved'
          ? notice('ok', t('บันทึกร่างแล้ว', 'Draft saved'))
          : '';
    const problems = (a.check?.problems ?? []) as Problem[];
    reply.type(HTML);
    return consolePage(c.nav, {
      title: ['แก้ไขประเภทเอกสาร', 'Edit document type'],
      active: '/console/types',
      script: true,
      body: editor(c, `/console/types/${a.typeId}/${a.version}`, { definition: pretty(a.definition), schema: pretty(a.schema), template: a.templateSource, sample: pretty(a.sample) }, { problems, state: a.state, typeId: a.typeId, version: a.version, message }),
    });
  });

  app.post('/console/types/:typeId/:version', async (req, reply) => {
    const c = await consoleRequest(deps.db, req, { write: true });
    const agencyId = requireAgency(c.officer);
    requireRole(c.officer, 'agency_admin');
    const p = req.params as { typeId: string; version: string };
    const a = await ownAuthored(agencyId, p.typeId, p.version);
    const form = formBody(req);
    const src = sourcesFromForm(form);
    const action = str(form, 'action');
    const page = (status: number, opts: Parameters<typeof editor>[3]) =>
      reply.status(status).type(HTML).send(consolePage(c.nav, { title: ['แก้ไขประเภทเอกสาร', 'Edit document type'], active: '/console/types', script: true, body: editor(c, `/console/types/${a.typeId}/${a.version}`, src, { state: a.state, typeId: a.typeId, version: a.version, ...opts }) }));
    try {
      // Whatever the button, what is in the editor is saved first: checks and publishing run on the saved sources.
      const definition = parseJson('type.json', src.definition);
      if ((definition as { id?: unknown } | null)?.id !== a.typeId || (definition as { version?: unknown }).version !== a.version) {
        throw new AppError('type_id_changed', 422, { th: `รหัสและรุ่นใน type.json ต้องเป็น "${a.typeId}" รุ่น ${a.version}`, en: `type.json must keep id "${a.typeId}" and version ${a.version}` });
      }
      const saved = await saveTypeDraft(deps, {
        agencyId,
        actor: `user:${c.officer.userId}`,
        source: c.officer.source,
        definition,
        schema: parseJson('schema.json', src.schema),
        templateSource: src.template,
        sample: parseJson('sample.json', src.sample),
        newVersionOfBundled: true,
      });
      if (action === 'check') {
        const r = await deps.checkType(agencyId, saved.typeId, saved.version);
        if (!r.ok) return page(422, { problems: r.problems });
        return page(200, { preview: r.preview, message: notice('ok', t('ผ่านการตรวจ: แม่แบบแปลงได้ เป็น PDF/A และข้อมูลตัวอย่างถูกต้อง', 'Checks passed: the template compiles, the PDF/A conforms and the sample is valid')) });
      }
      if (action === 'publish') {
        await deps.publishType(agencyId, saved.typeId, saved.version, `user:${c.officer.userId}`, c.officer.source);
        return reply.redirect(`/console/types/${saved.typeId}/${saved.version}?done=published`, 303);
      }
      return reply.redirect(`/console/types/${saved.typeId}/${saved.version}?done=saved`, 303);
    } catch (e) {
      if (!(e instanceof AppError) || e.httpStatus >= 500) throw e;
      const problems = (Array.isArray(e.details) ? e.details : Array.isArray((e.details as { problems?: unknown })?.problems) ? (e.details as { problems: Problem[] }).problems : [{ part: 'type', message: e.text }]) as Problem[];
      return page(e.httpStatus, { problems });
    }
  });
}

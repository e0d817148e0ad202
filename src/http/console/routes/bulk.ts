import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { progressOf } from '../../../bulk/bulk-service.js';
import { resultsCsvStream, zipStream } from '../../../bulk/output/index.js';
import { AppError } from '../../../domain/errors.js';
import { isEntitled, listBatches } from '../../../store/index.js';
import { esc } from '../../pages/html.js';
import { streamProgress } from '../../routes/batches.js';
import type { ConsoleDeps } from '../console-deps.js';
import { requireRole } from '../../../console/services/acting-officer.js';
import { requireCsrfToken } from '../../../console/auth/plugin.js';
import { consoleRequest, requireAgency } from '../context.js';
import { consolePage, csrfField, notice, t, thaiDateTime } from '../page.js';

const HTML = 'text/html; charset=utf-8';
const BATCH_ID = /^[A-Za-z0-9_-]{22}$/;

/** The upload's parts in form order: the CSRF token and type come before the file, so the file streams unbuffered. */
async function readUpload(req: FastifyRequest): Promise<{ typeId: string; file: { filename: string; mimetype: string; stream: AsyncIterable<Uint8Array> } }> {
  let csrf: unknown;
  let typeId = '';
  for await (const part of req.parts({ limits: { fields: 10, files: 1, fieldSize: 1000 } })) {
    if (part.type === 'field') {
      if (part.fieldname === '_csrf') csrf = part.value;
      else if (part.fieldname === 'type' && typeof part.value === 'string') typeId = part.value;
      continue;
    }
    try {
      requireCsrfToken(req, csrf);
    } catch (e) {
      part.file.resume();
      throw e;
    }
    return { typeId, file: { filename: part.filename, mimetype: part.mimetype, stream: part.file } };
  }
  requireCsrfToken(req, csrf);
  throw new AppError('no_file', 422, { th: 'กรุณาเลือกไฟล์ CSV หรือ JSONL', en: 'Choose a CSV or JSONL file' });
}

function formatOf(filename: string, mimetype: string): 'csv' | 'jsonl' | null {
  if (/\.csv$/i.test(filename) || mimetype === 'text/csv') return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(filename) || mimetype === 'application/x-ndjson') return 'jsonl';
  return null;
}

export function bulkRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get('/console/bulk', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    const agencyId = requireAgency(c.officer);
    requireRole(c.officer, 'issuing_officer');
    const options: string[] = [];
    for (const type of deps.types.values()) {
      if (await isEntitled(deps.db, agencyId, type.definition.id)) options.push(`<option value="${esc(type.definition.id)}">${esc(type.definition.name.th)} · ${esc(type.definition.name.en)}</option>`);
    }
    const batches = await listBatches(deps.db, agencyId, 20);
    const rows = batches
      .map((b) => `<tr><td><a href="/console/bulk/${esc(b.id)}">${esc(b.sourceName)}</a></td><td>${esc(deps.types.get(b.typeId)?.definition.name.th ?? b.typeId)}</td><td>${b.issuedRows + b.existingRows}/${b.totalRows}</td><td>${b.failedRows}</td><td>${esc(thaiDateTime(b.createdAt))}</td></tr>`)
      .join('');
    const sandbox = c.officer.mode === 'sandbox' ? notice('warn', t('การออกเป็นชุดใช้ได้ในโหมดปกติเท่านั้น', 'Bulk issuance runs in live mode only')) : '';
    reply.type(HTML);
    return consolePage(c.nav, {
      title: ['ออกเอกสารเป็นชุด', 'Bulk issuance'],
      active: '/console/bulk',
      body: `${sandbox}<form class="card" method="post" action="/console/bulk" enctype="multipart/form-data">${csrfField(c.nav)}
<div class="field"><label for="bulk-type">${t('ประเภทเอกสาร', 'Document type')}</label><select id="bulk-type" name="type" required>${options.join('')}</select></div>
<div class="field"><label for="bulk-file">${t('ไฟล์ CSV (UTF-8) หรือ JSONL หนึ่งแถวต่อหนึ่งฉบับ', 'CSV (UTF-8) or JSONL file, one row per document')}</label>
<p class="hint" id="bulk-file-hint">${t('แถวแรกของ CSV เป็นชื่อช่องตามประเภทเอกสาร แถวที่ผิดจะถูกรายงานแยก แถวที่ถูกต้องจะออกเอกสารให้', 'The first CSV row names the fields; bad rows are reported one by one, good rows are issued')}</p>
<input type="file" id="bulk-file" name="file" accept=".csv,.jsonl,.ndjson,text/csv,application/x-ndjson" required aria-describedby="bulk-file-hint"></div>
<button type="submit"${c.officer.mode === 'sandbox' ? ' disabled' : ''}>${t('อัปโหลดและออกเอกสาร', 'Upload and issue')}</button></form>
<section class="card" aria-labelledby="recent-h"><h2 id="recent-h">${t('ชุดล่าสุด', 'Recent batches')}</h2><table class="list"><thead><tr><th scope="col">${t('ไฟล์', 'File')}</th><th scope="col">${t('ประเภท', 'Type')}</th><th scope="col">${t('ออกแล้ว', 'Issued')}</th><th scope="col">${t('ผิดพลาด', 'Errors')}</th><th scope="col">${t('เมื่อ', 'When')}</th></tr></thead><tbody>${rows}</tbody></table></section>`,
    });
  });

  app.post('/console/bulk', async (req, reply) => {
    const c = await consoleRequest(deps.db, req);
    const agencyId = requireAgency(c.officer);
    requireRole(c.officer, 'issuing_officer');
    if (c.officer.mode === 'sandbox') throw new AppError('sandbox', 409, { th: 'การออกเป็นชุดใช้ได้ในโหมดปกติเท่านั้น', en: 'Bulk issuance runs in live mode only' });
    const { typeId, file } = await readUpload(req);
    const format = formatOf(file.filename, file.mimetype);
    if (!format) {
      for await (const _ of file.stream) void _;
      throw new AppError('unsupported_media_type', 415, { th: 'รองรับเฉพาะไฟล์ .csv หรือ .jsonl', en: 'Only .csv or .jsonl files are accepted' });
    }
    if (!(await isEntitled(deps.db, agencyId, typeId))) throw new AppError('not_entitled', 403, { th: 'หน่วยงานไม่มีสิทธิ์ออกเอกสารประเภทนี้', en: 'The agency may not issue this type' });
    const { batch } = await deps.bulk.submit({
      agencyId,
      typeId,
      format,
      sourceName: file.filename.slice(0, 200) || `upload.${format}`,
      source: file.stream,
      level: deps.defaultLevel,
      actor: `user:${c.officer.userId}`,
    });
    return reply.redirect(`/console/bulk/${batch.id}`, 303);
  });

  const own = async (req: FastifyRequest) => {
    const c = await consoleRequest(deps.db, req);
    const agencyId = requireAgency(c.officer);
    const id = (req.params as { id: string }).id;
    if (!BATCH_ID.test(id)) throw new AppError('not_found', 404, { th: 'ไม่พบชุดเอกสารนี้', en: 'Batch not found' });
    return { c, batch: await deps.bulk.get(id, agencyId) };
  };

  app.get('/console/bulk/:id', async (req, reply) => {
    const { c, batch } = await own(req);
    const p = progressOf(batch);
    const type = deps.types.get(batch.typeId);
    reply.type(HTML);
    return consolePage(c.nav, {
      title: ['ความคืบหน้าการออกเป็นชุด', 'Batch progress'],
      active: '/console/bulk',
      script: true,
      body: `<section class="card" id="batch" data-batch="${esc(batch.id)}" data-state="${esc(p.state)}">
<dl class="facts"><dt>${t('ไฟล์', 'File')}</dt><dd>${esc(batch.sourceName)}</dd><dt>${t('ประเภท', 'Type')}</dt><dd>${type ? t(type.definition.name.th, type.definition.name.en) : esc(batch.typeId)}</dd></dl>
<label for="batch-progress">${t('ความคืบหน้า', 'Progress')}</label>
<progress id="batch-progress" max="${p.total || 1}" value="${p.done}">${p.done}/${p.total}</progress>
<p id="batch-counts" aria-live="polite">${countsText(p)}</p>
<div class="actions" id="batch-links"${p.state === 'completed' ? '' : ' hidden'}><a class="button" href="/console/bulk/${esc(batch.id)}/results.csv">${t('ผลรายแถว (CSV)', 'Results per row (CSV)')}</a><a class="button secondary" href="/console/bulk/${esc(batch.id)}/documents.zip">${t('เอกสารทั้งหมด (ZIP)', 'All documents (ZIP)')}</a></div>
</section>`,
    });
  });

  app.get('/console/bulk/:id/events', async (req, reply) => {
    const { batch } = await own(req);
    streamProgress(deps, batch.id, reply);
  });

  app.get('/console/bulk/:id/results.csv', async (req, reply) => {
    const { batch } = await own(req);
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="batch-${batch.id}-results.csv"`);
    return reply.send(resultsCsvStream(deps.bulk.results(batch.id)));
  });

  app.get('/console/bulk/:id/documents.zip', async (req, reply) => {
    const { batch } = await own(req);
    reply.header('content-type', 'application/zip');
    reply.header('content-disposition', `attachment; filename="batch-${batch.id}.zip"`);
    return reply.send(zipStream(deps.bulk.pdfs(batch.id)));
  });
}

/** The counts line; the browser script writes the same words as events arrive. */
export function countsText(p: { done: number; total: number; issued: number; existing: number; failed: number; state: string }): string {
  return `${t(`ดำเนินการแล้ว ${p.done.toLocaleString('th-TH')} จาก ${p.total.toLocaleString('th-TH')} แถว · ออกแล้ว ${p.issued} · มีอยู่แล้ว ${p.existing} · ผิดพลาด ${p.failed}`, `${p.done} of ${p.total} rows · issued ${p.issued} · existing ${p.existing} · errors ${p.failed}`)}${p.state === 'completed' ? ` — ${t('เสร็จสิ้น', 'completed')}` : ''}`;
}

import type { FastifyInstance } from 'fastify';
import { isDocumentId } from '../../domain/identifiers.js';
import { documentStatusPage, notFoundPage } from '../pages/document-status-page.js';
import { esc, layout, pickLang } from '../pages/html.js';
import type { Services } from '../services.js';

const HTML = 'text/html; charset=utf-8';

export function pageRoutes(app: FastifyInstance, services: Services): void {
  app.get('/v/:id', { schema: { hide: true } }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const lang = pickLang(req.query);
    const status = isDocumentId(id) ? await services.publicStatus(id) : null;
    const path = `/v/${encodeURIComponent(id)}`;
    reply.type(HTML);
    if (!status) return reply.status(404).send(notFoundPage(lang, path));
    return documentStatusPage(lang, status, path);
  });

  app.get('/', { schema: { hide: true } }, async (req, reply) => {
    const lang = pickLang(req.query);
    const L = (th: string, en: string) => (lang === 'th' ? th : en);
    const types = [...services.types.values()]
      .map((t) => `<li>${esc(L(t.definition.name.th, t.definition.name.en))} <code>${esc(t.definition.id)}</code></li>`)
      .join('');
    const body = `<div class="card">
  <h1>${esc(L('ระบบออกและตรวจสอบเอกสารราชการดิจิทัล', 'Issue and verify official digital documents'))}</h1>
  <p>${esc(L('เอกสารทุกฉบับเป็น PDF/A-3 ลงลายมือชื่อดิจิทัล (PAdES) และตรวจสอบได้ด้วยรหัสเอกสารหรือ QR code', 'Every document is a PDF/A-3 with a PAdES digital signature, checkable by its id or QR code.'))}</p>
  <h2>${esc(L('ประเภทเอกสาร', 'Document types'))}</h2><ul>${types}</ul>
  <p class="actions"><a class="button" href="/verify?lang=${lang}">${esc(L('ตรวจสอบเอกสาร', 'Verify a document'))}</a></p>
  <p><a href="/api/docs">${esc(L('เอกสาร API (OpenAPI)', 'API documentation (OpenAPI)'))}</a></p>
</div>`;
    reply.type(HTML);
    return layout({ lang, title: 'ekasarn', body, switchHref: `/?lang=${lang === 'th' ? 'en' : 'th'}` });
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
}

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../domain/errors.js';
import { StoreInputError } from '../../store/validate.js';
import { esc } from '../pages/html.js';
import type { ConsoleDeps } from './console-deps.js';
import { consolePage, notice, t } from './page.js';
import { adminRoutes } from './routes/admin.js';
import { auditRoutes } from './routes/audit.js';
import { bulkRoutes } from './routes/bulk.js';
import { documentRoutes } from './routes/documents.js';
import { homeRoutes } from './routes/home.js';
import { issueRoutes } from './routes/issue.js';
import { typeRoutes } from './routes/types.js';

const SCRIPT_FILE = fileURLToPath(new URL('../../../dist/web/console.js', import.meta.url));

/** Errors in the console are pages, not JSON: a signed-out officer goes to sign-in, anything else is said in words. */
function consoleErrorHandler(err: FastifyError | AppError | StoreInputError, req: FastifyRequest, reply: FastifyReply) {
  const wantsJson = req.url.startsWith('/console/api/') || String(req.headers.accept ?? '').startsWith('application/json');
  let status = 500;
  let text = { th: 'ระบบขัดข้อง กรุณาลองใหม่ภายหลัง', en: 'Something went wrong; please try again later' };
  let code = 'internal';
  if (err instanceof AppError) {
    status = err.httpStatus;
    text = err.text;
    code = err.code;
  } else if (err instanceof StoreInputError) {
    // A form value the store's checks refused (e.g. an e-mail address): say which field and what was expected.
    status = 422;
    code = 'invalid_input';
    text = { th: `ข้อมูลไม่ถูกต้อง: ${err.field} (ต้องเป็น ${err.expected})`, en: `Invalid ${err.field}: expected ${err.expected}` };
  } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    status = err.statusCode;
    code = 'bad_request';
    text = { th: 'คำขอไม่ถูกต้อง', en: err.message };
  } else {
    req.log.error({ err }, 'console error');
  }
  if (status === 401 && !wantsJson && req.method === 'GET') return reply.redirect('/console/login', 303);
  if (wantsJson) return reply.status(status).send({ error: { code, message: text, ...(err instanceof AppError && err.details !== undefined ? { details: err.details } : {}) } });
  const details =
    err instanceof AppError && Array.isArray(err.details)
      ? `<ul>${(err.details as { message?: { th: string; en: string } }[])
          .filter((d) => d.message)
          .map((d) => `<li>${t(d.message!.th, d.message!.en)}</li>`)
          .join('')}</ul>`
      : '';
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send(
      consolePage(null, {
        title: status === 404 ? ['ไม่พบสิ่งที่ขอ', 'Not found'] : status === 403 ? ['ไม่มีสิทธิ์', 'Not allowed'] : ['ทำรายการไม่สำเร็จ', 'Could not do that'],
        body: `${notice('bad', `${t(text.th, text.en)}${details}`)}<p><a class="button secondary" href="/console">${t('กลับหน้าหลัก', 'Back to the console')}</a> <code class="muted">${esc(code)}</code></p>`,
      }),
    );
}

/** The issuer console's pages, in their own scope (own error handler); sign-in routes are registered beside them. */
export async function consoleRoutes(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  app.setErrorHandler(consoleErrorHandler);
  let script: Promise<Buffer> | undefined;
  app.get('/assets/console.js', async (_req, reply) => {
    script ??= readFile(SCRIPT_FILE);
    script.catch(() => (script = undefined));
    try {
      const body = await script;
      return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300, must-revalidate').send(body);
    } catch {
      return reply.status(503).type('text/plain; charset=utf-8').send('console script is not built: run `npm run build`');
    }
  });
  homeRoutes(app, deps);
  issueRoutes(app, deps);
  documentRoutes(app, deps);
  bulkRoutes(app, deps);
  auditRoutes(app, deps);
  adminRoutes(app, deps);
  typeRoutes(app, deps);
}

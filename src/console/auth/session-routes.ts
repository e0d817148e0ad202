import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { AppError } from '../../domain/errors.js';
import type { Database } from '../../store/db/schema.js';
import { getAgency } from '../../store/repos/agencies.js';
import { appendAuditEvent } from '../../store/repos/audit.js';
import { deleteSession, SESSION_MODES, updateSessionContext, type SessionMode } from '../../store/repos/sessions.js';
import { SLUG_PATTERN } from '../../store/validate.js';
import { requireCsrf } from './context.js';
import { clearedSessionCookie, serializeCookie } from './cookies.js';

export interface SessionRouteDeps {
  db: Kysely<Database>;
  publicUrl: string;
  audit: boolean;
}

function field(req: FastifyRequest, name: string): unknown {
  const body = req.body;
  if (!body || typeof body !== 'object') return undefined;
  const v = (body as Record<string, unknown>)[name];
  return Array.isArray(v) ? v[0] : v;
}

function wantsJson(req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** POST /console/logout, POST /console/session (switch agency / mode). */
export function sessionRoutes(app: FastifyInstance, deps: SessionRouteDeps): void {
  app.post('/console/logout', { schema: { hide: true } }, async (req, reply) => {
    const cleared = serializeCookie(clearedSessionCookie(deps.publicUrl));
    // Without a session there is nothing to end (and no token to check): just go to the sign-in page.
    if (!req.console) return reply.header('set-cookie', cleared).redirect('/console/login', 303);
    // Checked before the cookie is cleared: a forged logout must not sign the officer out either.
    const ctx = requireCsrf(req);
    reply.header('set-cookie', cleared);
    await deleteSession(deps.db, ctx.tokenHash);
    if (deps.audit && ctx.agencyId) {
      await appendAuditEvent(deps.db, { actor: `user:${ctx.user.id}`, action: 'officer.signed-out', agencyId: ctx.agencyId, source: req.ip });
    }
    return reply.redirect('/console/login', 303);
  });

  app.post('/console/session', { schema: { hide: true } }, async (req, reply) => {
    const ctx = requireCsrf(req);
    const agency = field(req, 'agency');
    const mode = field(req, 'mode');
    const change: { agencyId?: string; mode?: SessionMode } = {};
    if (agency !== undefined && agency !== '') {
      if (typeof agency !== 'string' || !SLUG_PATTERN.test(agency)) {
        throw new AppError('invalid_request', 422, { th: 'รหัสหน่วยงาน (agency) ไม่ถูกต้อง', en: 'agency: expected an agency id' });
      }
      const member = ctx.agencies.some((a) => a.id === agency);
      const allowed = member || (ctx.user.systemAdmin && (await getAgency(deps.db, agency)) !== null);
      if (!allowed) {
        throw new AppError('forbidden', 403, {
          th: 'ท่านไม่ได้เป็นเจ้าหน้าที่ของหน่วยงานนี้ จึงเลือกดำเนินการแทนหน่วยงานนี้ไม่ได้',
          en: 'You are not an officer of that agency, so you cannot act for it',
        });
      }
      change.agencyId = agency;
    }
    if (mode !== undefined && mode !== '') {
      if (typeof mode !== 'string' || !(SESSION_MODES as readonly string[]).includes(mode)) {
        throw new AppError('invalid_request', 422, { th: 'โหมด (mode) ต้องเป็น live หรือ sandbox', en: 'mode: expected "live" or "sandbox"' });
      }
      change.mode = mode as SessionMode;
    }
    if (change.agencyId === undefined && change.mode === undefined) {
      throw new AppError('invalid_request', 422, { th: 'ต้องระบุหน่วยงาน (agency) หรือโหมด (mode)', en: 'Give an agency or a mode to switch to' });
    }
    await updateSessionContext(deps.db, ctx.tokenHash, change);
    if (wantsJson(req)) return { agencyId: change.agencyId ?? ctx.agencyId, mode: change.mode ?? ctx.mode };
    return reply.redirect('/console', 303);
  });
}

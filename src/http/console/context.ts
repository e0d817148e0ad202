import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { AppError } from '../../domain/errors.js';
import { requireConsole, requireCsrf } from '../../console/auth/plugin.js';
import type { ActingOfficer } from '../../console/services/acting-officer.js';
import { getAgency, type Database } from '../../store/index.js';
import type { NavContext } from './page.js';

/** One request's officer: who, acting for which agency, in which mode, with which roles there; and the page frame. */
export interface ConsoleRequest {
  officer: ActingOfficer;
  nav: NavContext;
}

/** The agency's Thai name for page headers (a primary-key read; a renamed agency shows at once). */
export async function agencyName(db: Kysely<Database>, id: string): Promise<string> {
  return (await getAgency(db, id))?.nameTh ?? id;
}

export async function consoleRequest(db: Kysely<Database>, req: FastifyRequest, opts: { write?: boolean } = {}): Promise<ConsoleRequest> {
  const c = requireConsole(req);
  if (opts.write) requireCsrf(req);
  return {
    officer: {
      userId: c.user.id,
      agencyId: c.agencyId ?? '',
      roles: c.roles,
      mode: c.mode,
      source: req.ip ?? null,
      systemAdmin: c.user.systemAdmin,
    },
    nav: {
      user: { displayName: c.user.displayName, email: c.user.email, systemAdmin: c.user.systemAdmin },
      agencyId: c.agencyId,
      agencyName: c.agencyId ? await agencyName(db, c.agencyId) : null,
      agencies: c.agencies.map((a) => a.id),
      mode: c.mode,
      roles: c.roles,
      csrfToken: c.csrfToken,
    },
  };
}

/** The officer must be acting for an agency (a system administrator may have none chosen yet). */
export function requireAgency(o: ActingOfficer): string {
  if (!o.agencyId) throw new AppError('no_agency', 409, { th: 'โปรดเลือกหน่วยงานก่อน', en: 'Choose an agency first' });
  return o.agencyId;
}

/** The form body as a flat record (urlencoded or multipart fields). */
export function formBody(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  return typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

export function str(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : '';
}

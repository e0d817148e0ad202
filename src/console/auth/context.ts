import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../domain/errors.js';
import type { SessionMode } from '../../store/repos/sessions.js';
import type { Role } from '../../store/repos/users.js';

/** The signed-in officer as console routes see them (`req.console`), rebuilt from the database on every request. */
export interface ConsoleUser {
  id: string;
  email: string | null;
  displayName: string;
  systemAdmin: boolean;
}

export interface ConsoleContext {
  user: ConsoleUser;
  /** The agency the officer is acting for; null when they have none (e.g. a system administrator before choosing). */
  agencyId: string | null;
  mode: SessionMode;
  /** Roles in the acting agency (empty for a system administrator acting for an agency they are not a member of). */
  roles: Role[];
  agencies: { id: string; roles: Role[] }[];
  /** Put this in every form as `_csrf` (or send it as `x-csrf-token`). */
  csrfToken: string;
  /** SHA-256 of the session token (the session's key in the database). */
  tokenHash: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The console session, or null when not signed in (set by registerConsoleAuth for console paths). */
    console: ConsoleContext | null;
    /** The origin of the public URL, against which requireCsrf checks `Origin`. */
    consoleOrigin: string;
  }
}

/** The console session; AppError 401 `unauthenticated` when there is none. */
export function requireConsole(req: FastifyRequest): ConsoleContext {
  if (!req.console) {
    throw new AppError('unauthenticated', 401, {
      th: 'กรุณาเข้าสู่ระบบก่อน (หรือการเข้าสู่ระบบหมดอายุแล้ว)',
      en: 'Please sign in (or your session has expired)',
    });
  }
  return req.console;
}

const csrfError = () =>
  new AppError('csrf', 403, {
    th: 'คำขอนี้ไม่ได้มาจากหน้าของระบบ (โทเค็นป้องกันการปลอมคำขอไม่ถูกต้อง) กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง',
    en: 'This request did not come from a console page (missing or wrong anti-forgery token). Reload the page and try again',
  });

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** A form field as urlencoded (string, or array when repeated) or multipart with attachFieldsToBody ({ value }) gives it. */
function formField(v: unknown): string | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object' && typeof (first as { value?: unknown }).value === 'string') return (first as { value: string }).value;
  return undefined;
}

/**
 * For state-changing requests (POST, PUT, PATCH, DELETE): the session's CSRF token must come back in the form field
 * `_csrf` or the `x-csrf-token` header (compared in constant time), and a browser's `Origin` / `Sec-Fetch-Site`, when
 * sent, must say the request comes from our own origin. Safe methods pass. Returns the console context.
 */
export function requireCsrf(req: FastifyRequest): ConsoleContext {
  if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method)) return requireConsole(req);
  const body = req.body as Record<string, unknown> | null | undefined;
  return requireCsrfToken(req, formField(body && typeof body === 'object' ? body._csrf : undefined) ?? req.headers['x-csrf-token']);
}

/**
 * The same check for a token the route read itself — a streamed multipart upload, whose `_csrf` field arrives as a
 * part before the file rather than in a parsed body.
 */
export function requireCsrfToken(req: FastifyRequest, presented: unknown): ConsoleContext {
  const ctx = requireConsole(req);
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw csrfError();
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== req.consoleOrigin) throw csrfError();
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 200) throw csrfError();
  // Digests have equal length whatever was presented, as timingSafeEqual requires.
  if (!timingSafeEqual(digest(presented), digest(ctx.csrfToken))) throw csrfError();
  return ctx;
}

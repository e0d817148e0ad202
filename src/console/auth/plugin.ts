import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import { AppError } from '../../domain/errors.js';
import { errorBody } from '../../http/errors.js';
import { pickLang } from '../../http/pages/html.js';
import type { Database } from '../../store/db/schema.js';
import { StoreInputError } from '../../store/validate.js';
import { isHttps, sessionCookieName } from './cookies.js';
import { loadConsoleContext } from './load-context.js';
import { OidcRelyingParty } from './oidc-client.js';
import type { OidcSettings } from './oidc-settings.js';
import { errorPage, rateLimitedPage } from './pages.js';
import { sessionRoutes } from './session-routes.js';
import { signInRoutes } from './sign-in-routes.js';

export { requireConsole, requireCsrf, requireCsrfToken, type ConsoleContext, type ConsoleUser } from './context.js';

export interface ConsoleAuthDeps {
  db: Kysely<Database>;
  /** The URL officers use (https in production): cookie names and flags, redirect URI, Origin check. */
  publicUrl: string;
  /**
   * The identity provider; a function is called on first use (e.g. after the demo provider started) and again after
   * it failed. null = none configured: the login page says so.
   */
  oidc: OidcSettings | (() => Promise<OidcSettings>) | null;
  /** Record `officer.signed-in` / `officer.signed-out` in the audit trail (default true). */
  audit?: boolean;
  /** Per IP, for /console/login/start and /console/auth/callback each (default 10 per minute). */
  rateLimit?: { max: number; timeWindowMs: number };
  /** Key for the sign-in cookie; default random per process. Set the same one on every node behind a load balancer. */
  transientSecret?: Uint8Array;
  /** Paths whose requests get `req.console` resolved from the session cookie (default ['/console']). */
  sessionPaths?: string[];
}

const HTML = 'text/html; charset=utf-8';

function underPaths(url: string, paths: readonly string[]): boolean {
  const path = url.split('?', 1)[0] ?? '';
  return paths.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`));
}

/**
 * Console sign-in. Call once on the root instance, before the console routes: `await registerConsoleAuth(app, deps)`.
 * - registers @fastify/cookie and @fastify/formbody on the root instance unless already present (the console's forms
 *   need both), and @fastify/rate-limit inside its own scope for the sign-in routes only;
 * - decorates every request with `req.console` (the session, or null) for paths under `sessionPaths`;
 * - adds security headers to console responses (no-store, frame denial, HSTS over https…);
 * - serves GET /console/login, GET /console/login/start, GET /console/auth/callback, POST /console/logout,
 *   POST /console/session. Route handlers elsewhere use requireConsole / requireRole / requireCsrf.
 */
export async function registerConsoleAuth(app: FastifyInstance, deps: ConsoleAuthDeps): Promise<void> {
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const https = isHttps(publicUrl);
  const paths = deps.sessionPaths ?? ['/console'];
  const cookieName = sessionCookieName(publicUrl);
  const redirectUri = `${publicUrl}/console/auth/callback`;

  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(fastifyFormbody);
  app.decorateRequest('console', null);
  app.decorateRequest('consoleOrigin', new URL(publicUrl).origin);

  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (!underPaths(req.url, paths)) return;
    const token = req.cookies?.[cookieName];
    if (token) req.console = await loadConsoleContext(deps.db, token);
  });

  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!underPaths(req.url, paths)) return;
    // Pages show officers' work and carry CSRF tokens: never cached, never framed, never leaking the URL onwards.
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts, which the CSRF origin
    // check must refuse; other sites still learn nothing of console URLs.
    reply.header('referrer-policy', 'same-origin');
    if (https) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html') && !reply.hasHeader('content-security-policy')) {
      reply.header(
        'content-security-policy',
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
      );
    }
  });

  let rp: OidcRelyingParty | null | undefined;
  const relyingParty = async (): Promise<OidcRelyingParty | null> => {
    if (rp !== undefined) return rp;
    const oidc = deps.oidc;
    const settings = typeof oidc === 'function' ? await oidc() : oidc;
    rp = settings ? new OidcRelyingParty(settings, redirectUri) : null;
    return rp;
  };

  const audit = deps.audit ?? true;
  const transientSecret = deps.transientSecret ?? randomBytes(32);
  const limit = deps.rateLimit ?? { max: 10, timeWindowMs: 60_000 };

  await app.register(async (scope) => {
    await scope.register(fastifyRateLimit, { global: false });
    scope.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
      const lang = pickLang(req.query);
      if (err.statusCode === 429) {
        const retry = Number(reply.getHeader('retry-after')) || Math.ceil(limit.timeWindowMs / 1000);
        return reply.status(429).type(HTML).send(rateLimitedPage(lang, retry));
      }
      const known =
        err instanceof AppError ? err : err instanceof StoreInputError ? new AppError('invalid_request', 422, { th: `ข้อมูลไม่ถูกต้อง: ${err.message}`, en: err.message }) : null;
      if (!known) throw err;
      const accept = req.headers.accept ?? '';
      if (accept.includes('application/json') && !accept.includes('text/html')) {
        return reply.status(known.httpStatus).send(errorBody(known.code, known.text.th, known.text.en, known.details));
      }
      return reply.status(known.httpStatus).type(HTML).send(errorPage(lang, known.text));
    });
    signInRoutes(scope, {
      db: deps.db,
      publicUrl,
      relyingParty,
      transientSecret,
      audit,
      rateLimit: { max: limit.max, timeWindow: limit.timeWindowMs },
    });
    sessionRoutes(scope, { db: deps.db, publicUrl, audit });
  });
}

// Lets `app.register(registerConsoleAuth, deps)` behave like a direct call (what fastify-plugin does): the decorator and
// hooks must reach the console routes registered elsewhere, not stay inside an encapsulated child.
(registerConsoleAuth as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

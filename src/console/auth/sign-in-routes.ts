import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { pickLang } from '../../http/pages/html.js';
import { withTransaction } from '../../store/db/transaction.js';
import type { Database } from '../../store/db/schema.js';
import { appendAuditEvent } from '../../store/repos/audit.js';
import { createSession, deleteSession } from '../../store/repos/sessions.js';
import { findUserForLogin, listUserMemberships, recordLogin } from '../../store/repos/users.js';
import { clearedTransientCookie, serializeCookie, sessionCookie, transientCookie, transientCookieName } from './cookies.js';
import type { OidcRelyingParty } from './oidc-client.js';
import { isLoginErrorCode, loginPage, refusedPage, type LoginErrorCode } from './pages.js';
import { openTransient, sealTransient } from './transient-cookie.js';

const HTML = 'text/html; charset=utf-8';

export interface SignInRouteDeps {
  db: Kysely<Database>;
  publicUrl: string;
  /** null when no provider is configured; rejects when the provider cannot be reached. */
  relyingParty(): Promise<OidcRelyingParty | null>;
  transientSecret: Uint8Array;
  audit: boolean;
  /** @fastify/rate-limit route options for the two routes that talk to the provider. */
  rateLimit: { max: number; timeWindow: number };
}

function backToLogin(reply: FastifyReply, error: LoginErrorCode): FastifyReply {
  return reply.redirect(`/console/login?error=${error}`, 303);
}

/** GET /console/login, GET /console/login/start, GET /console/auth/callback. */
export function signInRoutes(app: FastifyInstance, deps: SignInRouteDeps): void {
  const limited = { config: { rateLimit: deps.rateLimit }, schema: { hide: true } };

  app.get('/console/login', { schema: { hide: true } }, async (req, reply) => {
    const query = req.query as { error?: unknown };
    let error: LoginErrorCode | null = isLoginErrorCode(query.error) ? query.error : null;
    let providerName: string | null = null;
    try {
      const rp = await deps.relyingParty();
      if (rp) providerName = rp.settings.name;
      else error = 'not_configured';
    } catch (err) {
      req.log.warn({ err }, 'console sign-in: provider settings unavailable');
      error = 'unavailable';
    }
    return reply.type(HTML).send(loginPage({ lang: pickLang(req.query), providerName, error }));
  });

  app.get('/console/login/start', limited, async (req, reply) => {
    let rp: OidcRelyingParty | null;
    let begun: Awaited<ReturnType<OidcRelyingParty['begin']>>;
    try {
      rp = await deps.relyingParty();
      if (!rp) return backToLogin(reply, 'not_configured');
      begun = await rp.begin();
    } catch (err) {
      req.log.warn({ err }, 'console sign-in: provider discovery failed');
      return backToLogin(reply, 'unavailable');
    }
    reply.header('set-cookie', serializeCookie(transientCookie(deps.publicUrl, sealTransient(deps.transientSecret, begun.transient))));
    return reply.redirect(begun.url.href, 303);
  });

  app.get('/console/auth/callback', limited, async (req, reply) => {
    // One attempt per cookie: cleared whatever happens, so a replayed callback URL finds nothing to complete.
    reply.header('set-cookie', serializeCookie(clearedTransientCookie(deps.publicUrl)));
    const transient = openTransient(deps.transientSecret, req.cookies[transientCookieName(deps.publicUrl)]);
    if (!transient) return backToLogin(reply, 'expired');
    const rp = await deps.relyingParty().catch(() => null);
    if (!rp) return backToLogin(reply, 'unavailable');
    const identity = await rp.finish(callbackUrl(rp.redirectUri, req), transient).catch((err: unknown) => {
      // openid-client's messages name the failed check (state, nonce, signature…), never claims: safe to log.
      req.log.warn({ err }, 'console sign-in: code exchange or token validation failed');
      return null;
    });
    if (!identity) return backToLogin(reply, 'provider');
    const lang = pickLang(req.query);
    const user = await findUserForLogin(deps.db, identity);
    if (!user || user.disabled) {
      // No e-mail or name in the log: the issuer says which provider, the reason is enough to answer a support call.
      req.log.info({ issuer: identity.issuer, reason: user ? 'disabled' : 'unregistered' }, 'console sign-in refused');
      return reply.status(403).type(HTML).send(refusedPage(lang, user ? 'disabled' : 'unregistered'));
    }
    const memberships = await listUserMemberships(deps.db, user.id);
    const agencyId = memberships[0]?.agencyId ?? null;
    const previous = req.console?.tokenHash;
    const session = await withTransaction(deps.db, async (trx) => {
      // A new sign-in replaces the browser's previous session (whoever it belonged to) rather than leaving it alive.
      if (previous) await deleteSession(trx, previous);
      const created = await createSession(trx, { userId: user.id, agencyId, mode: 'live', ip: req.ip });
      await recordLogin(trx, user.id);
      if (deps.audit && agencyId) {
        await appendAuditEvent(trx, {
          actor: `user:${user.id}`,
          action: 'officer.signed-in',
          agencyId,
          source: req.ip,
          details: { issuer: identity.issuer },
        });
      }
      return created;
    });
    reply.header('set-cookie', serializeCookie(sessionCookie(deps.publicUrl, session.token)));
    return reply.redirect('/console', 303);
  });
}

/** The registered redirect URI plus the provider's query: what openid-client checks the response against. */
function callbackUrl(redirectUri: string, req: FastifyRequest): URL {
  const url = new URL(redirectUri);
  const q = req.url.indexOf('?');
  url.search = q >= 0 ? req.url.slice(q) : '';
  return url;
}

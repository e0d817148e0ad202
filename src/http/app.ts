import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import multipart from '@fastify/multipart';
import { makeErrorHandler, errorBody } from './errors.js';
import { documentRoutes } from './routes/documents.js';
import { pageRoutes } from './routes/pages.js';
import { typeRoutes } from './routes/types.js';
import { verifyRoutes } from './routes/verify.js';
import { binaryEndpointRoutes } from './routes/binary-endpoints.js';
import { publicRegistryRoutes } from './routes/public-registry.js';
import { verifyPageRoutes } from './routes/verify-page.js';
import { lifecycleRoutes } from './routes/lifecycle.js';
import { publicLogRoutes } from './routes/public-log.js';
import { webhookRoutes } from './routes/webhooks.js';
import { statusListRoutes } from './routes/status-list.js';
import { batchRoutes, MAX_BATCH_BYTES } from './routes/batches.js';
import { requireCaller } from './auth.js';
import type { Services } from './services.js';
import { registerConsoleAuth } from '../console/auth/plugin.js';
import type { OidcSettings } from '../console/auth/oidc-settings.js';
import { consoleRoutes } from './console/console-routes.js';

export interface HttpAppOptions {
  logger?: boolean;
  /** The identity provider officers sign in with; null/absent: the console says sign-in is not configured. */
  oidc?: OidcSettings | (() => Promise<OidcSettings>) | null;
  /** Trust X-Forwarded-For from these proxies (addresses/CIDRs, comma-separated) or, `true`, from any. */
  trustProxy?: boolean | string;
  /** Key for the short-lived sign-in cookie; the same on every server behind one load balancer (default random). */
  signInSecret?: Uint8Array;
  /** Sign-in attempts allowed per IP per minute (default 10). */
  loginRateLimit?: { max: number; timeWindowMs: number };
}

export async function buildHttpApp(services: Services, opts: HttpAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: services.bodyLimit,
    // Behind a reverse proxy the client's address (audit "from where", sign-in rate limit) is in X-Forwarded-For.
    ...(opts.trustProxy !== undefined ? { trustProxy: opts.trustProxy } : {}),
    // Request logs carry method, URL and status only: bodies and headers (API keys, personal data) are never logged.
    logger: opts.logger ? { level: 'info', redact: ['req.headers.authorization', 'req.headers["x-api-key"]'] } : false,
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: false } },
  });

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (!req.url.startsWith('/console')) reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    // Swagger UI ships its own inline script; our own pages need none.
    // Console pages get their own, stricter policy from the console's sign-in plugin.
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html') && !req.url.startsWith('/api/docs') && !req.url.startsWith('/console')) {
      reply.header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
    }
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'ekasarn API',
        version: '1',
        description: 'ออกและตรวจสอบเอกสารราชการดิจิทัล — issue and verify official Thai digital documents',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key ek_…' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.setErrorHandler(makeErrorHandler(services.bodyLimit));
  app.setNotFoundHandler((_req, reply) => reply.status(404).send(errorBody('not_found', 'ไม่พบสิ่งที่ขอ', 'Not found')));

  if (services.console) {
    await registerConsoleAuth(app, {
      db: services.console.db,
      publicUrl: services.publicUrl,
      oidc: opts.oidc ?? null,
      ...(opts.loginRateLimit ? { rateLimit: opts.loginRateLimit } : {}),
      ...(opts.signInSecret ? { transientSecret: opts.signInSecret } : {}),
    });
    const deps = services.console;
    await app.register(async (scope) => {
      // A console upload is capped like an API batch (EKASARN_BULK_MAX_BYTES): the file streams, the cap bounds disk.
      await scope.register(multipart, { limits: { fileSize: MAX_BATCH_BYTES, files: 1, fields: 10 } });
      await consoleRoutes(scope, deps);
    });
  }
  documentRoutes(app, services);
  lifecycleRoutes(app, services);
  publicLogRoutes(app, services);
  statusListRoutes(app, services);
  webhookRoutes(app, { ...services.webhooks, authenticate: (req, scope) => requireCaller(services, req, scope) });
  await app.register(async (scope) => batchRoutes(scope, services));
  await app.register(async (scope) => verifyRoutes(scope, services));
  await app.register(async (scope) => binaryEndpointRoutes(scope, services));
  typeRoutes(app, services);
  publicRegistryRoutes(app, services);
  pageRoutes(app, services);
  verifyPageRoutes(app, services);
  return app;
}

import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { DEMO_OFFICERS, seedDemoOfficers, startDemoIdp, type DemoIdp, type DemoOfficer } from '../../../src/app/demo-idp.js';
import { DEMO_AGENCY } from '../../../src/app/demo.js';
import { registerConsoleAuth, requireConsole, requireCsrf } from '../../../src/console/auth/plugin.js';
import { makeErrorHandler } from '../../../src/http/errors.js';
import type { Database } from '../../../src/store/db/schema.js';
import { upsertAgency } from '../../../src/store/repos/agencies.js';
import { freePort } from '../../helpers/test-app.js';

export const TEST_PASSWORD = 'correct horse battery staple';
export const OTHER_AGENCY = 'other-office';

/** Identities known to the provider but (at first) not to the console. */
export const EXTRA_IDP_USERS: DemoOfficer[] = [
  { username: 'stranger', email: 'stranger@example.org', displayName: 'คนแปลกหน้า', roles: [], systemAdmin: false },
  { username: 'unverified', email: 'unverified@example.org', displayName: 'ยังไม่ยืนยัน', roles: [], systemAdmin: false, emailVerified: false },
  { username: 'newbie', email: 'Newbie@Example.org', displayName: 'เจ้าหน้าที่ใหม่', roles: [], systemAdmin: false },
  // Same address as the demo issuing officer, under another subject: must not take over that account.
  { username: 'impostor', email: 'issuer@demo.ekasarn.invalid', displayName: 'ผู้แอบอ้าง', roles: [], systemAdmin: false },
];

export interface AuthHarness {
  app: FastifyInstance;
  baseUrl: string;
  idp: DemoIdp;
  close(): Promise<void>;
}

/**
 * A real Fastify app with the console sign-in plugin, on 127.0.0.1, plus the real demo identity provider on its own
 * port; the demo agency, a second agency and the demo officers are in the database. Two probe routes stand in for the
 * lead's console pages: GET /console (who am I) and POST /console/probe (a CSRF-checked write).
 */
export async function startAuthHarness(
  db: Kysely<Database>,
  opts: { rateLimit?: { max: number; timeWindowMs: number } } = {},
): Promise<AuthHarness> {
  await upsertAgency(db, { id: DEMO_AGENCY.id, nameTh: DEMO_AGENCY.nameTh, nameEn: DEMO_AGENCY.nameEn, addressTh: DEMO_AGENCY.addressTh });
  await upsertAgency(db, { id: OTHER_AGENCY, nameTh: 'หน่วยงานอื่น', nameEn: 'Another office', addressTh: '' });
  await seedDemoOfficers(db);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const idp = await startDemoIdp({ publicUrl: baseUrl, password: TEST_PASSWORD, users: [...DEMO_OFFICERS, ...EXTRA_IDP_USERS] });
  const app = Fastify();
  app.setErrorHandler(makeErrorHandler(1024 * 1024));
  await registerConsoleAuth(app, { db, publicUrl: baseUrl, oidc: idp.settings, rateLimit: opts.rateLimit ?? { max: 1000, timeWindowMs: 60_000 } });
  app.get('/console', async (req) => {
    const c = requireConsole(req);
    return { userId: c.user.id, email: c.user.email, displayName: c.user.displayName, systemAdmin: c.user.systemAdmin, agencyId: c.agencyId, mode: c.mode, roles: c.roles, agencies: c.agencies, csrfToken: c.csrfToken };
  });
  app.post('/console/probe', async (req) => {
    const c = requireCsrf(req);
    return { ok: true, userId: c.user.id };
  });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    app,
    baseUrl,
    idp,
    async close() {
      await app.close();
      await idp.close();
    },
  };
}

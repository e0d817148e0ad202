import { createHash, generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { Provider } from 'oidc-provider';
import { checkOidcSettings, type OidcSettings } from '../console/auth/oidc-settings.js';
import { esc } from '../http/pages/html.js';
import type { Database } from '../store/db/schema.js';
import { inviteOfficer, makeSystemAdmin, type Role } from '../store/repos/users.js';
import { DEMO_AGENCY_ID } from './demo.js';

/**
 * The demonstration identity provider: a real OpenID Connect provider (oidc-provider) on its own port on 127.0.0.1,
 * with fixed demo accounts and one password printed at start. It exists only in demo mode; a production deployment
 * points EKASARN_OIDC_* at the agency's provider (ThaiD, DGA Digital ID…) and has no built-in accounts.
 */
export interface DemoOfficer {
  username: string;
  email: string;
  displayName: string;
  /** Roles in the demo agency. */
  roles: Role[];
  systemAdmin: boolean;
  /** What the provider says about the e-mail (default true); tests use false to check invitations are not bound. */
  emailVerified?: boolean;
}

export const DEMO_OFFICERS: readonly DemoOfficer[] = [
  { username: 'sysadmin', email: 'sysadmin@demo.ekasarn.invalid', displayName: 'สมศักดิ์ ดูแลระบบ', roles: [], systemAdmin: true },
  { username: 'admin', email: 'admin@demo.ekasarn.invalid', displayName: 'สมหญิง ใจดี', roles: ['agency_admin'], systemAdmin: false },
  { username: 'issuer', email: 'issuer@demo.ekasarn.invalid', displayName: 'สมชาย รักงาน', roles: ['issuing_officer'], systemAdmin: false },
  { username: 'issuer2', email: 'issuer2@demo.ekasarn.invalid', displayName: 'วิภาวดี ตั้งใจ', roles: ['issuing_officer'], systemAdmin: false },
  { username: 'approver', email: 'approver@demo.ekasarn.invalid', displayName: 'ประเสริฐ มั่นคง', roles: ['approving_officer'], systemAdmin: false },
  { username: 'auditor', email: 'auditor@demo.ekasarn.invalid', displayName: 'อรุณี ตรวจตรา', roles: ['auditor'], systemAdmin: false },
  // Belongs to no agency yet: the system administrator can make them the administrator of a second agency, which is
  // how the demo shows that agencies sharing a deployment never see each other's documents.
  { username: 'other', email: 'other@demo.ekasarn.invalid', displayName: 'มานพ ต่างกรม', roles: [], systemAdmin: false },
];

/** Invites the demo officers into the demo agency (which must exist) and makes `sysadmin` a system administrator. Idempotent. */
export async function seedDemoOfficers(db: Kysely<Database>, officers: readonly DemoOfficer[] = DEMO_OFFICERS): Promise<void> {
  for (const o of officers) {
    if (o.systemAdmin) await makeSystemAdmin(db, { email: o.email, displayName: o.displayName });
    if (o.roles.length > 0) {
      await inviteOfficer(db, { email: o.email, displayName: o.displayName, agencyId: DEMO_AGENCY_ID, roles: o.roles, grantedBy: 'demo' });
    }
  }
}

export interface DemoIdpOptions {
  /** The console's public URL: the registered redirect URI is `${publicUrl}/console/auth/callback`. */
  publicUrl: string;
  /** Default 127.0.0.1 (the provider is for this machine only). */
  host?: string;
  /** Default 0 (any free port); e.g. the console's port + 1. */
  port?: number;
  /** The one password of every demo account; default random (print it). */
  password?: string;
  users?: readonly DemoOfficer[];
  clientId?: string;
  clientSecret?: string;
}

export interface DemoIdp {
  issuer: string;
  port: number;
  password: string;
  users: readonly DemoOfficer[];
  /** What to give registerConsoleAuth as `oidc`. */
  settings: OidcSettings;
  /** Lines for `npm start` to print: where, who, which password. */
  describe(): string[];
  close(): Promise<void>;
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 10_000) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function page(res: ServerResponse, status: number, title: string, body: string, formTarget: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-frame-options', 'DENY');
  // form-action must also allow the console: the browser checks the redirects that follow the form's POST.
  res.setHeader('content-security-policy', `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${formTarget}; frame-ancestors 'none'`);
  res.end(`<!doctype html>
<html lang="th">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>
  body { font-family: "Sarabun", "Noto Sans Thai", system-ui, sans-serif; background: #f3f0fa; margin: 0; font-size: 18px; line-height: 1.6; }
  main { max-width: 30rem; margin: 2rem auto; background: #fff; padding: 1.5rem; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
  .banner { background: #5b2a86; color: #fff; padding: .5rem 1rem; }
  label { display: block; font-weight: 600; margin-top: .75rem; }
  input { font: inherit; width: 100%; box-sizing: border-box; padding: .4rem .6rem; border: 2px solid #5f6368; border-radius: 6px; }
  input:focus, button:focus, a:focus { outline: 3px solid #f9ab00; outline-offset: 2px; }
  button { margin-top: 1rem; font: inherit; background: #5b2a86; color: #fff; border: 0; border-radius: 6px; padding: .5rem 1.25rem; cursor: pointer; }
  .error { background: #fce8e6; color: #8a1c12; border-left: 4px solid #c5221f; padding: .5rem .75rem; }
  table { border-collapse: collapse; margin-top: 1rem; font-size: .9rem; } td, th { padding: .15rem .5rem; text-align: left; border-bottom: 1px solid #ddd; }
</style></head>
<body><div class="banner">ผู้ให้บริการยืนยันตัวตนสำหรับสาธิต — Demo identity provider (not for real use)</div>
<main>${body}</main></body></html>`);
}

function loginForm(uid: string, users: readonly DemoOfficer[], error: boolean, username: string): string {
  const rows = users
    .map((u) => `<tr><td><code>${esc(u.username)}</code></td><td>${esc(u.displayName)}</td><td>${esc(u.systemAdmin ? 'system admin' : u.roles.join(', '))}</td></tr>`)
    .join('');
  return `<h1>เข้าสู่ระบบ / Sign in</h1>
${error ? '<p class="error" role="alert" id="idp-error">ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง / Wrong username or password</p>' : ''}
<form method="post" action="/interaction/${esc(uid)}/login">
  <label for="username">ชื่อผู้ใช้ / Username</label>
  <input id="username" name="username" autocomplete="username" required autofocus value="${esc(username)}">
  <label for="password">รหัสผ่าน / Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit" id="idp-submit">เข้าสู่ระบบ / Sign in</button>
</form>
<table><caption>บัญชีสาธิต / Demo accounts (รหัสผ่านพิมพ์ไว้ตอนเริ่มระบบ / password printed at start)</caption>
<tr><th>username</th><th>ชื่อ / name</th><th>role</th></tr>${rows}</table>`;
}

/** Starts the demo provider. Resolves once it listens; close() stops it. */
export async function startDemoIdp(opts: DemoIdpOptions): Promise<DemoIdp> {
  const publicUrl = opts.publicUrl.replace(/\/+$/, '');
  const consoleOrigin = new URL(publicUrl).origin;
  const host = opts.host ?? '127.0.0.1';
  const users = opts.users ?? DEMO_OFFICERS;
  const password = opts.password ?? randomBytes(9).toString('base64url');
  const clientId = opts.clientId ?? 'ekasarn-console';
  const clientSecret = opts.clientSecret ?? randomBytes(32).toString('base64url');
  const byUsername = new Map(users.map((u) => [u.username, u]));

  // Listen first: the issuer URL contains the port, and the port may be chosen by the OS.
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server: Server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://${host === '::1' ? '[::1]' : host}:${port}`;

  // Loaded only here: production never imports the provider.
  const { default: ProviderClass } = await import('oidc-provider');
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider: Provider = new ProviderClass(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [`${publicUrl}/console/auth/callback`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    async findAccount(_ctx: unknown, sub: string) {
      const user = byUsername.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, email: user.email, email_verified: user.emailVerified ?? true, name: user.displayName };
        },
      };
    },
    // Short lives: a demo has no reason to keep anything long (and explicit values keep the provider from warning).
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600 },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    jwks: { keys: [{ ...signingKey, kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' }] },
  });
  const providerCallback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const isSubmit = path.endsWith('/login');
    if (!isSubmit && req.method === 'GET') {
      if (details.prompt.name === 'login') {
        page(res, 200, 'เข้าสู่ระบบ / Sign in', loginForm(details.uid, users, false, ''), consoleOrigin);
        return;
      }
      // The console is this provider's only client (first party): consent is granted without asking.
      const accountId = details.session?.accountId;
      if (!accountId) throw new Error('no signed-in account for consent');
      const grant = (details.grantId && (await provider.Grant.find(details.grantId))) || new provider.Grant({ accountId, clientId: String(details.params.client_id) });
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
      return;
    }
    if (!isSubmit || req.method !== 'POST' || details.prompt.name !== 'login') {
      res.statusCode = 405;
      res.end();
      return;
    }
    const form = await readForm(req);
    const username = (form.get('username') ?? '').trim();
    const user = byUsername.get(username);
    const ok = timingSafeEqual(sha256(form.get('password') ?? ''), sha256(password));
    if (!user || !ok) {
      page(res, 401, 'เข้าสู่ระบบ / Sign in', loginForm(details.uid, users, true, username), consoleOrigin);
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.username } }, { mergeWithLastSubmission: false });
  }

  handler = (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (!/^\/interaction\/[A-Za-z0-9_-]+(\/login)?$/.test(path)) {
      providerCallback(req, res);
      return;
    }
    interaction(req, res, path).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      // Typically an expired interaction (cookie gone): start again from the console.
      page(
        res,
        400,
        'ผิดพลาด / Error',
        `<h1>เข้าสู่ระบบไม่สำเร็จ / Sign-in failed</h1><p class="error" role="alert">${esc((err as Error).message)}</p><p><a href="${esc(publicUrl)}/console/login">เริ่มใหม่ / Start again</a></p>`,
        consoleOrigin,
      );
    });
  };

  const settings = checkOidcSettings({ issuer, clientId, clientSecret, scopes: 'openid email profile', name: 'Demo ID', tokenAuthMethod: 'client_secret_basic' });
  return {
    issuer,
    port,
    password,
    users,
    settings,
    describe() {
      return [
        `ผู้ให้บริการยืนยันตัวตนสำหรับสาธิต / demo identity provider: ${issuer}`,
        `บัญชีสาธิต / demo accounts (รหัสผ่าน / password: ${password}):`,
        ...users.map((u) => `  ${u.username.padEnd(9)} ${u.displayName} — ${u.systemAdmin ? 'system administrator' : u.roles.length ? u.roles.join(', ') : 'no agency yet (ยังไม่สังกัดหน่วยงาน)'}`),
      ];
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
}

import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  clearedSessionCookie,
  serializeCookie,
  sessionCookie,
  sessionCookieName,
  transientCookie,
} from '../../../src/console/auth/cookies.js';
import { checkOidcSettings, oidcSettingsFromEnv } from '../../../src/console/auth/oidc-settings.js';
import { openTransient, sealTransient, TRANSIENT_TTL_MS } from '../../../src/console/auth/transient-cookie.js';
import { registerConsoleAuth } from '../../../src/console/auth/plugin.js';
import { createTestDatabase } from '../../helpers/databases.js';

const TOKEN = 'A'.repeat(43);

describe('session cookie', () => {
  it('over https: __Host- prefix, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain, no Max-Age', () => {
    const c = sessionCookie('https://ekasarn.dga.or.th', TOKEN);
    expect(c).toEqual({ name: '__Host-ekasarn_session', value: TOKEN, secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(serializeCookie(c)).toBe(`__Host-ekasarn_session=${TOKEN}; Path=/; HttpOnly; SameSite=Lax; Secure`);
    expect(serializeCookie(clearedSessionCookie('https://ekasarn.dga.or.th/'))).toBe(
      '__Host-ekasarn_session=; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    );
    expect(serializeCookie(transientCookie('https://ekasarn.dga.or.th', 'x.y'))).toBe('__Host-ekasarn_signin=x.y; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=600');
  });

  it('over plain http (local demo) the prefix is impossible: another name, no Secure', () => {
    expect(sessionCookieName('http://127.0.0.1:3000')).toBe('ekasarn_session');
    expect(serializeCookie(sessionCookie('http://127.0.0.1:3000', TOKEN))).toBe(`ekasarn_session=${TOKEN}; Path=/; HttpOnly; SameSite=Lax`);
  });

  it('refuses to serialise a value that would need escaping (header injection)', () => {
    expect(() => serializeCookie(sessionCookie('http://x', 'a;b'))).toThrow(/base64url/);
    expect(() => serializeCookie(sessionCookie('http://x', 'a\r\nSet-Cookie: evil=1'))).toThrow();
  });

  it('an https deployment reads the __Host- cookie and sends HSTS on console responses', async () => {
    const t = await createTestDatabase('sqlite');
    const app = Fastify();
    try {
      await registerConsoleAuth(app, { db: t.db, publicUrl: 'https://ekasarn.example.go.th', oidc: null });
      const res = await app.inject({ method: 'GET', url: '/console/login' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(res.body).toContain('EKASARN_OIDC_ISSUER');
      expect(res.body).not.toContain('/console/login/start');
      const start = await app.inject({ method: 'GET', url: '/console/login/start' });
      expect(start.headers.location).toBe('/console/login?error=not_configured');
      // A logout from a browser with no session just clears the (__Host-) cookie.
      const out = await app.inject({ method: 'POST', url: '/console/logout', cookies: { '__Host-ekasarn_session': TOKEN } });
      expect(out.statusCode).toBe(303);
      expect(String(out.headers['set-cookie'])).toMatch(/^__Host-ekasarn_session=; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=0/);
    } finally {
      await app.close();
      await t.destroy();
    }
  });
});

describe('sign-in transient cookie', () => {
  const key = new Uint8Array(32).fill(7);
  const values = { state: 's', nonce: 'n', codeVerifier: 'v' };

  it('round-trips within ten minutes; refused when altered, signed with another key, or expired', () => {
    const now = 1_700_000_000_000;
    const sealed = sealTransient(key, values, now);
    expect(openTransient(key, sealed, now + TRANSIENT_TTL_MS - 1)).toEqual(values);
    expect(openTransient(key, sealed, now + TRANSIENT_TTL_MS)).toBeNull();
    expect(openTransient(new Uint8Array(32).fill(8), sealed, now)).toBeNull();
    const [payload, mac] = sealed.split('.');
    const forged = Buffer.from(JSON.stringify({ ...values, state: 'attacker', exp: now + 1e9 })).toString('base64url');
    expect(openTransient(key, `${forged}.${mac}`, now)).toBeNull();
    expect(openTransient(key, `${payload}.${mac}.x`, now)).toBeNull();
    expect(openTransient(key, undefined, now)).toBeNull();
  });
});

describe('OIDC settings from the environment', () => {
  const env = { EKASARN_OIDC_ISSUER: 'https://imauth.bora.dopa.go.th', EKASARN_OIDC_CLIENT_ID: 'client', EKASARN_OIDC_CLIENT_SECRET: 'secret', EKASARN_OIDC_NAME: 'ThaiD' };

  it('defaults: scopes "openid email profile", client_secret_basic, prompt=login; unset issuer → null', () => {
    expect(oidcSettingsFromEnv(env)).toEqual({
      issuer: 'https://imauth.bora.dopa.go.th',
      clientId: 'client',
      clientSecret: 'secret',
      scopes: 'openid email profile',
      name: 'ThaiD',
      tokenAuthMethod: 'client_secret_basic',
      prompt: 'login',
    });
    expect(oidcSettingsFromEnv({})).toBeNull();
    expect(oidcSettingsFromEnv({ ...env, EKASARN_OIDC_PROMPT: '' })?.prompt).toBe('');
  });

  it('http only for this machine; every wrong variable is named', () => {
    expect(checkOidcSettings({ issuer: 'http://127.0.0.1:3001', clientId: 'c' }).issuer).toBe('http://127.0.0.1:3001');
    expect(checkOidcSettings({ issuer: 'http://localhost:3001/realms/x', clientId: 'c' }).issuer).toBe('http://localhost:3001/realms/x');
    expect(() => oidcSettingsFromEnv({ ...env, EKASARN_OIDC_ISSUER: 'http://idp.example.go.th' })).toThrow(/^EKASARN_OIDC_ISSUER: expected an https URL/);
    expect(() => oidcSettingsFromEnv({ ...env, EKASARN_OIDC_ISSUER: 'not a url' })).toThrow(/^EKASARN_OIDC_ISSUER/);
    expect(() => oidcSettingsFromEnv({ ...env, EKASARN_OIDC_CLIENT_ID: '' })).toThrow(/^EKASARN_OIDC_CLIENT_ID/);
    expect(() => oidcSettingsFromEnv({ ...env, EKASARN_OIDC_SCOPES: 'email profile' })).toThrow(/^EKASARN_OIDC_SCOPES/);
    expect(() => oidcSettingsFromEnv({ ...env, EKASARN_OIDC_TOKEN_AUTH: 'private_key_jwt' })).toThrow(/^EKASARN_OIDC_TOKEN_AUTH/);
    expect(() => oidcSettingsFromEnv({ ...env, EKASARN_OIDC_PROMPT: 'login; drop' })).toThrow(/^EKASARN_OIDC_PROMPT/);
  });
});

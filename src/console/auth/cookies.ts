import { TRANSIENT_TTL_MS } from './transient-cookie.js';

/**
 * The console's cookies. Over https they carry the `__Host-` prefix, which browsers accept only with Secure, Path=/
 * and no Domain: a sibling subdomain cannot plant or overwrite them. Over plain http (local demo) the prefix is
 * impossible, so the names differ. All are HttpOnly (no script reads them) and SameSite=Lax: sent when the identity
 * provider redirects back (a top-level GET), not on cross-site POSTs.
 */
export interface CookieSpec {
  name: string;
  value: string;
  secure: boolean;
  httpOnly: true;
  sameSite: 'Lax';
  path: '/';
  /** Seconds; undefined = until the browser closes; 0 = delete now. */
  maxAge?: number;
}

export function isHttps(publicUrl: string): boolean {
  return new URL(publicUrl).protocol === 'https:';
}

export function sessionCookieName(publicUrl: string): string {
  return isHttps(publicUrl) ? '__Host-ekasarn_session' : 'ekasarn_session';
}

export function transientCookieName(publicUrl: string): string {
  return isHttps(publicUrl) ? '__Host-ekasarn_signin' : 'ekasarn_signin';
}

function spec(publicUrl: string, name: string, value: string, maxAge?: number): CookieSpec {
  return { name, value, secure: isHttps(publicUrl), httpOnly: true, sameSite: 'Lax', path: '/', ...(maxAge === undefined ? {} : { maxAge }) };
}

/** No Max-Age: the cookie dies with the browser; the server enforces the idle and absolute limits anyway. */
export function sessionCookie(publicUrl: string, token: string): CookieSpec {
  return spec(publicUrl, sessionCookieName(publicUrl), token);
}

export function clearedSessionCookie(publicUrl: string): CookieSpec {
  return spec(publicUrl, sessionCookieName(publicUrl), '', 0);
}

export function transientCookie(publicUrl: string, value: string): CookieSpec {
  return spec(publicUrl, transientCookieName(publicUrl), value, Math.floor(TRANSIENT_TTL_MS / 1000));
}

export function clearedTransientCookie(publicUrl: string): CookieSpec {
  return spec(publicUrl, transientCookieName(publicUrl), '', 0);
}

/** The Set-Cookie header value. Values are ours (base64url, dots), so they need no encoding; anything else is a bug. */
export function serializeCookie(c: CookieSpec): string {
  if (!/^[A-Za-z0-9_.-]*$/.test(c.value)) throw new Error(`cookie ${c.name}: value must be base64url`);
  const parts = [`${c.name}=${c.value}`, `Path=${c.path}`, 'HttpOnly', `SameSite=${c.sameSite}`];
  if (c.secure) parts.push('Secure');
  if (c.maxAge !== undefined) {
    parts.push(`Max-Age=${c.maxAge}`);
    if (c.maxAge === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  }
  return parts.join('; ');
}

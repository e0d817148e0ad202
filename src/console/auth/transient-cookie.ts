import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignInTransient } from './oidc-client.js';

/**
 * The state, nonce and PKCE verifier of one sign-in attempt, carried in a cookie signed with HMAC-SHA256 and valid for
 * ten minutes. Signed so the browser cannot forge a state/nonce pair; the values themselves are no secret from the
 * browser that started the sign-in (it is the one the provider redirects back).
 */
export const TRANSIENT_TTL_MS = 10 * 60 * 1000;

interface Sealed extends SignInTransient {
  exp: number;
}

function mac(secret: Uint8Array, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

export function sealTransient(secret: Uint8Array, transient: SignInTransient, now: number = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ ...transient, exp: now + TRANSIENT_TTL_MS } satisfies Sealed)).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The transient values, or null when the cookie is missing, altered, malformed or older than ten minutes. */
export function openTransient(secret: Uint8Array, value: unknown, now: number = Date.now()): SignInTransient | null {
  if (typeof value !== 'string' || value.length > 2000) return null;
  const [payload, signature, extra] = value.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  const expected = mac(secret, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let parsed: Partial<Sealed>;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Sealed>;
  } catch {
    return null;
  }
  const { state, nonce, codeVerifier, exp } = parsed;
  if (typeof state !== 'string' || typeof nonce !== 'string' || typeof codeVerifier !== 'string' || typeof exp !== 'number') return null;
  if (exp <= now) return null;
  return { state, nonce, codeVerifier };
}

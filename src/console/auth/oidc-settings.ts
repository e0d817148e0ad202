/**
 * How the console reaches the agency's identity provider (ThaiD, DGA Digital ID, an agency's own Keycloak…). Only
 * configuration differs between them: any OpenID Connect provider with the authorization-code flow works.
 */
export interface OidcSettings {
  /** The provider's issuer identifier (discovery at `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  /** Absent for a public client (PKCE alone). */
  clientSecret?: string;
  /** Space-separated; `openid` is required. */
  scopes: string;
  /** What the sign-in button calls the provider, e.g. "ThaiD". */
  name: string;
  /** How the client authenticates at the token endpoint (default client_secret_basic, the OAuth 2.0 default). */
  tokenAuthMethod: 'client_secret_basic' | 'client_secret_post';
  /**
   * OIDC `prompt` sent with every sign-in; default `login`: the provider asks for credentials each time instead of
   * reusing its own session, so on a shared office computer signing out of the console and back in cannot silently
   * continue as the previous officer. Empty = send none (single sign-on).
   */
  prompt: string;
}

export class OidcSettingsError extends Error {
  constructor(
    readonly variable: string,
    expected: string,
  ) {
    super(`${variable}: expected ${expected}`);
    this.name = 'OidcSettingsError';
  }
}

/** http is accepted only for a provider on this machine (the demo provider, tests); anything else must be https. */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]');
}

export function checkOidcSettings(input: Partial<OidcSettings> & { issuer?: unknown; clientId?: unknown }, names = ENV_NAMES): OidcSettings {
  let issuer: URL;
  try {
    issuer = new URL(String(input.issuer ?? ''));
  } catch {
    throw new OidcSettingsError(names.issuer, 'the identity provider issuer URL, e.g. https://imauth.bora.dopa.go.th');
  }
  if (issuer.protocol !== 'https:' && !isLoopbackHttp(issuer)) {
    throw new OidcSettingsError(names.issuer, 'an https URL (http only for 127.0.0.1 or localhost)');
  }
  if (issuer.search || issuer.hash || issuer.username || issuer.password) throw new OidcSettingsError(names.issuer, 'a URL without query, fragment or credentials');
  const clientId = input.clientId;
  if (typeof clientId !== 'string' || clientId.trim() === '' || clientId.length > 500) throw new OidcSettingsError(names.clientId, 'the client id registered at the provider');
  const secret = input.clientSecret;
  if (secret !== undefined && (typeof secret !== 'string' || secret.length > 1000)) throw new OidcSettingsError(names.clientSecret, 'the client secret (a string)');
  const scopes = (input.scopes ?? 'openid email profile').trim().split(/\s+/);
  if (!scopes.includes('openid') || scopes.some((s) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))) {
    throw new OidcSettingsError(names.scopes, 'space-separated scopes including "openid", e.g. "openid email profile"');
  }
  const name = (input.name ?? 'OpenID Connect').trim();
  if (name === '' || name.length > 60) throw new OidcSettingsError(names.name, 'a short provider name for the sign-in button, e.g. "ThaiD"');
  const method = input.tokenAuthMethod ?? 'client_secret_basic';
  if (method !== 'client_secret_basic' && method !== 'client_secret_post') {
    throw new OidcSettingsError(names.tokenAuthMethod, '"client_secret_basic" or "client_secret_post"');
  }
  const prompt = (input.prompt ?? 'login').trim();
  if (prompt !== '' && !/^(none|login|consent|select_account)( (login|consent|select_account))*$/.test(prompt)) {
    throw new OidcSettingsError(names.prompt, 'an OIDC prompt value ("login", "select_account", …) or empty');
  }
  // The issuer is compared exactly with the discovery document's `issuer`, so keep it as written (minus a final "/"
  // only when the path is just "/": `new URL` adds one to a bare origin).
  const written = String(input.issuer);
  return {
    issuer: issuer.pathname === '/' && !written.endsWith('/') ? issuer.origin : written,
    clientId,
    ...(secret ? { clientSecret: secret } : {}),
    scopes: scopes.join(' '),
    name,
    tokenAuthMethod: method,
    prompt,
  };
}

const ENV_NAMES = {
  issuer: 'EKASARN_OIDC_ISSUER',
  clientId: 'EKASARN_OIDC_CLIENT_ID',
  clientSecret: 'EKASARN_OIDC_CLIENT_SECRET',
  scopes: 'EKASARN_OIDC_SCOPES',
  name: 'EKASARN_OIDC_NAME',
  tokenAuthMethod: 'EKASARN_OIDC_TOKEN_AUTH',
  prompt: 'EKASARN_OIDC_PROMPT',
};

/** Settings from the environment, or null when EKASARN_OIDC_ISSUER is unset (console sign-in not configured). */
export function oidcSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): OidcSettings | null {
  if (!env.EKASARN_OIDC_ISSUER) return null;
  return checkOidcSettings({
    issuer: env.EKASARN_OIDC_ISSUER,
    clientId: env.EKASARN_OIDC_CLIENT_ID,
    clientSecret: env.EKASARN_OIDC_CLIENT_SECRET || undefined,
    scopes: env.EKASARN_OIDC_SCOPES || undefined,
    name: env.EKASARN_OIDC_NAME || undefined,
    tokenAuthMethod: (env.EKASARN_OIDC_TOKEN_AUTH || undefined) as OidcSettings['tokenAuthMethod'] | undefined,
    prompt: env.EKASARN_OIDC_PROMPT,
  });
}

import * as oidc from 'openid-client';
import { isLoopbackHttp, type OidcSettings } from './oidc-settings.js';

/** What the console keeps between sending the officer to the provider and their return: per sign-in attempt. */
export interface SignInTransient {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Who the provider says signed in. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/**
 * The console as an OpenID Connect relying party: authorization code flow with PKCE (S256), state and nonce, checked by
 * openid-client (issuer, audience, signature, nonce, iss response parameter). Discovery runs on first use and is
 * retried on the next attempt when it failed (the provider may start after us).
 */
export class OidcRelyingParty {
  #config: Promise<oidc.Configuration> | undefined;

  constructor(
    readonly settings: OidcSettings,
    readonly redirectUri: string,
  ) {}

  #configuration(): Promise<oidc.Configuration> {
    if (!this.#config) {
      const issuer = new URL(this.settings.issuer);
      const secret = this.settings.clientSecret;
      const auth = !secret
        ? oidc.None()
        : this.settings.tokenAuthMethod === 'client_secret_post'
          ? oidc.ClientSecretPost(secret)
          : oidc.ClientSecretBasic(secret);
      this.#config = oidc
        .discovery(issuer, this.settings.clientId, secret ? { client_secret: secret } : undefined, auth, {
          // Plain http only towards this machine (demo provider); oidc-settings refuses other http issuers already.
          execute: isLoopbackHttp(issuer) ? [oidc.allowInsecureRequests] : [],
          timeout: 10,
        })
        .catch((err: unknown) => {
          this.#config = undefined;
          throw err;
        });
    }
    return this.#config;
  }

  /** The provider URL to send the browser to, and the values to keep (in a short-lived signed cookie) until return. */
  async begin(): Promise<{ url: URL; transient: SignInTransient }> {
    const config = await this.#configuration();
    const transient: SignInTransient = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const params: Record<string, string> = {
      redirect_uri: this.redirectUri,
      scope: this.settings.scopes,
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(transient.codeVerifier),
      code_challenge_method: 'S256',
      state: transient.state,
      nonce: transient.nonce,
    };
    if (this.settings.prompt) params.prompt = this.settings.prompt;
    const url = oidc.buildAuthorizationUrl(config, params);
    return { url, transient };
  }

  /**
   * Exchanges the code from the callback URL (which must be `redirectUri` plus the provider's query) and returns the
   * identity. Claims missing from the ID token (providers that conform strictly put email/name only in UserInfo) are
   * fetched from the UserInfo endpoint, bound to the same subject.
   */
  async finish(callbackUrl: URL, transient: SignInTransient): Promise<OidcIdentity> {
    const config = await this.#configuration();
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: transient.codeVerifier,
      expectedState: transient.state,
      expectedNonce: transient.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new Error('the provider returned no ID token');
    let source: Record<string, unknown> = claims;
    const hasUserInfo = Boolean(config.serverMetadata().userinfo_endpoint);
    if ((claims.email === undefined || claims.name === undefined) && hasUserInfo && tokens.access_token) {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      source = { ...info, ...claims };
    }
    return {
      issuer: claims.iss,
      subject: claims.sub,
      email: typeof source.email === 'string' ? source.email : null,
      // Some providers send "true" as a string; only a real boolean true counts as verified.
      emailVerified: source.email_verified === true,
      name: typeof source.name === 'string' ? source.name : null,
    };
  }
}

/** Console sign-in: OpenID Connect relying party, server-side sessions, CSRF, roles. See plugin.ts for the wiring. */
export {
  registerConsoleAuth,
  requireAgency,
  requireConsole,
  requireCsrf,
  requireRole,
  requireSystemAdmin,
  type ConsoleAuthDeps,
  type ConsoleContext,
  type ConsoleUser,
} from './plugin.js';
export { checkOidcSettings, oidcSettingsFromEnv, OidcSettingsError, type OidcSettings } from './oidc-settings.js';
export { ROLE_LABELS, ROLES, isRole, type Role } from './roles.js';
export { LOGIN_ERRORS, type LoginErrorCode } from './pages.js';
export { sessionCookieName } from './cookies.js';

import type { Config } from '../config.js';
import { openApp } from '../app/open-app.js';
import { buildHttpApp } from '../http/app.js';
import { createTsaHttpServer } from '../timestamp/node.js';
import { oidcSettingsFromEnv } from '../console/auth/oidc-settings.js';
import { startDemoIdp, type DemoIdp } from '../app/demo-idp.js';

/**
 * EKASARN_SIGNIN_SECRET (at least 32 bytes as hex or base64): servers behind one load balancer share it, so a sign-in
 * begun on one can finish on another. Unset: a random key per process, right for a single server.
 */
function signInSecret(): { signInSecret?: Uint8Array } {
  const raw = process.env.EKASARN_SIGNIN_SECRET;
  if (!raw) return {};
  const bytes = /^[0-9a-f]+$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (bytes.length < 32) throw new Error('EKASARN_SIGNIN_SECRET must hold at least 32 bytes (64 hex digits or 44 base64 characters)');
  return { signInSecret: new Uint8Array(bytes) };
}

/** Runs the HTTP server until SIGINT/SIGTERM, then closes the server and the database cleanly. */
export async function serve(config: Config, opts: { banner: string[]; demo?: boolean }): Promise<number> {
  const app = await openApp(config);
  // Officers sign in with the agency's identity provider (EKASARN_OIDC_*). Only the demo (`ekasarn start`, or
  // EKASARN_DEMO_IDP=on) starts the bundled development provider with its demo accounts; a production server without
  // EKASARN_OIDC_ISSUER has no way in at all — no built-in users, no backdoor.
  let oidc = oidcSettingsFromEnv();
  let idp: DemoIdp | null = null;
  if (!oidc && (opts.demo || process.env.EKASARN_DEMO_IDP === 'on')) {
    const port = process.env.EKASARN_DEMO_IDP_PORT ? Number(process.env.EKASARN_DEMO_IDP_PORT) : config.port + 1;
    idp = await startDemoIdp({ publicUrl: config.publicUrl, port, ...(process.env.EKASARN_DEMO_PASSWORD ? { password: process.env.EKASARN_DEMO_PASSWORD } : {}) });
    oidc = idp.settings;
  }
  const loginsPerMinute = process.env.EKASARN_LOGIN_RATE_LIMIT;
  if (loginsPerMinute !== undefined && !/^[1-9][0-9]{0,5}$/.test(loginsPerMinute)) throw new Error(`EKASARN_LOGIN_RATE_LIMIT must be a whole number of sign-ins per minute, got "${loginsPerMinute}"`);
  const http = await buildHttpApp(app.services, {
    logger: process.env.EKASARN_LOG !== 'off',
    oidc,
    ...(loginsPerMinute ? { loginRateLimit: { max: Number(loginsPerMinute), timeWindowMs: 60_000 } } : {}),
    ...signInSecret(),
    ...(process.env.EKASARN_TRUST_PROXY ? { trustProxy: process.env.EKASARN_TRUST_PROXY === 'true' ? true : process.env.EKASARN_TRUST_PROXY } : {}),
  });
  // Background work: integrate log events written by other processes (CLI, workers), and expire documents.
  app.startBackgroundWork();
  const expiry = setInterval(() => void app.expireDue().catch((e: Error) => console.error(`ekasarn: expiry sweep failed: ${e.message}`)), 60_000);
  expiry.unref();
  await http.listen({ host: config.host, port: config.port });
  const lines = [
    '',
    `ekasarn พร้อมใช้งาน / ready at ${config.publicUrl}`,
    `  หน้าแรก / home:          ${config.publicUrl}/`,
    `  เอกสาร API / API docs:   ${config.publicUrl}/api/docs`,
    `  ตรวจสอบ / verify:        ${config.publicUrl}/verify · POST ${config.publicUrl}/api/v1/verify`,
    `  บันทึกสาธารณะ / log:     ${config.publicUrl}/log/checkpoint`,
    `  สำหรับเจ้าหน้าที่ / console: ${config.publicUrl}/console${oidc ? '' : ' (ยังไม่ได้ตั้งค่าการเข้าสู่ระบบ / sign-in not configured: EKASARN_OIDC_ISSUER)'}`,
    ...(idp ? idp.describe().map((l) => `  ${l}`) : []),
    ...(app.services.tsa ? [`  ตราประทับเวลา / TSA:     POST ${config.publicUrl}/tsa (RFC 3161, development)`] : []),
    ...(app.services.pki ? [`  CRL / OCSP (dev CA):     ${config.publicUrl}/pki/crl/dev-ca.crl · ${config.publicUrl}/pki/ocsp`] : []),
    ...opts.banner,
    '',
  ];
  console.log(lines.join('\n'));
  return new Promise<number>((resolve) => {
    const stop = async () => {
      clearInterval(expiry);
      await http.close();
      await idp?.close();
      await app.close();
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** `ekasarn tsa serve`: the built-in time-stamping authority on its own (POST / or /tsa, RFC 3161 over HTTP). */
export async function serveTsa(config: Config): Promise<number> {
  const app = await openApp(config);
  const authority = app.timeStampAuthority;
  if (!authority) {
    await app.close();
    console.error('ekasarn: ไม่มีผู้ให้บริการตราประทับเวลาในตัว (ใช้ ekasarn init --demo) / no built-in TSA here (run ekasarn init --demo)');
    return 1;
  }
  const server = createTsaHttpServer(authority, {
    ...(process.env.EKASARN_TSA_SERVE_USERNAME ? { username: process.env.EKASARN_TSA_SERVE_USERNAME, password: process.env.EKASARN_TSA_SERVE_PASSWORD ?? '' } : {}),
  });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  console.log(`ekasarn TSA ready at http://${config.host}:${config.port}/tsa (RFC 3161)`);
  return new Promise<number>((resolve) => {
    const stop = () => server.close(async () => {
      await app.close();
      resolve(0);
    });
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

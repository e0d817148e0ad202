/**
 * `ekasarn ca revoke SERIAL`, run as a separate process on an instance's data folder, changes what the instance's
 * running server answers on /pki/ocsp — asked by OpenSSL's own OCSP client, which also verifies the response
 * signature against the development root.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { cli } from '../cli/cli-runner.js';
import { keyFile, opensslSerial, tool } from './tools.js';

describe('ekasarn ca revoke → OCSP says revoked [sqlite]', () => {
  let t: TestApp;
  const cliEnv = () => ({ EKASARN_DATA: t.config.dataDir, EKASARN_PUBLIC_URL: t.config.publicUrl });
  const askOcsp = (certFile: string) =>
    tool('openssl', ['ocsp', '-issuer', keyFile(t, 'dev-root-ca.cert.pem'), '-cert', certFile, '-url', `${t.config.publicUrl}/pki/ocsp`, '-CAfile', keyFile(t, 'dev-root-ca.cert.pem')]);

  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('the agency certificate is good, then revoked after the CLI revokes its serial; the TSA certificate stays good', async () => {
    const agency = keyFile(t, 'agency-demo.cert.pem');
    const tsa = keyFile(t, 'dev-tsa.cert.pem');
    const before = askOcsp(agency);
    expect(before.output).toContain('Response verify OK');
    expect(before.stdout).toContain(`${agency}: good`);

    const serial = opensslSerial(agency);
    const revoke = await cli(['ca', 'revoke', serial, '--reason', 'keyCompromise'], cliEnv());
    expect(revoke.code, revoke.stderr).toBe(0);
    // Serials are compared without leading zeros on either side: a random serial starting 0x0… prints as "0…".
    expect(revoke.stdout.toLowerCase()).toMatch(new RegExp(`revoked 0*${serial.toLowerCase().replace(/^0+/, '')}\\b`));
    expect(revoke.stdout).toContain('keyCompromise');

    const after = askOcsp(agency);
    expect(after.output).toContain('Response verify OK');
    expect(after.stdout).toContain(`${agency}: revoked`);
    expect(after.stdout).toMatch(/Reason: keyCompromise/);
    expect(askOcsp(tsa).stdout).toContain(`${tsa}: good`);
  });

  it('an unknown serial or a second revocation is refused with a clear message (exit 1)', async () => {
    const unknown = await cli(['ca', 'revoke', '0badc0ffee'], cliEnv());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no record of issuing it/);
    const twice = await cli(['ca', 'revoke', opensslSerial(keyFile(t, 'agency-demo.cert.pem'))], cliEnv());
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already revoked/);
  });
});

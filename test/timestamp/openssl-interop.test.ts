/**
 * Interoperability both ways: our client and verifier against OpenSSL as the TSA, and our built-in TSA's tokens
 * checked by `openssl ts -verify` / `-reply -text`, including requests made by `openssl ts -query`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevRootCa, type DevCa } from '../../src/signing/index.js';
import { buildTimeStampRequest, parseTimeStampResponse, verifyTimeStampToken } from '../../src/timestamp/index.js';
import { createTimeStampAuthority, issueTsaCertificate, type TimeStampAuthority } from '../../src/timestamp/authority/index.js';
import { createTsaClient } from '../../src/timestamp/node.js';
import { encodeCertificatePem } from '../../src/signing/pem.js';
import { listen, makeOpensslPki, openssl, opensslOk, opensslTsaServer, read, scratchDir, write, type OpensslPki, type RunningServer } from './tools.js';

const sha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());
const failedChecks = (checks: { id: string; status: string; detail?: string }[]) => checks.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.status} ${c.detail ?? ''}`);

describe('our client against OpenSSL as the TSA', () => {
  let pki: OpensslPki;
  let server: RunningServer;

  beforeAll(async () => {
    pki = makeOpensslPki();
    server = await listen(opensslTsaServer(pki));
  });
  afterAll(() => server.close());

  it('gets a token that our verifier accepts with the OpenSSL root as trust anchor', async () => {
    const client = createTsaClient({ url: server.url });
    const data = new Uint8Array(randomBytes(1000));
    const { token, tstInfo } = await client.timestamp(sha256(data));
    client.close();
    expect(tstInfo.policy).toBe('1.2.3.4.1');
    expect(tstInfo.accuracy).toEqual({ seconds: 1, millis: 500, micros: 0 });
    expect(tstInfo.tsaName).toContain('CN=OpenSSL test TSA');
    expect(Math.abs(tstInfo.genTime.getTime() - Date.now())).toBeLessThan(60_000);

    const result = await verifyTimeStampToken({ token, data, trustRoots: [pki.rootDer] });
    expect(failedChecks(result.checks)).toEqual([]);
    expect(result.checks.map((c) => c.id)).toEqual([
      'tst.parse', 'tst.imprint', 'tst.message-digest', 'tst.signature', 'tst.signing-certificate', 'tst.eku', 'tst.chain', 'tst.validity',
    ]);
    expect(result.tsa?.commonName).toBe('OpenSSL test TSA');
    expect(result.genTime?.getTime()).toBe(tstInfo.genTime.getTime());
    expect(result.checks.find((c) => c.id === 'tst.signing-certificate')?.detail).toContain('v2');

    // The same token is untrusted under another root.
    const other = await createDevRootCa();
    const untrusted = await verifyTimeStampToken({ token, data, trustRoots: [other.certificate] });
    expect(untrusted.checks.find((c) => c.id === 'tst.chain')?.status).toBe('failed');
  });

  it('asks for a policy the TSA offers and gets it; another policy is a tsa_rejected with unacceptedPolicy', async () => {
    const offered = createTsaClient({ url: server.url, policy: '1.2.3.4.5' });
    expect((await offered.timestamp(sha256(Uint8Array.of(1)))).tstInfo.policy).toBe('1.2.3.4.5');
    offered.close();
    const refused = createTsaClient({ url: server.url, policy: '1.2.3.4.99' });
    await expect(refused.timestamp(sha256(Uint8Array.of(1)))).rejects.toMatchObject({ code: 'tsa_rejected', failInfo: ['unacceptedPolicy'] });
    refused.close();
  });

  it('works with SHA-512 imprints and with ESS signing-certificate v1 (SHA-1 certHash) tokens', async () => {
    const v1 = makeOpensslPki({ essCertIdAlg: 'sha1', keyType: 'rsa' });
    const v1Server = await listen(opensslTsaServer(v1));
    try {
      const client = createTsaClient({ url: v1Server.url });
      const data = Uint8Array.from([1, 2, 3]);
      const imprint = new Uint8Array(createHash('sha512').update(data).digest());
      const { token, tstInfo } = await client.timestamp(imprint);
      client.close();
      expect(tstInfo.imprint.algorithm).toBe('SHA-512');
      const result = await verifyTimeStampToken({ token, data, trustRoots: [v1.rootDer] });
      expect(failedChecks(result.checks)).toEqual([]);
      expect(result.checks.find((c) => c.id === 'tst.signing-certificate')?.detail).toContain('v1');
    } finally {
      await v1Server.close();
    }
  });
});

describe.each(['P-256', 'RSA-2048'] as const)('our TSA (%s) checked by OpenSSL', (keyAlgorithm) => {
  let ca: DevCa;
  let authority: TimeStampAuthority;
  let dir: string;

  beforeAll(async () => {
    ca = await createDevRootCa({ keyAlgorithm });
    const identity = await issueTsaCertificate(ca, { keyAlgorithm });
    authority = await createTimeStampAuthority({ identity, accuracyMs: 250, includeTsaName: true });
    dir = scratchDir('our-tsa');
    write(dir, 'root.pem', ca.certificatePem);
    write(dir, 'tsa.pem', encodeCertificatePem(identity.certificate));
  });

  it('openssl ts -verify accepts our token with -data and with -digest, and rejects other data', async () => {
    const data = new Uint8Array(randomBytes(5000));
    const imprint = sha256(data);
    const request = buildTimeStampRequest({ imprint });
    const response = await authority.respond(request.der);
    write(dir, 'data.bin', data);
    write(dir, 'resp.tsr', response);
    write(dir, 'req.tsq', request.der);

    expect(opensslOk(['ts', '-verify', '-data', 'data.bin', '-in', 'resp.tsr', '-CAfile', 'root.pem', '-untrusted', 'tsa.pem'], dir)).toContain('Verification: OK');
    const hex = Buffer.from(imprint).toString('hex');
    expect(opensslOk(['ts', '-verify', '-digest', hex, '-in', 'resp.tsr', '-CAfile', 'root.pem', '-untrusted', 'tsa.pem'], dir)).toContain('Verification: OK');
    // -queryfile also compares the nonce and policy with the request.
    expect(opensslOk(['ts', '-verify', '-queryfile', 'req.tsq', '-in', 'resp.tsr', '-CAfile', 'root.pem'], dir)).toContain('Verification: OK');

    write(dir, 'other.bin', Uint8Array.of(1, 2, 3));
    const wrong = openssl(['ts', '-verify', '-data', 'other.bin', '-in', 'resp.tsr', '-CAfile', 'root.pem'], dir);
    expect(wrong.ok).toBe(false);
    expect(wrong.output).toMatch(/message imprint mismatch/);

    // And our own verifier agrees.
    const token = parseTimeStampResponse(response).token!;
    expect(failedChecks((await verifyTimeStampToken({ token, imprint, trustRoots: [ca.certificate] })).checks)).toEqual([]);
  });

  it('openssl ts -reply -text shows our policy, nonce, serial, accuracy and TSA name', async () => {
    const request = buildTimeStampRequest({ imprint: sha256(Uint8Array.of(7)) });
    const response = await authority.respond(request.der);
    const parsed = parseTimeStampResponse(response);
    write(dir, 'text.tsr', response);
    const text = opensslOk(['ts', '-reply', '-in', 'text.tsr', '-text'], dir);
    expect(text).toContain('Status: Granted.');
    expect(text).toContain('Policy OID: 1.3.6.1.4.1.99999.3161.1');
    expect(text).toContain(`Nonce: 0x${Buffer.from(request.nonce!).toString('hex').toUpperCase()}`);
    expect(text).toContain(`Serial number: 0x${parsed.tstInfo!.serialHex.toUpperCase()}`);
    expect(text).toContain('Accuracy: unspecified seconds, 0xFA millis, unspecified micros');
    expect(text).toMatch(/TSA: DirName:.*ekasarn DEVELOPMENT TSA/);
    // Millisecond precision, printed by OpenSSL as ".sss".
    expect(text).toMatch(/Time stamp: \w{3} [ \d]\d \d\d:\d\d:\d\d(\.\d{1,3})? \d{4} GMT/);
  });

  it('answers a request made by openssl ts -query with a token openssl verifies; serials increase', async () => {
    write(dir, 'doc.txt', 'เอกสารราชการ ฉบับทดสอบ\n');
    opensslOk(['ts', '-query', '-data', 'doc.txt', '-sha256', '-cert', '-out', 'ossl.tsq'], dir);
    const first = await authority.respond(read(dir, 'ossl.tsq'));
    const second = await authority.respond(read(dir, 'ossl.tsq'));
    write(dir, 'ossl.tsr', first);
    expect(opensslOk(['ts', '-verify', '-queryfile', 'ossl.tsq', '-in', 'ossl.tsr', '-CAfile', 'root.pem'], dir)).toContain('Verification: OK');
    expect(opensslOk(['ts', '-verify', '-data', 'doc.txt', '-in', 'ossl.tsr', '-CAfile', 'root.pem'], dir)).toContain('Verification: OK');
    const s1 = BigInt('0x' + parseTimeStampResponse(first).tstInfo!.serialHex);
    const s2 = BigInt('0x' + parseTimeStampResponse(second).tstInfo!.serialHex);
    expect(s2).toBeGreaterThan(s1);
  });

  it('rejections are proper TimeStampResp messages that OpenSSL reads (SHA-1 → badAlg, another policy → unacceptedPolicy)', async () => {
    write(dir, 'doc.txt', 'x');
    opensslOk(['ts', '-query', '-data', 'doc.txt', '-sha1', '-out', 'sha1.tsq'], dir);
    write(dir, 'sha1.tsr', await authority.respond(read(dir, 'sha1.tsq')));
    const text = opensslOk(['ts', '-reply', '-in', 'sha1.tsr', '-text'], dir);
    expect(text).toContain('Status: Rejected.');
    expect(text).toContain('unrecognized or unsupported algorithm');

    opensslOk(['ts', '-query', '-data', 'doc.txt', '-sha256', '-tspolicy', '1.2.3', '-out', 'pol.tsq'], dir);
    write(dir, 'pol.tsr', await authority.respond(read(dir, 'pol.tsq')));
    expect(opensslOk(['ts', '-reply', '-in', 'pol.tsr', '-text'], dir)).toContain('requested TSA policy is not supported');
  });

  it('without certReq the token carries no certificate; verification then needs it supplied', async () => {
    const imprint = sha256(Uint8Array.of(9));
    const response = parseTimeStampResponse(await authority.respond(buildTimeStampRequest({ imprint, certReq: false }).der));
    const bare = await verifyTimeStampToken({ token: response.token!, imprint, trustRoots: [ca.certificate] });
    expect(bare.checks.find((c) => c.id === 'tst.signature')).toMatchObject({ status: 'failed' });
    const withCert = await verifyTimeStampToken({ token: response.token!, imprint, trustRoots: [ca.certificate], certificates: [authority.certificate] });
    expect(failedChecks(withCert.checks)).toEqual([]);
    write(dir, 'nocert.tsr', await authority.respond(buildTimeStampRequest({ imprint, certReq: false }).der));
    expect(openssl(['ts', '-verify', '-digest', Buffer.from(imprint).toString('hex'), '-in', 'nocert.tsr', '-CAfile', 'root.pem'], dir).ok).toBe(false);
    expect(opensslOk(['ts', '-verify', '-digest', Buffer.from(imprint).toString('hex'), '-in', 'nocert.tsr', '-CAfile', 'root.pem', '-untrusted', 'tsa.pem'], dir)).toContain('Verification: OK');
  });
});

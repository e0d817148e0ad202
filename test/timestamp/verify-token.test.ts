/**
 * verifyTimeStampToken must fail for the right reason: changed bytes, other data, a certificate that is not a
 * time-stamping certificate (made and signed by OpenSSL, independently of our authority), an untrusted root, an
 * expired TSA certificate. It never throws.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDevRootCa, issueAgencySigningCertificate, loadPemIdentity, type DevCa } from '../../src/signing/index.js';
import { buildTimeStampRequest, parseTimeStampResponse, parseTimeStampToken, verifyTimeStampToken } from '../../src/timestamp/index.js';
import { createTimeStampAuthority, issueTsaCertificate, type TimeStampAuthority } from '../../src/timestamp/authority/index.js';
import { makeOpensslPki, opensslOk, read, write, type OpensslPki } from './tools.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const sha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());
const statusOf = (checks: { id: string; status: string }[], id: string) => checks.find((c) => c.id === id)?.status;
const failedIds = (checks: { id: string; status: string }[]) => checks.filter((c) => c.status === 'failed').map((c) => c.id);

describe('verifyTimeStampToken', () => {
  let ca: DevCa;
  let authority: TimeStampAuthority;
  const data = new TextEncoder().encode('ใบอนุญาตเลขที่ 123/2568');
  let token: Uint8Array;
  // A fixed genTime a few seconds ago with 670 ms, so the certificates (valid from 5 minutes ago) cover it.
  const genTime = new Date(Math.floor(Date.now() / 1000) * 1000 - 3000 + 670);
  const genTimeText = genTime.toISOString().replace(/[-:T]/g, '').replace('.670Z', '.67Z');

  beforeAll(async () => {
    ca = await createDevRootCa();
    authority = await createTimeStampAuthority({ identity: await issueTsaCertificate(ca), clock: () => genTime });
    token = parseTimeStampResponse(await authority.respond(buildTimeStampRequest({ imprint: sha256(data) }).der)).token!;
  });

  it('accepts the genuine token and reports genTime to the millisecond and the TSA', async () => {
    const result = await verifyTimeStampToken({ token, data, trustRoots: [ca.certificate] });
    expect(failedIds(result.checks)).toEqual([]);
    expect(result.checks.every((c) => c.status === 'passed')).toBe(true);
    expect(result.genTime?.toISOString()).toBe(genTime.toISOString());
    expect(result.tstInfo?.genTimeText).toBe(genTimeText);
    expect(genTimeText).toMatch(/^\d{14}\.67Z$/);
    expect(result.tsa?.commonName).toBe('ekasarn DEVELOPMENT TSA - NOT FOR PRODUCTION');
    expect(result.checks[0]!.message.th).toBe('อ่านตราประทับเวลาได้ครบถ้วน');
  });

  it('a changed byte in the TSTInfo fails tst.message-digest (TAMPERED); in the signature fails tst.signature', async () => {
    const text = new TextEncoder().encode(genTimeText);
    const at = Buffer.from(token).indexOf(Buffer.from(text));
    expect(at).toBeGreaterThan(0);
    const changedTime = token.slice();
    changedTime[at + 3] = changedTime[at + 3]! ^ 0x01; // another year
    const r1 = await verifyTimeStampToken({ token: changedTime, data, trustRoots: [ca.certificate] });
    expect(failedIds(r1.checks)).toEqual(['tst.message-digest']);
    expect(r1.checks.find((c) => c.id === 'tst.message-digest')?.onFailure).toBe('TAMPERED');

    const changedSignature = token.slice();
    changedSignature[changedSignature.length - 3] = changedSignature[changedSignature.length - 3]! ^ 0x01;
    const r2 = await verifyTimeStampToken({ token: changedSignature, data, trustRoots: [ca.certificate] });
    expect(failedIds(r2.checks)).toEqual(['tst.signature']);
  });

  it('other data or another imprint fails tst.imprint; no imprint at all is INDETERMINATE', async () => {
    const other = await verifyTimeStampToken({ token, data: new TextEncoder().encode('ใบอนุญาตเลขที่ 124/2568'), trustRoots: [ca.certificate] });
    expect(failedIds(other.checks)).toEqual(['tst.imprint']);
    expect(other.checks.find((c) => c.id === 'tst.imprint')?.onFailure).toBe('TAMPERED');
    const wrongLength = await verifyTimeStampToken({ token, imprint: new Uint8Array(48), trustRoots: [ca.certificate] });
    expect(statusOf(wrongLength.checks, 'tst.imprint')).toBe('failed');
    const none = await verifyTimeStampToken({ token, trustRoots: [ca.certificate] });
    expect(none.checks.find((c) => c.id === 'tst.imprint')).toMatchObject({ status: 'failed', onFailure: 'INDETERMINATE' });
  });

  it('an untrusted root fails tst.chain; an expired TSA certificate fails tst.validity', async () => {
    const stranger = await createDevRootCa();
    const untrusted = await verifyTimeStampToken({ token, data, trustRoots: [stranger.certificate] });
    expect(failedIds(untrusted.checks)).toEqual(['tst.chain']);
    expect(untrusted.checks.find((c) => c.id === 'tst.chain')?.detail).toMatch(/no path to a trusted root/);
    const later = await verifyTimeStampToken({ token, data, trustRoots: [ca.certificate], validationTime: new Date(Date.now() + 40 * 365 * 86_400_000) });
    expect(failedIds(later.checks)).toEqual(['tst.validity']);
    // A token whose genTime lies before the TSA certificate existed is not acceptable either.
    const backdated = await createTimeStampAuthority({ identity: await issueTsaCertificate(ca), clock: () => new Date(Date.now() - 86_400_000) });
    const old = parseTimeStampResponse(await backdated.respond(buildTimeStampRequest({ imprint: sha256(data) }).der)).token!;
    const early = await verifyTimeStampToken({ token: old, data, trustRoots: [ca.certificate] });
    expect(failedIds(early.checks)).toEqual(['tst.validity']);
    expect(early.checks.find((c) => c.id === 'tst.validity')?.detail).toMatch(/outside the TSA certificate validity/);
  });

  it('garbage never throws: it is a failed tst.parse and the rest is skipped', async () => {
    for (const bad of [new Uint8Array(0), Uint8Array.of(0x30, 0x03, 1, 2, 3), token.subarray(0, token.length - 10)]) {
      const result = await verifyTimeStampToken({ token: bad, data, trustRoots: [ca.certificate] });
      expect(result.checks[0]).toMatchObject({ id: 'tst.parse', status: 'failed', onFailure: 'MALFORMED' });
      expect(result.checks.slice(1).every((c) => c.status === 'skipped')).toBe(true);
    }
    // A PAdES signature (SignedData over id-data) is not a timestamp token.
    const agency = await issueAgencySigningCertificate(ca, { agencyNameEn: 'Agency', keyAlgorithm: 'P-256' });
    const { PadesSigner } = await import('../../src/signing/index.js');
    const cms = await (await PadesSigner.create(agency)).signContent(data);
    const result = await verifyTimeStampToken({ token: cms, data, trustRoots: [ca.certificate] });
    expect(result.checks[0]).toMatchObject({ id: 'tst.parse', status: 'failed' });
    expect(result.checks[0]!.detail).toMatch(/id-ct-TSTInfo/);
    // @ts-expect-error — wrong input type on purpose
    expect((await verifyTimeStampToken(null)).checks[0]).toMatchObject({ id: 'tst.parse', status: 'failed' });
  });

  describe('TSA certificates without the critical id-kp-timeStamping EKU (made and used by OpenSSL)', () => {
    // The TSTInfo of a genuine token, re-signed by `openssl cms -sign` with OpenSSL-made certificates, so the EKU is
    // the only difference between the good and the bad cases.
    function opensslToken(pki: OpensslPki, tstInfoDer: Uint8Array): Uint8Array {
      write(pki.dir, 'tstinfo.der', tstInfoDer);
      opensslOk(['cms', '-sign', '-binary', '-nodetach', '-in', 'tstinfo.der', '-signer', 'tsa.pem', '-inkey', 'tsa.key', '-econtent_type', '1.2.840.113549.1.9.16.1.4',
        '-md', 'sha256', '-nosmimecap', '-cades', '-outform', 'DER', '-out', 'token.der'], pki.dir);
      return read(pki.dir, 'token.der');
    }

    it('critical timeStamping passes; non-critical or another purpose fails tst.eku', async () => {
      // genTime a little after the OpenSSL certificates' notBefore (whole seconds, "now").
      const later = await createTimeStampAuthority({ identity: await issueTsaCertificate(ca), clock: () => new Date(Date.now() + 1500) });
      const cases: Array<[string, string | undefined]> = [
        ['critical,timeStamping', undefined],
        ['timeStamping', 'not marked critical'],
        ['critical,emailProtection', 'lacks id-kp-timeStamping'],
        ['critical,timeStamping,emailProtection', 'purposes besides id-kp-timeStamping'],
      ];
      for (const [eku, problem] of cases) {
        const pki = makeOpensslPki({ extendedKeyUsage: eku });
        const fresh = parseTimeStampResponse(await later.respond(buildTimeStampRequest({ imprint: sha256(data) }).der)).token!;
        const tstInfoDer = parseTimeStampToken(fresh).tstInfoDer;
        const result = await verifyTimeStampToken({ token: opensslToken(pki, tstInfoDer), data, trustRoots: [pki.rootDer] });
        if (!problem) {
          expect(failedIds(result.checks), eku).toEqual([]);
        } else {
          expect(failedIds(result.checks), eku).toEqual(['tst.eku']);
          expect(result.checks.find((c) => c.id === 'tst.eku')?.detail).toContain(problem);
        }
      }
    });

    it('our authority refuses to sign with such a certificate', async () => {
      const pki = makeOpensslPki({ extendedKeyUsage: 'timeStamping' });
      const identity = await loadPemIdentity({
        privateKeyPem: readFileSync(join(pki.dir, 'tsa.key'), 'utf8'),
        certificatePem: readFileSync(join(pki.dir, 'tsa.pem'), 'utf8'),
      });
      await expect(createTimeStampAuthority({ identity })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/non-critical/) });
    });
  });
});

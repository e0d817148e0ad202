/**
 * The built-in authority's protocol behaviour: what it grants, what it rejects and with which PKIFailureInfo,
 * serial numbers from the caller's counter, genTime in DER form, the TSA certificate profile.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sequence, tlv, oid, octetString } from '../../src/signing/der/der-writer.js';
import { createDevRootCa, type DevCa } from '../../src/signing/index.js';
import { generalizedTime } from '../../src/timestamp/der-values.js';
import { buildTimeStampRequest, parseTimeStampRequest, parseTimeStampResponse } from '../../src/timestamp/index.js';
import { createTimeStampAuthority, issueTsaCertificate, type TimeStampAuthority, type TsaIdentity } from '../../src/timestamp/authority/index.js';
import { opensslOk, scratchDir, write } from './tools.js';
import { encodeCertificatePem } from '../../src/signing/pem.js';

const imprint = new Uint8Array(createHash('sha256').update('x').digest());

describe('built-in time-stamping authority', () => {
  let ca: DevCa;
  let identity: TsaIdentity;
  let authority: TimeStampAuthority;

  beforeAll(async () => {
    ca = await createDevRootCa();
    identity = await issueTsaCertificate(ca);
    authority = await createTimeStampAuthority({ identity });
  });

  it('issues a TSA certificate with the RFC 3161 profile (checked by openssl x509 -text)', () => {
    const dir = scratchDir('tsa-cert');
    write(dir, 'tsa.pem', encodeCertificatePem(identity.certificate));
    const text = opensslOk(['x509', '-in', 'tsa.pem', '-noout', '-text'], dir);
    expect(text).toMatch(/X509v3 Extended Key Usage: critical\s+Time Stamping\s/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation/);
    expect(text).toMatch(/CA:FALSE/);
    expect(text).toContain('DEVELOPMENT');
    write(dir, 'root.pem', ca.certificatePem);
    expect(opensslOk(['verify', '-CAfile', 'root.pem', '-purpose', 'timestampsign', 'tsa.pem'], dir)).toContain('tsa.pem: OK');
  });

  it('grants with default policy, 1 s accuracy, echoed nonce, copied imprint and increasing serials', async () => {
    const a = buildTimeStampRequest({ imprint });
    const b = buildTimeStampRequest({ imprint, hashAlgorithm: 'SHA-256' });
    const ra = parseTimeStampResponse(await authority.respond(a.der));
    const rb = parseTimeStampResponse(await authority.respond(b.der));
    expect(ra.status).toBe(0);
    expect(ra.tstInfo).toMatchObject({ policy: '1.3.6.1.4.1.99999.3161.1', accuracy: { seconds: 1, millis: 0, micros: 0 }, ordering: false });
    expect(ra.tstInfo!.nonceHex).toBe(Buffer.from(a.nonce!).toString('hex'));
    expect(ra.tstInfo!.imprint.digest).toEqual(imprint);
    expect(BigInt('0x' + rb.tstInfo!.serialHex)).toBeGreaterThan(BigInt('0x' + ra.tstInfo!.serialHex));
    expect(ra.tstInfo!.tsaName).toBeUndefined();
  });

  it('uses the caller-supplied serial counter and clock', async () => {
    let counter = 41n;
    const fixed = await createTimeStampAuthority({ identity, nextSerial: async () => ++counter, clock: () => new Date('2030-05-06T07:08:09.100Z'), accuracyMs: 0 });
    const r = parseTimeStampResponse(await fixed.respond(buildTimeStampRequest({ imprint }).der));
    expect(r.tstInfo).toMatchObject({ serialHex: '2a', genTimeText: '20300506070809.1Z' });
    expect(r.tstInfo!.accuracy).toBeUndefined();
    const broken = await createTimeStampAuthority({ identity, nextSerial: async () => -1n, onError: () => {} });
    expect(parseTimeStampResponse(await broken.respond(buildTimeStampRequest({ imprint }).der))).toMatchObject({ status: 2, failInfo: ['systemFailure'] });
  });

  it('reads BER responses (indefinite lengths) like DER ones', async () => {
    const der = await authority.respond(buildTimeStampRequest({ imprint }).der);
    const reference = parseTimeStampResponse(der);
    // Re-wrap the outer SEQUENCE with an indefinite length: 30 80 … 00 00.
    const head = der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2;
    const ber = Uint8Array.from([0x30, 0x80, ...der.subarray(head), 0, 0]);
    const parsed = parseTimeStampResponse(ber);
    expect(parsed.tstInfo).toEqual(reference.tstInfo);
    expect(parsed.token).toEqual(reference.token);
    // A rejection in BER: status 2 and failInfo badAlg (bit 0).
    const rejection = Uint8Array.from([0x30, 0x80, 0x30, 0x80, 0x02, 0x01, 0x02, 0x03, 0x02, 0x07, 0x80, 0, 0, 0, 0]);
    expect(parseTimeStampResponse(rejection)).toMatchObject({ status: 2, statusName: 'rejection', failInfo: ['badAlg'] });
  });

  it('writes GeneralizedTime as DER requires: no trailing zeros, no fraction when zero', () => {
    const text = (d: string) => new TextDecoder().decode(generalizedTime(new Date(d)).subarray(2));
    expect(text('2025-01-02T03:04:05.000Z')).toBe('20250102030405Z');
    expect(text('2025-01-02T03:04:05.500Z')).toBe('20250102030405.5Z');
    expect(text('2025-01-02T03:04:05.120Z')).toBe('20250102030405.12Z');
    expect(text('2025-01-02T03:04:05.007Z')).toBe('20250102030405.007Z');
  });

  it('rejects bad requests with the right PKIFailureInfo', async () => {
    const status = async (der: Uint8Array) => {
      const r = parseTimeStampResponse(await authority.respond(der));
      return { status: r.status, failInfo: r.failInfo, token: r.token };
    };
    const sha1 = sequence(tlv(0x02, Uint8Array.of(1)), sequence(sequence(oid('1.3.14.3.2.26'), Uint8Array.of(5, 0)), octetString(new Uint8Array(20))));
    expect(await status(sha1)).toEqual({ status: 2, failInfo: ['badAlg'], token: undefined });
    const shortDigest = sequence(tlv(0x02, Uint8Array.of(1)), sequence(sequence(oid('2.16.840.1.101.3.4.2.1')), octetString(new Uint8Array(31))));
    expect(await status(shortDigest)).toMatchObject({ status: 2, failInfo: ['badDataFormat'] });
    const v2 = sequence(tlv(0x02, Uint8Array.of(2)), sequence(sequence(oid('2.16.840.1.101.3.4.2.1')), octetString(imprint)));
    expect(await status(v2)).toMatchObject({ status: 2, failInfo: ['badRequest'] });
    const withExtensions = sequence(tlv(0x02, Uint8Array.of(1)), sequence(sequence(oid('2.16.840.1.101.3.4.2.1')), octetString(imprint)), tlv(0xa0, sequence()));
    expect(await status(withExtensions)).toMatchObject({ status: 2, failInfo: ['unacceptedExtension'] });
    expect(await status(buildTimeStampRequest({ imprint, policy: '1.2.3' }).der)).toMatchObject({ status: 2, failInfo: ['unacceptedPolicy'] });
    expect(await status(Uint8Array.of(0x30, 0x80, 0, 0))).toMatchObject({ status: 2, failInfo: ['badDataFormat'] });
    expect(await status(new Uint8Array(0))).toMatchObject({ status: 2, failInfo: ['badDataFormat'] });
    // The request's own policy, when it is ours, is granted; params-less AlgorithmIdentifier too.
    expect((await status(buildTimeStampRequest({ imprint, policy: authority.policy }).der)).status).toBe(0);
    const noParams = sequence(tlv(0x02, Uint8Array.of(1)), sequence(sequence(oid('2.16.840.1.101.3.4.2.1')), octetString(imprint)));
    expect((await status(noParams)).status).toBe(0);
  });

  it('buildTimeStampRequest validates its input and keeps nonces positive and minimal', () => {
    expect(() => buildTimeStampRequest({ imprint: new Uint8Array(31) })).toThrow(/imprint: a SHA-256 digest has 32 bytes, got 31/);
    expect(() => buildTimeStampRequest({ imprint: new Uint8Array(48), hashAlgorithm: 'SHA-256' })).toThrow(/32 bytes/);
    // @ts-expect-error — invalid on purpose
    expect(() => buildTimeStampRequest({ imprint, hashAlgorithm: 'MD5' })).toThrow(/hashAlgorithm: expected SHA-256, SHA-384 or SHA-512/);
    expect(() => buildTimeStampRequest({ imprint, policy: '1.2.x' })).toThrow(/policy: expected a dotted object identifier/);
    for (let i = 0; i < 300; i++) {
      const { nonce } = buildTimeStampRequest({ imprint });
      expect(nonce![0]).toBeGreaterThanOrEqual(1);
      expect(nonce![0]).toBeLessThanOrEqual(0x7f);
    }
    const parsed = parseTimeStampRequest(buildTimeStampRequest({ imprint: new Uint8Array(64), hashAlgorithm: 'SHA-512', certReq: false, nonce: false }).der);
    expect(parsed).toMatchObject({ hashAlgorithm: 'SHA-512', certReq: false });
    expect(parsed.nonceDer).toBeUndefined();
  });

  it('validates its options', async () => {
    await expect(createTimeStampAuthority({ identity, policy: 'abc' })).rejects.toThrow(/policy: expected a dotted object identifier/);
    await expect(createTimeStampAuthority({ identity, accuracyMs: -1 })).rejects.toThrow(/accuracyMs/);
    // @ts-expect-error — invalid on purpose
    await expect(createTimeStampAuthority({ identity: {} })).rejects.toThrow(/identity: expected a SigningIdentity/);
  });
});

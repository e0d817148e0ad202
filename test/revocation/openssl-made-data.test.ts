/**
 * Revocation data made by OpenSSL (`openssl ca -revoke/-gencrl`, `openssl ocsp -index … -rsigner`) checked by our
 * browser-safe checker: right status and times, delegated responders, and tampering detected.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOcspRequest, buildOcspRequestWithNonce, checkRevocation, parseCrl, parseOcspResponse, verifyCrl, verifyOcspResponse } from '../../src/revocation/check/index.js';
import { getParsedCertificate } from '../../src/verify/cms/parsed-certificate.js';
import { HOUR, hexBytes, opensslOk, read, scratchDir, tamperAt, write } from './tools.js';

let dir: string;
let caDer: Uint8Array;
let goodDer: Uint8Array;
let revokedDer: Uint8Array;
let crlDer: Uint8Array;
let revokedSerial: string;

const CA_CONFIG = `
[ca]
default_ca = test_ca
[test_ca]
dir = .
database = index.txt
new_certs_dir = newcerts
serial = serial
crlnumber = crlnumber
certificate = ca.pem
private_key = ca.key
default_md = sha256
default_days = 30
default_crl_days = 7
policy = loose
unique_subject = no
[loose]
countryName = optional
organizationName = optional
commonName = supplied
[leaf_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ocsp_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[crl_ext]
authorityKeyIdentifier = keyid
`;

function issue(name: string, ext: string, keyAlg: string[] = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']): Uint8Array {
  opensslOk(['req', '-new', ...keyAlg, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/C=TH/O=OpenSSL made/CN=${name}`], { cwd: dir });
  opensslOk(['ca', '-batch', '-config', 'ca.cnf', '-extensions', ext, '-notext', '-in', `${name}.csr`, '-out', `${name}.pem`], { cwd: dir });
  opensslOk(['x509', '-in', `${name}.pem`, '-outform', 'DER', '-out', `${name}.der`], { cwd: dir });
  return read(dir, `${name}.der`);
}

/** Our request for `certDer` answered by `openssl ocsp -index` signed by `signer`. */
async function opensslResponse(certDer: Uint8Array, signer: string, name: string, extra: string[] = []): Promise<Uint8Array> {
  write(dir, `${name}.req`, await buildOcspRequest(certDer, caDer));
  opensslOk(['ocsp', '-index', 'index.txt', '-CA', 'ca.pem', '-rsigner', `${signer}.pem`, '-rkey', `${signer}.key`, '-rmd', 'sha256', '-reqin', `${name}.req`, '-respout', `${name}.resp`, '-ndays', '1', ...extra], { cwd: dir });
  return read(dir, `${name}.resp`);
}

beforeAll(async () => {
  dir = scratchDir('openssl-ca');
  write(dir, 'ca.cnf', CA_CONFIG);
  write(dir, 'index.txt', '');
  write(dir, 'serial', '1000\n');
  write(dir, 'crlnumber', '01\n');
  opensslOk(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/C=TH/O=OpenSSL made/CN=OpenSSL Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { cwd: dir });
  opensslOk(['x509', '-in', 'ca.pem', '-outform', 'DER', '-out', 'ca.der'], { cwd: dir });
  caDer = read(dir, 'ca.der');
  mkdirSync(join(dir, 'newcerts'));
  goodDer = issue('good', 'leaf_ext');
  revokedDer = issue('revoked', 'leaf_ext');
  issue('responder', 'ocsp_ext');
  issue('not-a-responder', 'leaf_ext');
  opensslOk(['ca', '-config', 'ca.cnf', '-revoke', 'revoked.pem', '-crl_reason', 'keyCompromise'], { cwd: dir });
  opensslOk(['ca', '-config', 'ca.cnf', '-gencrl', '-crlexts', 'crl_ext', '-out', 'ca.crl.pem'], { cwd: dir });
  opensslOk(['crl', '-in', 'ca.crl.pem', '-outform', 'DER', '-out', 'ca.crl'], { cwd: dir });
  crlDer = read(dir, 'ca.crl');
  revokedSerial = (await getParsedCertificate(revokedDer)).serialHex;
});

describe('a CRL made by openssl ca -gencrl', () => {
  it('parses with the revoked serial, its reason and time, and verifies against the CA', async () => {
    const crl = parseCrl(crlDer);
    expect(crl.crlNumber).toBe(1n);
    expect(crl.nextUpdate!.getTime() - crl.thisUpdate.getTime()).toBe(7 * 24 * HOUR);
    const entry = crl.revoked.get(revokedSerial)!;
    expect(entry.reason).toBe('keyCompromise');
    expect(Math.abs(entry.date.getTime() - Date.now())).toBeLessThan(5 * 60_000);
    expect(crl.revoked.size).toBe(1);
    expect(await verifyCrl(crl, caDer)).toMatchObject({ ok: true });
  });

  it('gives the right status at points in time around the real revocation', async () => {
    const T = parseCrl(crlDer).revoked.get(revokedSerial)!.date;
    const at = (ms: number) => new Date(T.getTime() + ms);
    expect(await checkRevocation({ certificate: revokedDer, issuer: caDer, crls: [crlDer], at: at(HOUR) })).toMatchObject({ status: 'revoked', revokedAt: T, reason: 'keyCompromise', source: 'crl' });
    expect(await checkRevocation({ certificate: revokedDer, issuer: caDer, crls: [crlDer], at: at(-HOUR) })).toMatchObject({ status: 'good', revokedAfter: true, revokedAt: T, source: 'crl' });
    expect(await checkRevocation({ certificate: goodDer, issuer: caDer, crls: [crlDer], at: new Date() })).toMatchObject({ status: 'good', source: 'crl' });
  });

  it('a tampered byte fails verification and the CRL is not used', async () => {
    const tampered = tamperAt(crlDer, hexBytes(revokedSerial));
    const v = await verifyCrl(parseCrl(tampered), caDer);
    expect(v.ok).toBe(false);
    expect(v.detail).toMatch(/CRL signature: .*does not verify/);
    const r = await checkRevocation({ certificate: revokedDer, issuer: caDer, crls: [tampered], at: new Date(Date.now() + HOUR) });
    expect(r.status).toBe('unknown');
    expect(r.checks.find((c) => c.id === 'revocation.crl')).toMatchObject({ status: 'warning' });
  });
});

describe('OCSP responses made by openssl ocsp -index', () => {
  it('delegated responder with OCSPSigning: good and revoked statuses, right times', async () => {
    const goodResp = await opensslResponse(goodDer, 'responder', 'good-delegated');
    const parsed = parseOcspResponse(goodResp);
    expect(parsed.responses[0]!.status).toBe('good');
    expect(parsed.certificates.length).toBeGreaterThanOrEqual(1);
    expect(await verifyOcspResponse(parsed, caDer)).toMatchObject({ ok: true, signer: 'delegated' });
    expect(await checkRevocation({ certificate: goodDer, issuer: caDer, ocspResponses: [goodResp], at: new Date() })).toMatchObject({ status: 'good', source: 'ocsp' });

    const revokedResp = await opensslResponse(revokedDer, 'responder', 'revoked-delegated');
    const single = parseOcspResponse(revokedResp).responses[0]!;
    expect(single).toMatchObject({ status: 'revoked', reason: 'keyCompromise' });
    expect(single.nextUpdate!.getTime() - single.thisUpdate.getTime()).toBe(24 * HOUR);
    const T = single.revocationTime!;
    expect(T.getTime()).toBe(parseCrl(crlDer).revoked.get(revokedSerial)!.date.getTime());
    expect(await checkRevocation({ certificate: revokedDer, issuer: caDer, ocspResponses: [revokedResp], at: new Date(T.getTime() + HOUR) })).toMatchObject({ status: 'revoked', revokedAt: T, reason: 'keyCompromise', source: 'ocsp' });
    expect(await checkRevocation({ certificate: revokedDer, issuer: caDer, ocspResponses: [revokedResp], at: new Date(T.getTime() - HOUR) })).toMatchObject({ status: 'good', revokedAfter: true, revokedAt: T });
  });

  it('issuer-signed responses verify as signed by the issuer', async () => {
    const resp = await opensslResponse(goodDer, 'ca', 'good-by-ca');
    expect(await verifyOcspResponse(parseOcspResponse(resp), caDer)).toMatchObject({ ok: true, signer: 'issuer' });
  });

  it('a responder certificate without OCSPSigning is refused', async () => {
    const resp = await opensslResponse(goodDer, 'not-a-responder', 'good-by-leaf');
    const v = await verifyOcspResponse(parseOcspResponse(resp), caDer);
    expect(v.ok).toBe(false);
    expect(v.detail).toMatch(/lacks extended key usage OCSPSigning/);
    expect((await checkRevocation({ certificate: goodDer, issuer: caDer, ocspResponses: [resp], at: new Date() })).status).toBe('unknown');
    // …unless the relying party trusts that responder directly.
    const trusted = await verifyOcspResponse(parseOcspResponse(resp), caDer, [read(dir, 'not-a-responder.der')]);
    expect(trusted).toMatchObject({ ok: true, signer: 'trusted-responder' });
  });

  it('a tampered byte fails verification', async () => {
    const resp = await opensslResponse(revokedDer, 'responder', 'revoked-tamper');
    const tampered = tamperAt(resp, hexBytes(revokedSerial));
    const v = await verifyOcspResponse(parseOcspResponse(tampered), caDer);
    expect(v.ok).toBe(false);
    expect(v.detail).toMatch(/does not verify/);
    expect((await checkRevocation({ certificate: revokedDer, issuer: caDer, ocspResponses: [tampered], at: new Date(Date.now() + HOUR) })).status).toBe('unknown');
  });

  it('echoes our nonce, and an OCSP response about another certificate does not count', async () => {
    const { der, nonce } = await buildOcspRequestWithNonce(goodDer, caDer, { nonce: true, hash: 'SHA-256' });
    write(dir, 'nonce.req', der);
    opensslOk(['ocsp', '-index', 'index.txt', '-CA', 'ca.pem', '-rsigner', 'responder.pem', '-rkey', 'responder.key', '-reqin', 'nonce.req', '-respout', 'nonce.resp'], { cwd: dir });
    const parsed = parseOcspResponse(read(dir, 'nonce.resp'));
    expect(Buffer.from(parsed.nonce!).equals(Buffer.from(nonce!))).toBe(true);
    expect(parsed.responses[0]!.certId.hash).toBe('SHA-256');
    const r = await checkRevocation({ certificate: revokedDer, issuer: caDer, ocspResponses: [read(dir, 'nonce.resp')], at: new Date() });
    expect(r.status).toBe('unknown');
    expect(r.checks.find((c) => c.id === 'revocation.ocsp')?.detail).toMatch(/no status for serial/);
  });
});

describe('input validation', () => {
  it('names the bad field', async () => {
    await expect(checkRevocation({ certificate: 'x' as never, issuer: caDer, at: new Date() })).rejects.toThrow(/certificate: expected non-empty DER bytes/);
    await expect(checkRevocation({ certificate: goodDer, issuer: caDer, at: new Date('nope') })).rejects.toThrow(/at: expected a valid Date/);
    await expect(checkRevocation({ certificate: goodDer, issuer: caDer, crls: [new Uint8Array()], at: new Date() })).rejects.toThrow(/crls\[0\]/);
    expect(() => parseCrl(Uint8Array.of(1, 2, 3))).toThrow(/^CRL: /);
    expect(() => parseOcspResponse(crlDer)).toThrow(/^OCSP response: /);
    await expect(buildOcspRequest(goodDer, goodDer)).rejects.toThrow(/issuer: .* is not the issuer of/);
  });
});

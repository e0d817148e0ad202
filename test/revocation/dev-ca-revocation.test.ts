/**
 * The development CA's revocation publication, checked by OpenSSL: certificates carry CDP/AIA, the CRL verifies and
 * lists revoked serials with reasons, `openssl verify -crl_check` and `openssl ocsp` against our HTTP responder.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevIntermediateCa, createDevRootCa, issueAgencySigningCertificate, type DevCa, type IssuedAgencyIdentity } from '../../src/signing/index.js';
import {
  CaStateError,
  buildCrl,
  caStatePath,
  createOcspResponder,
  createRevocationHandlers,
  createRevocationHttpServer,
  loadCaState,
  recordIssuedCertificate,
  revokeCertificate,
  runCaRevokeCommand,
} from '../../src/revocation/ca/index.js';
import { buildOcspRequest, checkRevocation, fetchRevocationData, parseCrl, parseOcspResponse, RevocationFetchError, revocationUrlsOf, verifyCrl, verifyOcspResponse } from '../../src/revocation/check/index.js';
import { getParsedCertificate } from '../../src/verify/cms/parsed-certificate.js';
import { HOUR, close, crlToPem, listen, openssl, opensslAsync, opensslOk, scratchDir, write } from './tools.js';

let root: DevCa;
let ca: DevCa;
let dir: string;
let stateDir: string;
let server: Server;
let base: string;
let good: IssuedAgencyIdentity;
let revoked: IssuedAgencyIdentity;
let neverRecorded: IssuedAgencyIdentity;
let revokedSerial: string;
let goodSerial: string;
let revokedAt: Date;
const errors: unknown[] = [];

const serialOf = async (der: Uint8Array): Promise<string> => (await getParsedCertificate(der)).serialHex;

beforeAll(async () => {
  root = await createDevRootCa();
  ca = await createDevIntermediateCa(root);
  dir = scratchDir('revocation');
  stateDir = join(dir, 'keys');
  server = createRevocationHttpServer({ ca, stateDir, onError: (e) => errors.push(e) });
  base = await listen(server);
  const pointers = { crlUrl: `${base}/crl/dev-ca.crl`, ocspUrl: `${base}/ocsp`, caIssuersUrl: `${base}/ca.cer` };
  good = await issueAgencySigningCertificate(ca, { agencyNameEn: 'Good Agency', agencyNameTh: 'กรมทดสอบ', keyAlgorithm: 'P-256', ...pointers });
  revoked = await issueAgencySigningCertificate(ca, { agencyNameEn: 'Revoked Agency', keyAlgorithm: 'RSA-2048', ...pointers });
  neverRecorded = await issueAgencySigningCertificate(ca, { agencyNameEn: 'Unknown Agency', keyAlgorithm: 'P-256', ...pointers });
  await recordIssuedCertificate(stateDir, good.certificate);
  await recordIssuedCertificate(stateDir, revoked.certificate);
  goodSerial = await serialOf(good.certificate);
  revokedSerial = await serialOf(revoked.certificate);
  // A real revocation, now: the point-in-time tests check at now ± 1 h around it.
  const r = await revokeCertificate(stateDir, revokedSerial.toUpperCase().replace(/(..)(?!$)/g, '$1:'), { reason: 'keyCompromise' });
  revokedAt = new Date(r.revokedAt);
  write(dir, 'root.pem', root.certificatePem);
  write(dir, 'ca.pem', ca.certificatePem);
  write(dir, 'chain.pem', ca.certificatePem + root.certificatePem);
  write(dir, 'good.der', good.certificate);
  write(dir, 'revoked.der', revoked.certificate);
  write(dir, 'unknown.der', neverRecorded.certificate);
  for (const n of ['good', 'revoked', 'unknown']) opensslOk(['x509', '-inform', 'DER', '-in', `${n}.der`, '-out', `${n}.pem`], { cwd: dir });
});

afterAll(async () => {
  await close(server);
  expect(errors).toEqual([]);
});

describe('certificates with revocation pointers', () => {
  it('carry the CRL distribution point and AIA OCSP + caIssuers URLs (openssl x509 -text)', async () => {
    const text = opensslOk(['x509', '-in', 'good.pem', '-noout', '-text'], { cwd: dir });
    expect(text).toMatch(new RegExp(`X509v3 CRL Distribution Points:\\s+Full Name:\\s+URI:${base}/crl/dev-ca.crl`));
    expect(text).toContain(`OCSP - URI:${base}/ocsp`);
    expect(text).toContain(`CA Issuers - URI:${base}/ca.cer`);
    expect(await revocationUrlsOf(good.certificate)).toEqual({ crlUrls: [`${base}/crl/dev-ca.crl`], ocspUrls: [`${base}/ocsp`], caIssuersUrls: [`${base}/ca.cer`] });
  });

  it('has none by default, and an intermediate CA can carry them too', async () => {
    const plain = await issueAgencySigningCertificate(ca, { agencyNameEn: 'Plain', keyAlgorithm: 'P-256' });
    write(dir, 'plain.der', plain.certificate);
    const text = opensslOk(['x509', '-inform', 'DER', '-in', 'plain.der', '-noout', '-text'], { cwd: dir });
    expect(text).not.toContain('CRL Distribution Points');
    expect(text).not.toContain('Authority Information Access');
    const sub = await createDevIntermediateCa(root, { crlUrl: 'http://crl.example.test/root.crl', ocspUrl: 'http://ocsp.example.test/' });
    write(dir, 'sub.der', sub.certificate);
    const subText = opensslOk(['x509', '-inform', 'DER', '-in', 'sub.der', '-noout', '-text'], { cwd: dir });
    expect(subText).toContain('URI:http://crl.example.test/root.crl');
    expect(subText).toContain('OCSP - URI:http://ocsp.example.test/');
  });

  it('refuses non-http URLs with the field name', async () => {
    await expect(issueAgencySigningCertificate(ca, { agencyNameEn: 'X', keyAlgorithm: 'P-256', crlUrl: 'ldap://x/y' })).rejects.toThrow(/crlUrl: expected an http: or https: URL/);
    await expect(issueAgencySigningCertificate(ca, { agencyNameEn: 'X', keyAlgorithm: 'P-256', ocspUrl: 'not a url' })).rejects.toThrow(/ocspUrl: not a valid URL/);
    await expect(issueAgencySigningCertificate(ca, { agencyNameEn: 'X', keyAlgorithm: 'P-256', caIssuersUrl: 'http://u:p@h/' })).rejects.toThrow(/caIssuersUrl: must not contain credentials/);
  });
});

describe('CA state', () => {
  it('is a 0600 JSON file with issued and revoked serials', async () => {
    expect(statSync(caStatePath(stateDir)).mode & 0o777).toBe(0o600);
    const state = JSON.parse(readFileSync(caStatePath(stateDir), 'utf8'));
    expect(Object.keys(state.issued).sort()).toEqual([goodSerial, revokedSerial].sort());
    expect(state.issued[goodSerial].subject).toContain('CN=กรมทดสอบ');
    expect(state.revoked).toEqual({ [revokedSerial]: { revokedAt: revokedAt.toISOString(), reason: 'keyCompromise' } });
  });

  it('refuses an unknown serial, a second revocation, a bad reason and a future time, clearly', async () => {
    await expect(revokeCertificate(stateDir, await serialOf(neverRecorded.certificate))).rejects.toThrow(/has no record of issuing it/);
    await expect(revokeCertificate(stateDir, revokedSerial)).rejects.toThrow(new RegExp(`${revokedSerial} .* is already revoked since`));
    await expect(revokeCertificate(stateDir, 'zz-not-hex')).rejects.toThrow(/serial: expected hexadecimal digits/);
    await expect(revokeCertificate(stateDir, goodSerial, { reason: 'bogus' as never })).rejects.toThrow(/reason: expected one of unspecified, keyCompromise/);
    await expect(revokeCertificate(stateDir, goodSerial, { at: new Date(Date.now() + 48 * HOUR) })).rejects.toThrow(/is in the future/);
    await expect(revokeCertificate(stateDir, revokedSerial)).rejects.toBeInstanceOf(CaStateError);
    // Nothing above changed the state.
    expect(Object.keys((await loadCaState(stateDir)).revoked)).toEqual([revokedSerial]);
  });

  it('has a CLI entry point for "ekasarn ca revoke SERIAL"', async () => {
    const other = scratchDir('revoke-cli');
    const cert = await issueAgencySigningCertificate(ca, { agencyNameEn: 'CLI', keyAlgorithm: 'P-256' });
    await recordIssuedCertificate(other, cert.certificate);
    const serial = await serialOf(cert.certificate);
    const line = await runCaRevokeCommand([serial, '--reason', 'superseded'], other);
    expect(line).toMatch(new RegExp(`^revoked ${serial} at \\S+Z \\(superseded\\)$`));
    await expect(runCaRevokeCommand([], other)).rejects.toThrow(/SERIAL is required/);
    await expect(runCaRevokeCommand([serial, '--reason', 'nope'], other)).rejects.toThrow(/--reason: expected one of/);
    await expect(runCaRevokeCommand([serial, '--at', 'yesterday'], other)).rejects.toThrow(/--at: expected an ISO 8601 time/);
  });
});

describe('CRL', () => {
  let crlDer: Uint8Array;
  beforeAll(async () => {
    const res = await fetch(`${base}/crl/dev-ca.crl`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pkix-crl');
    crlDer = new Uint8Array(await res.arrayBuffer());
    write(dir, 'ca.crl', crlDer);
    crlToPem(dir, 'ca.crl', 'ca.crl.pem');
  });

  it('verifies with openssl against the CA and lists the revoked serial with its reason', () => {
    const verify = openssl(['crl', '-inform', 'DER', '-in', 'ca.crl', '-CAfile', 'chain.pem', '-noout'], { cwd: dir });
    expect(verify.ok).toBe(true);
    expect(verify.stderr + verify.stdout).toContain('verify OK');
    const text = opensslOk(['crl', '-inform', 'DER', '-in', 'ca.crl', '-noout', '-text'], { cwd: dir });
    expect(text).toContain('Version 2 (0x1)');
    expect(text).toMatch(/X509v3 CRL Number:\s+\d+/);
    expect(text).toContain('X509v3 Authority Key Identifier');
    expect(text).toMatch(new RegExp(`Serial Number: ${revokedSerial.toUpperCase()}\\s+Revocation Date: [^\\n]+\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Key Compromise`));
    expect(text).not.toContain(goodSerial.toUpperCase());
  });

  it('makes openssl verify -crl_check fail for the revoked certificate and pass for the good one', () => {
    const args = (leaf: string) => ['verify', '-crl_check', '-CAfile', 'root.pem', '-untrusted', 'ca.pem', '-CRLfile', 'ca.crl.pem', leaf];
    const bad = openssl(args('revoked.pem'), { cwd: dir });
    expect(bad.ok).toBe(false);
    expect(bad.stdout + bad.stderr).toContain('certificate revoked');
    expect(opensslOk(args('good.pem'), { cwd: dir })).toContain('good.pem: OK');
  });

  it('parses and verifies with our own checker, and a tampered CRL fails', async () => {
    const crl = parseCrl(crlDer);
    expect(crl.revoked.get(revokedSerial)).toEqual({ date: revokedAt, reason: 'keyCompromise' });
    expect(crl.nextUpdate!.getTime() - crl.thisUpdate.getTime()).toBe(24 * HOUR);
    expect((await verifyCrl(crl, ca.certificate)).ok).toBe(true);
    expect((await verifyCrl(crl, root.certificate)).ok).toBe(false);
    const tampered = crlDer.slice();
    tampered[tampered.length - 5]! ^= 0x01; // inside the signature value
    const v = await verifyCrl(parseCrl(tampered), ca.certificate);
    expect(v.ok).toBe(false);
    expect(v.detail).toMatch(/signature/);
  });

  it('is served from cache until the revoked set changes, then rebuilt with a higher CRL number', async () => {
    const again = new Uint8Array(await (await fetch(`${base}/crl/dev-ca.crl`)).arrayBuffer());
    expect(Buffer.from(again).equals(Buffer.from(crlDer))).toBe(true);
    const extra = await issueAgencySigningCertificate(ca, { agencyNameEn: 'Later', keyAlgorithm: 'P-256' });
    await recordIssuedCertificate(stateDir, extra.certificate);
    await revokeCertificate(stateDir, await serialOf(extra.certificate), { reason: 'cessationOfOperation' });
    const next = parseCrl(new Uint8Array(await (await fetch(`${base}/crl/dev-ca.crl`)).arrayBuffer()));
    expect(next.crlNumber).toBe(parseCrl(crlDer).crlNumber! + 1n);
    expect(next.revoked.get(await serialOf(extra.certificate))?.reason).toBe('cessationOfOperation');
    expect((await fetch(`${base}/crl/other.crl`)).status).toBe(404);
  });

  it('buildCrl signs with an RSA CA as well (openssl crl verifies)', async () => {
    const rsaRoot = await createDevRootCa({ keyAlgorithm: 'RSA-2048' });
    const state = { version: 1 as const, crlNumber: 7, issued: { '0a1b': { subject: 'x', notAfter: new Date().toISOString(), recordedAt: new Date().toISOString() } }, revoked: { '0a1b': { revokedAt: new Date().toISOString(), reason: 'unspecified' as const } } };
    const der = await buildCrl(rsaRoot, state, { thisUpdate: new Date(), nextUpdate: new Date(Date.now() + HOUR) });
    write(dir, 'rsa.crl', der);
    write(dir, 'rsa-root.pem', rsaRoot.certificatePem);
    const r = openssl(['crl', '-inform', 'DER', '-in', 'rsa.crl', '-CAfile', 'rsa-root.pem', '-noout', '-text'], { cwd: dir });
    expect(r.stdout + r.stderr).toContain('verify OK');
    expect(r.stdout).toContain('sha256WithRSAEncryption');
    expect(r.stdout).toMatch(/X509v3 CRL Number:\s+7/);
    expect(r.stdout).toMatch(/Serial Number: 0A1B\s+Revocation Date/);
    expect(r.stdout).not.toContain('CRL Reason Code'); // "unspecified" is expressed by leaving the reason out
    await expect(buildCrl(rsaRoot, state, { thisUpdate: new Date(), nextUpdate: new Date(Date.now() - HOUR) })).rejects.toThrow(/nextUpdate: must be later/);
  });
});

describe('OCSP responder over HTTP, queried by openssl ocsp', () => {
  const ask = (leaf: string, extra: string[] = []) =>
    opensslAsync(['ocsp', '-issuer', 'ca.pem', '-cert', leaf, '-url', `${base}/ocsp`, '-CAfile', 'root.pem', '-resp_text', ...extra], { cwd: dir });

  it('says good for an issued certificate, with a verified response and an echoed nonce', async () => {
    const r = await ask('good.pem', ['-nonce']);
    expect(r.ok).toBe(true);
    expect(r.stderr).toContain('Response verify OK');
    expect(r.stdout).toContain('good.pem: good');
    expect(r.stdout).toMatch(/OCSP Nonce:\s+04[0-9A-F]{2}/);
    expect(r.stdout + r.stderr).not.toMatch(/WARNING|nonce.*(missing|mismatch)/i);
    expect(r.stdout).toMatch(/Responder Id: [0-9A-F]{40}/); // byKey
  });

  it('says revoked, with the revocation time and reason', async () => {
    const r = await ask('revoked.pem');
    expect(r.stderr).toContain('Response verify OK');
    expect(r.stdout).toContain('revoked.pem: revoked');
    expect(r.stdout).toMatch(/Reason: keyCompromise/);
    const shown = /Revocation Time: (.+GMT)/.exec(r.stdout)![1]!;
    expect(new Date(shown).getTime()).toBe(revokedAt.getTime());
  });

  it('says unknown for a certificate it never issued (by serial, and with SHA-256 CertIDs)', async () => {
    const r = await ask('unknown.pem');
    expect(r.stdout).toContain('unknown.pem: unknown');
    const bySerial = await opensslAsync(['ocsp', '-issuer', 'ca.pem', '-serial', '0x7777', '-url', `${base}/ocsp`, '-CAfile', 'root.pem'], { cwd: dir });
    expect(bySerial.stdout).toContain('0x7777: unknown');
    const sha256 = await opensslAsync(['ocsp', '-sha256', '-issuer', 'ca.pem', '-cert', 'revoked.pem', '-url', `${base}/ocsp`, '-CAfile', 'root.pem', '-resp_text'], { cwd: dir });
    expect(sha256.stdout).toContain('Hash Algorithm: sha256');
    expect(sha256.stdout).toContain('revoked.pem: revoked');
  });

  it('answers GET /ocsp/<base64> too, and malformed requests with malformedRequest', async () => {
    const req = await buildOcspRequest(good.certificate, ca.certificate);
    for (const encoded of [encodeURIComponent(Buffer.from(req).toString('base64')), Buffer.from(req).toString('base64url')]) {
      const res = await fetch(`${base}/ocsp/${encoded}`);
      expect(res.headers.get('content-type')).toBe('application/ocsp-response');
      const parsed = parseOcspResponse(new Uint8Array(await res.arrayBuffer()));
      expect(parsed.responses[0]!.status).toBe('good');
    }
    const bad = await fetch(`${base}/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: Uint8Array.of(0x30, 0x03, 1, 2, 3) });
    expect(bad.status).toBe(200);
    const badDer = new Uint8Array(await bad.arrayBuffer());
    expect(parseOcspResponse(badDer).status).toBe('malformedRequest');
    write(dir, 'malformed-resp.der', badDer);
    const shown = openssl(['ocsp', '-respin', 'malformed-resp.der', '-resp_text', '-noverify'], { cwd: dir });
    expect(shown.stdout + shown.stderr).toContain('Responder Error: malformedrequest (1)');
    const wrongType = await fetch(`${base}/ocsp`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: req as Uint8Array<ArrayBuffer> });
    expect(wrongType.status).toBe(415);
  });

  it('exposes framework-neutral handlers', async () => {
    const h = createRevocationHandlers({ ca, stateDir });
    const req = await buildOcspRequest(revoked.certificate, ca.certificate, { nonce: true });
    const res = await h.handle({ method: 'POST', path: '/ocsp', contentType: 'application/ocsp-request', body: req });
    expect(res!.status).toBe(200);
    expect(parseOcspResponse(res!.body).responses[0]!.status).toBe('revoked');
    expect(await h.handle({ method: 'GET', path: '/elsewhere' })).toBeUndefined();
  });
});

describe('checkRevocation with data fetched from the running responder', () => {
  it('fetchRevocationData gets the CRL (CDP) and an OCSP response (AIA)', async () => {
    const data = await fetchRevocationData(revoked.certificate, ca.certificate);
    expect(data.errors).toEqual([]);
    expect(data.crls).toHaveLength(1);
    expect(data.ocspResponses).toHaveLength(1);
    const ocsp = parseOcspResponse(data.ocspResponses[0]!);
    const v = await verifyOcspResponse(ocsp, ca.certificate);
    expect(v).toMatchObject({ ok: true, signer: 'issuer' });
  });

  it('revoked at T: good at T − 1 h (with the later revocation reported), revoked at T + 1 h', async () => {
    const data = await fetchRevocationData(revoked.certificate, ca.certificate);
    for (const only of [{ crls: data.crls, ocspResponses: [] }, { crls: [], ocspResponses: data.ocspResponses }, data]) {
      const before = await checkRevocation({ certificate: revoked.certificate, issuer: ca.certificate, ...only, at: new Date(revokedAt.getTime() - HOUR) });
      expect(before).toMatchObject({ status: 'good', revokedAfter: true, revokedAt, reason: 'keyCompromise' });
      expect(before.checks.find((c) => c.id === 'revocation.revoked-later')?.status).toBe('warning');
      expect(before.checks.find((c) => c.id === 'revocation.status')?.status).toBe('passed');
      const after = await checkRevocation({ certificate: revoked.certificate, issuer: ca.certificate, ...only, at: new Date(revokedAt.getTime() + HOUR) });
      expect(after).toMatchObject({ status: 'revoked', revokedAt, reason: 'keyCompromise' });
      expect(after.checks.find((c) => c.id === 'revocation.status')).toMatchObject({ status: 'failed', onFailure: 'REVOKED' });
    }
  });

  it('good certificate: good now from OCSP and CRL; unknown without usable data', async () => {
    const data = await fetchRevocationData(good.certificate, ca.certificate);
    const now = await checkRevocation({ certificate: good.certificate, issuer: ca.certificate, ...data, at: new Date() });
    expect(now).toMatchObject({ status: 'good', source: 'ocsp' });
    expect(now.revokedAfter).toBeUndefined();
    // A CRL valid for 24 h does not vouch for a moment two days later.
    const later = await checkRevocation({ certificate: good.certificate, issuer: ca.certificate, crls: data.crls, at: new Date(Date.now() + 48 * HOUR) });
    expect(later.status).toBe('unknown');
    expect(later.checks.find((c) => c.id === 'revocation.crl')?.detail).toMatch(/does not cover/);
    const none = await checkRevocation({ certificate: good.certificate, issuer: ca.certificate, at: new Date() });
    expect(none.status).toBe('unknown');
    expect(none.checks[0]!.status).toBe('skipped');
  });

  it('fails clearly when no responder answers', async () => {
    const offline = await issueAgencySigningCertificate(ca, { agencyNameEn: 'Offline', keyAlgorithm: 'P-256', ocspUrl: 'http://127.0.0.1:9/ocsp', crlUrl: 'http://127.0.0.1:9/x.crl' });
    const err = await fetchRevocationData(offline.certificate, ca.certificate, { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RevocationFetchError);
    expect((err as Error).message).toMatch(/CRL http:\/\/127\.0\.0\.1:9\/x\.crl: .*; OCSP http:\/\/127\.0\.0\.1:9\/ocsp: /);
    const noPointers = await issueAgencySigningCertificate(ca, { agencyNameEn: 'None', keyAlgorithm: 'P-256' });
    await expect(fetchRevocationData(noPointers.certificate, ca.certificate)).rejects.toThrow(/names no http\(s\) CRL distribution point/);
  });

  it('a responder for one CA answers unknown for another CA\'s certificate; OCSP from the wrong key is rejected', async () => {
    const otherCa = await createDevIntermediateCa(root, { commonName: 'Other Issuing CA' });
    const stranger = await issueAgencySigningCertificate(otherCa, { agencyNameEn: 'Stranger', keyAlgorithm: 'P-256' });
    const responder = createOcspResponder(ca, await loadCaState(stateDir));
    const resp = parseOcspResponse(await responder.respond(await buildOcspRequest(stranger.certificate, otherCa.certificate)));
    expect(resp.responses[0]!.status).toBe('unknown');
    // Signed by `ca`, not by otherCa: must not verify for otherCa.
    expect((await verifyOcspResponse(resp, otherCa.certificate)).ok).toBe(false);
  });
});

describe('timings', () => {
  it('OCSP answers and CRL builds are fast', async () => {
    const responder = createOcspResponder(ca, await loadCaState(stateDir));
    const req = await buildOcspRequest(good.certificate, ca.certificate, { nonce: true });
    await responder.respond(req);
    const n = 200;
    let t = performance.now();
    for (let i = 0; i < n; i++) await responder.respond(req);
    const ocspMs = (performance.now() - t) / n;
    const state = await loadCaState(stateDir);
    t = performance.now();
    for (let i = 0; i < 20; i++) await buildCrl(ca, state, { thisUpdate: new Date(), nextUpdate: new Date(Date.now() + HOUR) });
    const crlMs = (performance.now() - t) / 20;
    const data = await fetchRevocationData(revoked.certificate, ca.certificate);
    t = performance.now();
    for (let i = 0; i < 50; i++) await checkRevocation({ certificate: revoked.certificate, issuer: ca.certificate, ...data, at: new Date() });
    const checkMs = (performance.now() - t) / 50;
    console.log(`OCSP respond ${ocspMs.toFixed(2)} ms, CRL build ${crlMs.toFixed(2)} ms, checkRevocation (CRL+OCSP) ${checkMs.toFixed(2)} ms`);
    expect(ocspMs).toBeLessThan(20);
    expect(crlMs).toBeLessThan(50);
    expect(checkMs).toBeLessThan(50);
  });
});

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecdsaRawToDer, encodeCertificatePem } from '../../src/signing/index.js';
import {
  buildStatusListCredential,
  signStatusListCredential,
  verifyStatusListJws,
  type StatusListCredential,
} from '../../src/status-list/index.js';
import { statusListPki, type StatusListPki } from './fixtures.js';

const run = promisify(execFile);
const b64url = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const fromB64url = (s: string): Buffer => Buffer.from(s, 'base64url');
const sha256Hex = (der: Uint8Array): string => createHash('sha256').update(der).digest('hex');

let pki: StatusListPki;
let credential: StatusListCredential;
let dir: string;
const LIST = 'https://registry.example.go.th/status/demo/training-certificate';

beforeAll(async () => {
  pki = await statusListPki();
  credential = buildStatusListCredential({
    listUrl: LIST,
    issuerId: 'https://registry.example.go.th/agencies/demo',
    validFrom: new Date(),
    entries: [{ index: 7, status: 'revoked' }],
  });
  dir = await mkdtemp(join(tmpdir(), 'status-list-jws-'));
}, 120_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Verify with OpenSSL over `<header>.<payload>`: the signature value is checked by a tool that shares no code with us. */
async function opensslVerifies(jws: string, certificate: Uint8Array, name: string, signatureDer: (raw: Buffer) => Uint8Array): Promise<string> {
  const [h, p, s] = jws.split('.') as [string, string, string];
  const certPath = join(dir, `${name}.pem`);
  const pubPath = join(dir, `${name}.pub.pem`);
  const dataPath = join(dir, `${name}.data`);
  const sigPath = join(dir, `${name}.sig`);
  await writeFile(certPath, encodeCertificatePem(certificate));
  const { stdout: pub } = await run('openssl', ['x509', '-in', certPath, '-pubkey', '-noout']);
  await writeFile(pubPath, pub);
  await writeFile(dataPath, `${h}.${p}`);
  await writeFile(sigPath, signatureDer(fromB64url(s)));
  try {
    const { stdout } = await run('openssl', ['dgst', '-sha256', '-verify', pubPath, '-signature', sigPath, dataPath]);
    return stdout.trim();
  } catch (e) {
    return `failed: ${(e as { stdout?: string }).stdout ?? (e as Error).message}`.trim();
  }
}

describe('signing and verifying a status list JWS', () => {
  it('RS256 with an RSA-2048 agency key: header, payload, signature (checked by OpenSSL) and chain', async () => {
    const jws = await signStatusListCredential(credential, pki.rsaAgency);
    const [h, p] = jws.split('.') as [string, string];
    const header = JSON.parse(fromB64url(h).toString('utf8'));
    expect(header).toMatchObject({ alg: 'RS256', typ: 'vc+jwt', cty: 'vc' });
    // x5c is standard base64 (RFC 7515 §4.1.6), signer first, then the chain.
    expect(header.x5c).toEqual([pki.rsaAgency.certificate, ...pki.rsaAgency.chain].map((c) => Buffer.from(c).toString('base64')));
    expect(JSON.parse(fromB64url(p).toString('utf8'))).toEqual(credential);

    expect(await opensslVerifies(jws, pki.rsaAgency.certificate, 'rsa', (raw) => raw)).toBe('Verified OK');

    const result = await verifyStatusListJws(jws, { trustRoots: pki.trustRoots });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.signerSha256).toBe(sha256Hex(pki.rsaAgency.certificate));
    expect(result.payload).toEqual(credential);
    expect(result.chain).toHaveLength(2);
    expect(result.signer.commonName).toBe('Demo Agency RSA');
    expect(result.warnings).toEqual([]);
  });

  it('ES256 with a P-256 agency key: 64-byte r‖s signature, checked by OpenSSL after conversion to DER', async () => {
    const jws = await signStatusListCredential(credential, pki.ecAgency);
    const header = JSON.parse(fromB64url(jws.split('.')[0]!).toString('utf8'));
    expect(header.alg).toBe('ES256');
    expect(fromB64url(jws.split('.')[2]!).length).toBe(64);
    expect(await opensslVerifies(jws, pki.ecAgency.certificate, 'ec', (raw) => ecdsaRawToDer(raw))).toBe('Verified OK');
    const result = await verifyStatusListJws(jws, { trustRoots: pki.trustRoots });
    expect(result.ok && result.signerSha256).toBe(sha256Hex(pki.ecAgency.certificate));
  });

  it('OpenSSL rejects the signature over a changed payload (the cross-check can fail)', async () => {
    const jws = await signStatusListCredential(credential, pki.rsaAgency);
    const [h, , s] = jws.split('.') as [string, string, string];
    const changed = `${h}.${b64url({ ...credential, validUntil: '2099-01-01T00:00:00Z' })}.${s}`;
    expect(await opensslVerifies(changed, pki.rsaAgency.certificate, 'rsa-changed', (raw) => raw)).toMatch(/^failed/);
  });

  it('refuses to sign with a key type JWS does not allow here', async () => {
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    await expect(signStatusListCredential(credential, { privateKey: hmac, certificate: pki.rsaAgency.certificate })).rejects.toThrow(/expected a private CryptoKey/);
    const pss = await crypto.subtle.generateKey({ name: 'RSA-PSS', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' }, false, ['sign', 'verify']);
    await expect(signStatusListCredential(credential, { privateKey: pss.privateKey, certificate: pki.rsaAgency.certificate })).rejects.toThrow(/RSASSA-PKCS1-v1_5\/SHA-256 or ECDSA P-256 CryptoKey, got RSA-PSS/);
    const p384 = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign', 'verify']);
    await expect(signStatusListCredential(credential, { privateKey: p384.privateKey, certificate: pki.ecAgency.certificate })).rejects.toThrow(/got ECDSA P-384/);
  });
});

describe('rejections with a clear detail', () => {
  it('a flipped payload byte → bad-signature', async () => {
    const jws = await signStatusListCredential(credential, pki.ecAgency);
    const [h, p, s] = jws.split('.') as [string, string, string];
    const bytes = fromB64url(p);
    const at = bytes.indexOf('"revoked"'.charCodeAt(1), 40);
    bytes[at] = bytes[at]! ^ 0x01;
    const result = await verifyStatusListJws(`${h}.${bytes.toString('base64url')}.${s}`, { trustRoots: pki.trustRoots });
    expect(result).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(!result.ok && result.detail).toMatch(/ES256 signature does not verify with the x5c\[0\] certificate .*Demo Agency EC/);
  });

  it('alg "none" (with or without a signature) and algorithm confusion (HS256 keyed with the certificate) → rejected', async () => {
    const jws = await signStatusListCredential(credential, pki.rsaAgency);
    const [h, p, s] = jws.split('.') as [string, string, string];
    const header = JSON.parse(fromB64url(h).toString('utf8'));
    const none = b64url({ ...header, alg: 'none' });
    const unsigned = await verifyStatusListJws(`${none}.${p}.`, { trustRoots: pki.trustRoots });
    expect(unsigned).toMatchObject({ ok: false, reason: 'malformed' });
    expect(!unsigned.ok && unsigned.detail).toMatch(/empty JWS header, payload or signature/);
    const withSig = await verifyStatusListJws(`${none}.${p}.${s}`, { trustRoots: pki.trustRoots });
    expect(withSig).toMatchObject({ ok: false, reason: 'unsupported' });
    expect(!withSig.ok && withSig.detail).toMatch(/alg: "none" is not accepted \(only RS256, ES256\)/);

    const hsHeader = b64url({ ...header, alg: 'HS256' });
    const hmacKey = await crypto.subtle.importKey('raw', Buffer.from(pki.rsaAgency.certificate), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const mac = Buffer.from(await crypto.subtle.sign('HMAC', hmacKey, Buffer.from(`${hsHeader}.${p}`))).toString('base64url');
    const confused = await verifyStatusListJws(`${hsHeader}.${p}.${mac}`, { trustRoots: pki.trustRoots });
    expect(confused).toMatchObject({ ok: false, reason: 'unsupported' });
    expect(!confused.ok && confused.detail).toMatch(/"HS256" is not accepted/);
  });

  it('an RS256 header over an EC certificate, and a swapped x5c[0] → rejected', async () => {
    const jws = await signStatusListCredential(credential, pki.ecAgency);
    const [h, p, s] = jws.split('.') as [string, string, string];
    const header = JSON.parse(fromB64url(h).toString('utf8'));
    const rs = await verifyStatusListJws(`${b64url({ ...header, alg: 'RS256' })}.${p}.${s}`, { trustRoots: pki.trustRoots });
    expect(rs).toMatchObject({ ok: false, reason: 'unsupported' });
    expect(!rs.ok && rs.detail).toMatch(/not usable for RS256/);

    // Another genuine agency certificate under the same root put in front: the signature is not its key's.
    const swapped = b64url({ ...header, x5c: [Buffer.from(pki.otherAgency.certificate).toString('base64'), ...header.x5c.slice(1)] });
    const other = await verifyStatusListJws(`${swapped}.${p}.${s}`, { trustRoots: pki.trustRoots });
    expect(other).toMatchObject({ ok: false, reason: 'bad-signature', signerSha256: sha256Hex(pki.otherAgency.certificate) });
  });

  it('a certificate not chaining to the trusted roots → untrusted', async () => {
    const jws = await signStatusListCredential(credential, pki.foreignAgency);
    const result = await verifyStatusListJws(jws, { trustRoots: pki.trustRoots });
    expect(result).toMatchObject({ ok: false, reason: 'untrusted' });
    expect(!result.ok && result.detail).toMatch(/chain\.trusted: no path to a trusted root/);
    // The same list is fine for a verifier that trusts the foreign root: the failure was about trust, not bytes.
    const trusting = await verifyStatusListJws(jws, { trustRoots: [pki.foreignAgency.chain.at(-1)!] });
    expect(trusting.ok).toBe(true);
  });

  it('a signer certificate outside its validity at the checking time → untrusted (chain.validity)', async () => {
    const jws = await signStatusListCredential(credential, pki.ecAgency);
    const result = await verifyStatusListJws(jws, { trustRoots: pki.trustRoots, now: new Date(Date.now() + 5 * 365 * 86_400_000) });
    expect(result).toMatchObject({ ok: false, reason: 'untrusted' });
    expect(!result.ok && result.detail).toMatch(/chain\.validity: .*expired at/);
  });

  it('structural problems: parts, typ, crit, x5c, non-JSON header, not a string', async () => {
    const jws = await signStatusListCredential(credential, pki.ecAgency);
    const [h, p, s] = jws.split('.') as [string, string, string];
    const header = JSON.parse(fromB64url(h).toString('utf8'));
    const cases: Array<[unknown, RegExp]> = [
      [`${h}.${p}`, /3 dot-separated parts, found 2/],
      [`${b64url({ ...header, typ: 'JWT' })}.${p}.${s}`, /typ: expected "vc\+jwt", got "JWT"/],
      [`${b64url({ ...header, crit: ['b64'], b64: false })}.${p}.${s}`, /crit: extensions \["b64"\] are not supported/],
      [`${b64url({ ...header, x5c: [] })}.${p}.${s}`, /x5c: expected 1 to 10 base64 DER certificates/],
      [`${b64url({ ...header, x5c: ['AAAA'] })}.${p}.${s}`, /x5c\[0\]: not a DER certificate/],
      [`${b64url({ ...header, x5c: [header.x5c[0].replace(/\+/g, '-')] })}.${p}.${s}`, /x5c\[0\]/],
      [`${b64url('not json')}.${p}.${s}`, /JWS header: not JSON/],
      [`${h}!.${p}.${s}`, /JWS header: invalid character "!"/],
      [12345, /expected a compact JWS string, got number/],
    ];
    for (const [input, detail] of cases) {
      const result = await verifyStatusListJws(input, { trustRoots: pki.trustRoots });
      expect(result.ok, String(detail)).toBe(false);
      expect(!result.ok && result.detail).toMatch(detail);
    }
    // application/vc+jwt is the same media type (RFC 7515 §4.1.9 lets the prefix be omitted).
    const long = await verifyStatusListJws(`${b64url({ ...header, typ: 'application/vc+jwt' })}.${p}.${s}`, { trustRoots: pki.trustRoots });
    expect(long).toMatchObject({ ok: false, reason: 'bad-signature' }); // header changed, so the old signature fails — but typ was accepted
  });
});

/**
 * The revocation memos (parsed CRL/OCSP by content, signature outcomes per signer, issuer hashes, request bytes) must
 * never change an answer: a changed byte is a miss, a result at one validation time never leaks into another, the
 * signer identity is part of every verification key, and warm results equal cold ones. Data made by OpenSSL
 * (`openssl ca -gencrl`, `openssl ocsp -index`), so the checker is not judged by data it wrote itself.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildOcspRequest,
  buildOcspRequestWithNonce,
  checkRevocation,
  clearRevocationCaches,
  parseCrl,
  parseOcspResponse,
  verifyCrl,
  verifyOcspResponse,
  type RevocationCheckInput,
} from '../../src/revocation/check/index.js';
import { ContentCache } from '../../src/revocation/check/content-cache.js';
import { getParsedCertificate } from '../../src/verify/cms/parsed-certificate.js';
import { HOUR, hexBytes, opensslOk, read, scratchDir, tamperAt, write } from './tools.js';

let dir: string;
let caDer: Uint8Array;
/** Same subject name as the CA, different key: only the certificate fingerprint tells them apart. */
let twinCaDer: Uint8Array;
let goodDer: Uint8Array;
let revokedDer: Uint8Array;
let crlDer: Uint8Array;
let goodOcsp: Uint8Array;
let revokedOcsp: Uint8Array;
let byLeafOcsp: Uint8Array;
let notResponderDer: Uint8Array;
let revokedSerial: string;
let T: Date;

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
[ocsp_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
`;

const CA_SUBJECT = '/C=TH/O=Cache test/CN=Cache Test CA';

function issue(name: string, ext: string): Uint8Array {
  opensslOk(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/C=TH/O=Cache test/CN=${name}`], { cwd: dir });
  opensslOk(['ca', '-batch', '-config', 'ca.cnf', '-extensions', ext, '-notext', '-in', `${name}.csr`, '-out', `${name}.pem`], { cwd: dir });
  opensslOk(['x509', '-in', `${name}.pem`, '-outform', 'DER', '-out', `${name}.der`], { cwd: dir });
  return read(dir, `${name}.der`);
}

function makeCa(name: string): Uint8Array {
  opensslOk(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '30', '-subj', CA_SUBJECT,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { cwd: dir });
  opensslOk(['x509', '-in', `${name}.pem`, '-outform', 'DER', '-out', `${name}.der`], { cwd: dir });
  return read(dir, `${name}.der`);
}

async function ocspFor(certDer: Uint8Array, signer: string, name: string): Promise<Uint8Array> {
  write(dir, `${name}.req`, await buildOcspRequest(certDer, caDer));
  opensslOk(['ocsp', '-index', 'index.txt', '-CA', 'ca.pem', '-rsigner', `${signer}.pem`, '-rkey', `${signer}.key`, '-rmd', 'sha256', '-reqin', `${name}.req`, '-respout', `${name}.resp`, '-ndays', '1'], { cwd: dir });
  return read(dir, `${name}.resp`);
}

/** Changes the last byte in place (for a CRL or OCSP response, a byte of the signature value). */
function flipLastByte(b: Uint8Array): void {
  b[b.length - 1] = b[b.length - 1]! ^ 0x01;
}

/** The same check with every revocation memo emptied first: the reference answer. */
async function cold(input: RevocationCheckInput) {
  clearRevocationCaches();
  return checkRevocation(input);
}

beforeAll(async () => {
  dir = scratchDir('revocation-caches');
  write(dir, 'ca.cnf', CA_CONFIG);
  write(dir, 'index.txt', '');
  write(dir, 'serial', '2000\n');
  write(dir, 'crlnumber', '01\n');
  caDer = makeCa('ca');
  twinCaDer = makeCa('twin-ca');
  mkdirSync(join(dir, 'newcerts'));
  goodDer = issue('good', 'leaf_ext');
  revokedDer = issue('revoked', 'leaf_ext');
  issue('responder', 'ocsp_ext');
  notResponderDer = issue('not-a-responder', 'leaf_ext');
  opensslOk(['ca', '-config', 'ca.cnf', '-revoke', 'revoked.pem', '-crl_reason', 'keyCompromise'], { cwd: dir });
  opensslOk(['ca', '-config', 'ca.cnf', '-gencrl', '-out', 'ca.crl.pem'], { cwd: dir });
  opensslOk(['crl', '-in', 'ca.crl.pem', '-outform', 'DER', '-out', 'ca.crl'], { cwd: dir });
  crlDer = read(dir, 'ca.crl');
  goodOcsp = await ocspFor(goodDer, 'responder', 'good');
  revokedOcsp = await ocspFor(revokedDer, 'responder', 'revoked');
  byLeafOcsp = await ocspFor(goodDer, 'not-a-responder', 'by-leaf');
  revokedSerial = (await getParsedCertificate(revokedDer)).serialHex;
  // openssl ca -revoke wrote the revocation time (whole seconds) into the CRL.
  T = parseCrl(crlDer).revoked.get(revokedSerial)!.date;
  clearRevocationCaches();
});

describe('parsed data is remembered by exact content', () => {
  it('the same bytes (even in another buffer) give the same frozen object; parse errors repeat with the same message', () => {
    const a = parseCrl(crlDer);
    expect(parseCrl(crlDer.slice())).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(parseOcspResponse(goodOcsp.slice())).toBe(parseOcspResponse(goodOcsp));
    expect(Object.isFrozen(parseOcspResponse(goodOcsp).responses[0])).toBe(true);
    const junk = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05);
    expect(() => parseCrl(junk)).toThrow(/^CRL: /);
    expect(() => parseCrl(junk)).toThrow(/^CRL: /);
    expect(() => parseOcspResponse(crlDer)).toThrow(/^OCSP response: /);
    expect(() => parseOcspResponse(crlDer)).toThrow(/^OCSP response: /);
  });

  it('a CRL buffer changed in place after a check is not served from cache: the signature then fails', async () => {
    const buf = crlDer.slice();
    const input = { certificate: goodDer, issuer: caDer, crls: [buf], at: new Date(T.getTime() + HOUR) };
    expect((await checkRevocation(input)).status).toBe('good');
    // The last byte belongs to the RSA signature value.
    flipLastByte(buf);
    const after = await checkRevocation(input);
    expect(after.status).toBe('unknown');
    expect(after.checks.find((c) => c.id === 'revocation.crl')?.detail).toMatch(/signature/i);
    expect((await verifyCrl(parseCrl(buf), caDer)).ok).toBe(false);
    flipLastByte(buf);
    expect((await checkRevocation(input)).status).toBe('good');
  });

  it('a CRL with the revoked serial changed is a different CRL: fails verification, does not revoke the original serial', async () => {
    await checkRevocation({ certificate: revokedDer, issuer: caDer, crls: [crlDer], at: new Date(T.getTime() + HOUR) });
    const tampered = tamperAt(crlDer, hexBytes(revokedSerial));
    expect(parseCrl(tampered)).not.toBe(parseCrl(crlDer));
    expect(parseCrl(tampered).revoked.has(revokedSerial)).toBe(false);
    const v = await verifyCrl(parseCrl(tampered), caDer);
    expect(v.ok).toBe(false);
    expect(v.detail).toMatch(/CRL signature/);
    const r = await checkRevocation({ certificate: revokedDer, issuer: caDer, crls: [tampered], at: new Date(T.getTime() + HOUR) });
    expect(r.status).toBe('unknown');
  });

  it('a changed byte in an OCSP response is not served from cache', async () => {
    const at = new Date(T.getTime() + HOUR);
    expect((await checkRevocation({ certificate: revokedDer, issuer: caDer, ocspResponses: [revokedOcsp], at })).status).toBe('revoked');
    const tampered = revokedOcsp.slice();
    flipLastByte(tampered);
    const r = await checkRevocation({ certificate: revokedDer, issuer: caDer, ocspResponses: [tampered], at });
    expect(r.status).toBe('unknown');
  });
});

describe('validation time is never cached', () => {
  const before = () => new Date(T.getTime() - HOUR);
  const after = () => new Date(T.getTime() + HOUR);

  for (const [name, data] of [
    ['CRL only', () => ({ crls: [crlDer] })],
    ['OCSP only', () => ({ ocspResponses: [revokedOcsp] })],
    ['CRL and OCSP', () => ({ crls: [crlDer], ocspResponses: [revokedOcsp] })],
  ] as const) {
    it(`${name}: revoked after T, good with revokedAfter before T, in any order, equal to cold answers`, async () => {
      clearRevocationCaches();
      for (const at of [after(), before(), after(), before(), before(), after()]) {
        const input = { certificate: revokedDer, issuer: caDer, ...data(), at };
        const warm = await checkRevocation(input);
        if (at.getTime() > T.getTime()) {
          expect(warm).toMatchObject({ status: 'revoked', reason: 'keyCompromise' });
          expect(warm.revokedAt!.getTime()).toBe(T.getTime());
        } else {
          expect(warm).toMatchObject({ status: 'good', revokedAfter: true });
        }
        expect(warm).toEqual(await cold(input));
        // cold() emptied the memos: warm them again for the next round.
        await checkRevocation(input);
      }
    });
  }

  it('a good certificate: covered within the CRL period, not covered after nextUpdate, warm equals cold', async () => {
    const crl = parseCrl(crlDer);
    const inside = { certificate: goodDer, issuer: caDer, crls: [crlDer], at: new Date(crl.thisUpdate.getTime() + HOUR) };
    const outside = { ...inside, at: new Date(crl.nextUpdate!.getTime() + 24 * HOUR) };
    expect((await checkRevocation(inside)).status).toBe('good');
    expect((await checkRevocation(outside)).status).toBe('unknown');
    expect((await checkRevocation(inside)).status).toBe('good');
    expect(await checkRevocation(outside)).toEqual(await cold(outside));
    expect(await checkRevocation(inside)).toEqual(await cold(inside));
  });
});

describe('who signed is part of every verification key', () => {
  it('a CRL verified for its CA is not taken as verified for a CA with the same name but another key', async () => {
    const crl = parseCrl(crlDer);
    expect((await verifyCrl(crl, caDer)).ok).toBe(true);
    const twin = await verifyCrl(crl, twinCaDer);
    expect(twin.ok).toBe(false);
    expect(twin.detail).toMatch(/CRL signature/);
    expect((await verifyCrl(crl, caDer)).ok).toBe(true);
    const r = await checkRevocation({ certificate: revokedDer, issuer: twinCaDer, crls: [crlDer], at: new Date(T.getTime() + HOUR) });
    // Names match, so only the signature tells the twin apart: the CRL is refused, nothing decides.
    expect(r.status).toBe('unknown');
    expect(r.checks.find((c) => c.id === 'revocation.crl')?.detail).toMatch(/CRL signature/);
  });

  it('an OCSP response signed by a directly trusted responder verifies only when that responder is given', async () => {
    const resp = parseOcspResponse(byLeafOcsp);
    const untrusted = await verifyOcspResponse(resp, caDer);
    expect(untrusted.ok).toBe(false);
    expect(await verifyOcspResponse(resp, caDer, [notResponderDer])).toMatchObject({ ok: true, signer: 'trusted-responder' });
    expect(await verifyOcspResponse(resp, caDer)).toEqual(untrusted);
    expect((await verifyOcspResponse(resp, caDer, [goodDer])).ok).toBe(false);
    const at = new Date(T.getTime() + HOUR);
    expect((await checkRevocation({ certificate: goodDer, issuer: caDer, ocspResponses: [byLeafOcsp], at, trustedResponders: [notResponderDer] })).status).toBe('good');
    expect((await checkRevocation({ certificate: goodDer, issuer: caDer, ocspResponses: [byLeafOcsp], at })).status).toBe('unknown');
  });

  it('a caller changing a returned result does not change the next answer', async () => {
    const v = await verifyCrl(parseCrl(crlDer), caDer);
    v.ok = false;
    v.problems.push('changed by the caller');
    expect(await verifyCrl(parseCrl(crlDer), caDer)).toMatchObject({ ok: true, problems: [] });
    const o = await verifyOcspResponse(parseOcspResponse(goodOcsp), caDer);
    o.problems.push('changed');
    expect((await verifyOcspResponse(parseOcspResponse(goodOcsp), caDer)).problems).toEqual([]);
  });
});

describe('OCSP requests', () => {
  it('without a nonce: the same bytes as a cold build, and a returned buffer changed by the caller does not leak', async () => {
    const first = await buildOcspRequest(goodDer, caDer);
    clearRevocationCaches();
    const coldReq = await buildOcspRequest(goodDer, caDer);
    expect(first).toEqual(coldReq);
    flipLastByte(first);
    expect(await buildOcspRequest(goodDer, caDer)).toEqual(coldReq);
    expect(await buildOcspRequest(goodDer, caDer, { hash: 'SHA-256' })).not.toEqual(coldReq);
    // openssl reads the cached request as a request for the right serial.
    write(dir, 'cached.req', await buildOcspRequest(goodDer, caDer));
    const text = opensslOk(['ocsp', '-reqin', 'cached.req', '-req_text'], { cwd: dir });
    expect(text.toLowerCase().replace(/[^0-9a-f]/g, '')).toContain((await getParsedCertificate(goodDer)).serialHex);
  });

  it('with a nonce: a fresh request every time', async () => {
    const a = await buildOcspRequestWithNonce(goodDer, caDer, { nonce: true });
    const b = await buildOcspRequestWithNonce(goodDer, caDer, { nonce: true });
    expect(a.der).not.toEqual(b.der);
    expect(a.nonce).not.toEqual(b.nonce);
  });
});

describe('ContentCache', () => {
  const bytes = (...v: number[]) => Uint8Array.from(v);

  it('evicts the least recently used entry when full, and by total byte size', () => {
    const c = new ContentCache<string>(2, 10);
    c.set(bytes(1), 'a');
    c.set(bytes(2), 'b');
    expect(c.get(bytes(1))?.value).toBe('a'); // now 2 is the oldest
    c.set(bytes(3), 'c');
    expect(c.get(bytes(2))).toBeUndefined();
    expect(c.get(bytes(1))?.value).toBe('a');
    expect(c.get(bytes(3))?.value).toBe('c');
    c.set(bytes(4, 4, 4, 4, 4, 4, 4, 4, 4), 'big'); // 9 bytes: 1 + 1 + 9 > 10, so the least recently used (1) goes
    expect(c.size).toBe(2);
    expect(c.get(bytes(1))).toBeUndefined();
    expect(c.get(bytes(3))?.value).toBe('c');
    expect(c.get(bytes(4, 4, 4, 4, 4, 4, 4, 4, 4))?.value).toBe('big');
    c.set(new Uint8Array(11), 'too big');
    expect(c.get(new Uint8Array(11))).toBeUndefined();
  });

  it('only exact bytes hit: same length and a one-bit difference is a miss', () => {
    const c = new ContentCache<string>(8, 1000);
    c.set(bytes(1, 2, 3), 'x');
    expect(c.get(bytes(1, 2, 3))?.value).toBe('x');
    expect(c.get(bytes(1, 2, 2))).toBeUndefined();
    expect(c.get(bytes(1, 2))).toBeUndefined();
  });
});

describe('timings', () => {
  it('a warm check costs a fraction of a cold one (printed for the lead)', async () => {
    const input = { certificate: revokedDer, issuer: caDer, crls: [crlDer], ocspResponses: [revokedOcsp], at: new Date(T.getTime() + HOUR) };
    const time = async (n: number, prepare: () => void) => {
      let total = 0;
      for (let i = 0; i < n; i++) {
        prepare();
        const t = performance.now();
        await checkRevocation(input);
        total += performance.now() - t;
      }
      return total / n;
    };
    await time(20, () => clearRevocationCaches());
    const coldMs = await time(50, () => clearRevocationCaches());
    const warmMs = await time(200, () => {});
    console.log(`checkRevocation (CRL + OCSP by a delegated responder): cold ${coldMs.toFixed(3)} ms, warm ${warmMs.toFixed(3)} ms`);
    expect(warmMs).toBeLessThan(coldMs);
  });
});

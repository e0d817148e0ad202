// Throughput of verifyCmsSignature with warm caches (the steady state of a verification service), printed for
// the record. The bound asserted is loose on purpose (shared, noisy CI machines); the printed numbers matter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearCertificateCache, clearChainCache, decideVerdict, verifyCmsSignature } from '../../src/verify/index.js';
import { makePki, openssl, type Pki } from './helpers/openssl-pki.js';

let pki: Pki;
beforeAll(() => {
  pki = makePki();
});
afterAll(() => pki?.cleanup());

async function measure(n: number, f: () => Promise<unknown>): Promise<{ wallUs: number; cpuUs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await f();
  const c = process.cpuUsage(c0);
  return { wallUs: ((performance.now() - t0) * 1000) / n, cpuUs: (c.user + c.system) / n };
}

describe('performance', () => {
  it.each([
    ['RSA-2048', 'signer-rsa', { name: 'RSASSA-PKCS1-v1_5' }],
    ['ECDSA P-256', 'signer-ec', { name: 'ECDSA', hash: 'SHA-256' }],
  ] as const)('%s: µs per verification', async (name, signer, rawAlg) => {
    const cms = pki.sign({ signer: `${signer}.pem`, key: `${signer}.key` });
    const roots = [pki.rootDer];
    const sha256 = new Uint8Array(await crypto.subtle.digest('SHA-256', pki.data as Uint8Array<ArrayBuffer>));

    clearCertificateCache();
    clearChainCache();
    const cold = await measure(1, () => verifyCmsSignature({ cms, signedContent: { sha256 }, trustRoots: roots }));
    const r = await verifyCmsSignature({ cms, signedContent: { sha256 }, trustRoots: roots });
    expect(decideVerdict(r.checks)).toBe('VALID');

    const run = () => verifyCmsSignature({ cms, signedContent: { sha256 }, trustRoots: roots });
    await measure(300, run); // warm-up (JIT)
    const warm = await measure(2000, run);
    const withContent = await measure(500, () => verifyCmsSignature({ cms, signedContent: [pki.data], trustRoots: roots }));

    // Baseline: the bare WebCrypto signature verification the engine cannot avoid.
    const key = await crypto.subtle.importKey('spki', spkiOf(signer), rawAlg.name === 'ECDSA' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
    const data = new Uint8Array(200);
    const bogus = new Uint8Array(rawAlg.name === 'ECDSA' ? 64 : 256);
    const raw = await measure(2000, () => crypto.subtle.verify(rawAlg, key, bogus, data));

    console.log(
      `${name}: cold ${cold.wallUs.toFixed(0)} µs; warm ${warm.wallUs.toFixed(0)} µs wall / ${warm.cpuUs.toFixed(0)} µs CPU ` +
        `(${(1e6 / warm.wallUs).toFixed(0)}/s); with 30 KB content hashed ${withContent.wallUs.toFixed(0)} µs; ` +
        `bare WebCrypto verify ${raw.wallUs.toFixed(0)} µs`,
    );
    expect(warm.wallUs).toBeLessThan(5000);
  });
});

function spkiOf(signer: string): ArrayBuffer {
  const der = openssl(pki.dir, ['x509', '-in', `${signer}.pem`, '-noout', '-pubkey']).toString();
  const b64 = der.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)).buffer;
}

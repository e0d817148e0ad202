import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPdf } from '../../src/verify/index.js';
import { PadesSigner, decodeCertificatesPem } from '../../src/signing/index.js';
import { loadAgencyIdentity } from '../../src/app/keys.js';
import type { SigningIdentity } from '../../src/signing/identity/signing-identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { expectRejected } from './attack-suite.js';
import { addSecondDataJson, cmsWithForeignEssCertificate, honestCms, signWith, unsignedRevision } from './resign.js';

/**
 * Attacks on who signed: two independent instances (each its own development CA and agency key), documents
 * re-signed with mixed key material, and a signed revision that already carries two data.json files.
 */
let a: TestApp;
let b: TestApp;
let docA: Uint8Array;
let docB: Uint8Array;
let rootsA: Uint8Array[];
let idA: SigningIdentity;
let idB: SigningIdentity;

beforeAll(async () => {
  [a, b] = await Promise.all([createTestApp('sqlite'), createTestApp('sqlite')]);
  const sample = a.app.types.get('training-certificate')!.sample;
  [docA, docB] = await Promise.all([
    a.app.issueAsAgency('demo', 'training-certificate', sample).then((r) => r.pdf),
    b.app.issueAsAgency('demo', 'training-certificate', sample).then((r) => r.pdf),
  ]);
  rootsA = decodeCertificatesPem(a.rootPem);
  [idA, idB] = await Promise.all([loadAgencyIdentity(a.config, 'demo'), loadAgencyIdentity(b.config, 'demo')]);
}, 180_000);
afterAll(async () => Promise.all([a?.destroy(), b?.destroy()]));

const verify = (pdf: Uint8Array) => verifyPdf(pdf, { trustRoots: rootsA });

describe('signer identity attacks', () => {
  it('control: re-signing the unsigned revision honestly with instance A’s key is VALID', async () => {
    const pdf = await signWith(unsignedRevision(docA), honestCms(await PadesSigner.create(idA)));
    expect((await verify(pdf)).verdict).toBe('VALID');
  });

  it('a valid signature by an untrusted key (instance B’s document, A’s roots) → UNTRUSTED', async () => {
    expect((await verifyPdf(docB, { trustRoots: decodeCertificatesPem(b.rootPem) })).verdict).toBe('VALID');
    const r = await verify(docB);
    expectRejected(r, 'UNTRUSTED', 'chain.trusted');
    expect(r.signatures[0]!.checks.find((c) => c.id === 'cms.signature')?.status).toBe('passed');
  });

  it('A’s certificate (and identifier, and ESS hash) but B’s key made the signature → TAMPERED via cms.signature', async () => {
    expect(idB.keyAlgorithm).toBe(idA.keyAlgorithm);
    const mixed = await PadesSigner.create({ ...idA, privateKey: idB.privateKey });
    const r = await verify(await signWith(unsignedRevision(docA), honestCms(mixed)));
    expectRejected(r, 'TAMPERED', 'cms.signature');
    expect(r.signatures[0]!.checks.find((c) => c.id === 'cms.message-digest')?.status).toBe('passed');
  });

  it('signing-certificate-v2 hashes another certificate (B’s agency certificate) → TAMPERED via cms.signing-certificate', async () => {
    const r = await verify(await signWith(unsignedRevision(docA), await cmsWithForeignEssCertificate(idA, idB.certificate)));
    const hit = expectRejected(r, 'TAMPERED', 'cms.signing-certificate');
    expect(hit.detail).toMatch(/signing-certificate v2/);
    // The signature value itself is genuine: only the ESS binding is wrong.
    expect(r.signatures[0]!.checks.find((c) => c.id === 'cms.signature')?.status).toBe('passed');
  });

  it('a signed revision that already carries two data.json files → MALFORMED via document.embedded-data', async () => {
    const twoFiles = addSecondDataJson(unsignedRevision(docA));
    const r = await verify(await signWith(twoFiles, honestCms(await PadesSigner.create(idA))));
    const hit = expectRejected(r, 'MALFORMED', 'document.embedded-data');
    expect(hit.detail).toMatch(/2 files named data\.json/);
    expect(r.checks.find((c) => c.id === 'pdf.coverage')?.status).toBe('passed');
    expect(r.signatures[0]!.verdict).toBe('VALID');
  });
});

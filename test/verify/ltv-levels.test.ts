import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncrementalUpdate, PdfDict, name } from '../../src/pdf/index.js';
import { createOcspResponder } from '../../src/revocation/ca/index.js';
import { encodeCertificatePem, issueAgencySigningCertificate } from '../../src/signing/index.js';
import { verifyPdf, type VerificationReport } from '../../src/verify/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  addDocumentTimestamp,
  appendDss,
  createPki,
  crlOf,
  genTimeOf,
  ocspOf,
  openPdf,
  signDocument,
  unsignedPart,
  withIssuedCertificate,
  type Pki,
} from './helpers/ltv-documents.js';

/**
 * PAdES levels as the verifier establishes them, on documents built from a real rendered certificate, the dev CA,
 * an in-process RFC 3161 authority and the CA's own CRL/OCSP. Independent checks: openssl ts -verify for the
 * document timestamp, qpdf --check for the file structure.
 */
let t: TestApp;
let unsigned: Uint8Array;
let pki: Pki;
let roots: Uint8Array[];
let bT: { pdf: Uint8Array; token: Uint8Array };
let bLt: Uint8Array;
let bLta: { pdf: Uint8Array; token: Uint8Array; signedBytes: Uint8Array };
let work: string;

const check = (r: VerificationReport, id: string) => [...r.checks, ...r.signatures.flatMap((s) => s.checks)].find((c) => c.id === id);
const failed = (r: VerificationReport) => [...r.checks, ...r.signatures.flatMap((s) => s.checks)].filter((c) => c.status === 'failed').map((c) => `${c.id}: ${c.detail}`);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ekasarn-ltv-'));
  t = await createTestApp('sqlite');
  const issued = (await t.app.issueAsAgency('demo', 'training-certificate', t.app.types.get('training-certificate')!.sample)).pdf;
  unsigned = unsignedPart(issued);
  pki = await createPki();
  roots = [pki.ca.certificate];
  const signed = await signDocument(unsigned, pki.signer, pki.tsa);
  bT = { pdf: signed.pdf, token: signed.token! };
  bLt = appendDss(bT.pdf, {
    certificates: [pki.signer.certificate, pki.ca.certificate, pki.tsaCertificate],
    crls: [await crlOf(pki.ca, pki.state)],
    // The authority's OCSP answer sits beside the signer's, as in a real DSS.
    ocspResponses: [await ocspOf(pki.ca, pki.state, pki.tsaCertificate), await ocspOf(pki.ca, pki.state, pki.signer.certificate)],
  });
  bLta = await addDocumentTimestamp(bLt, pki.tsa);
}, 60_000);
afterAll(async () => {
  await t?.destroy();
  rmSync(work, { recursive: true, force: true });
});

describe('PAdES levels found and reported', () => {
  it('B-B: VALID, level B-B, signing time only claimed, revocation not checked (offline, certificate valid now)', async () => {
    const r = await verifyPdf((await signDocument(unsigned, pki.signer)).pdf, { trustRoots: roots });
    expect(r.verdict, failed(r).join('\n')).toBe('VALID');
    expect(r.level).toBe('B-B');
    expect(r.signingTime?.source).toBe('claimed');
    expect(r.timestamps).toBeUndefined();
    expect(check(r, 'revocation.status')?.status).toBe('skipped');
  });

  it('B-T: VALID, the signature timestamp is listed (time, authority, verified) and is the signing time', async () => {
    const r = await verifyPdf(bT.pdf, { trustRoots: roots });
    expect(r.verdict, failed(r).join('\n')).toBe('VALID');
    expect(r.level).toBe('B-T');
    expect(r.timestamps).toHaveLength(1);
    const ts = r.timestamps![0]!;
    expect(ts).toMatchObject({ kind: 'signature', verified: true, authority: 'LTV test TSA', time: genTimeOf(bT.token).toISOString() });
    expect(ts.checks.filter((c) => c.id.startsWith('tst.')).every((c) => c.status === 'passed')).toBe(true);
    expect(r.signingTime).toEqual({ value: genTimeOf(bT.token).toISOString(), source: 'timestamp' });
    expect(r.signatures[0]!.signingTime?.source).toBe('timestamp');
    expect(check(r, 'chain.validity')?.detail).toContain(`checked at ${genTimeOf(bT.token).toISOString()}`);
    expect(check(r, 'ltv.signature-timestamp')?.status).toBe('passed');
  });

  it('B-LT: VALID, the signer was shown unrevoked at the signing time by the DSS (a later DSS revision is allowed)', async () => {
    const r = await verifyPdf(bLt, { trustRoots: roots });
    expect(r.verdict, failed(r).join('\n')).toBe('VALID');
    expect(r.level).toBe('B-LT');
    expect(check(r, 'pdf.coverage')?.detail).toMatch(/1 later revision/);
    expect(check(r, 'revocation.status')).toMatchObject({ status: 'passed' });
    expect(check(r, 'revocation.status')?.detail).toContain(`not revoked at ${genTimeOf(bT.token).toISOString()}`);
    // Each response in the DSS is weighed for the certificate it is about: no warnings about the others.
    expect(r.signatures[0]!.checks.filter((c) => c.status === 'warning')).toEqual([]);
    expect(r.signatures[0]!.checks.filter((c) => c.id === 'revocation.ocsp')).toHaveLength(1);
  });

  it('B-LTA: VALID, both timestamps listed and verified; openssl ts -verify confirms the document timestamp', async () => {
    const r = await verifyPdf(bLta.pdf, { trustRoots: roots });
    expect(r.verdict, failed(r).join('\n')).toBe('VALID');
    expect(r.level).toBe('B-LTA');
    expect(r.timestamps?.map((x) => [x.kind, x.verified])).toEqual([['signature', true], ['document', true]]);
    expect(r.timestamps![1]).toMatchObject({ fieldName: 'Timestamp1', authority: 'LTV test TSA', time: genTimeOf(bLta.token).toISOString() });
    expect(check(r, 'ltv.document-timestamp')?.status).toBe('passed');
    // The signature timestamp is judged at the time the document timestamp proves it existed.
    expect(r.timestamps![0]!.judgedAt).toBe(genTimeOf(bLta.token).toISOString());

    writeFileSync(join(work, 'doc-ts.der'), bLta.token);
    writeFileSync(join(work, 'doc-ts.data'), bLta.signedBytes);
    writeFileSync(join(work, 'root.pem'), encodeCertificatePem(pki.ca.certificate));
    writeFileSync(join(work, 'tsa.pem'), encodeCertificatePem(pki.tsaCertificate));
    const out = execFileSync('openssl', ['ts', '-verify', '-in', join(work, 'doc-ts.der'), '-token_in', '-data', join(work, 'doc-ts.data'), '-CAfile', join(work, 'root.pem'), '-untrusted', join(work, 'tsa.pem')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(out).toMatch(/Verification: OK/);
    writeFileSync(join(work, 'b-lta.pdf'), bLta.pdf);
    expect(execFileSync('qpdf', ['--check', join(work, 'b-lta.pdf')], { encoding: 'utf8' })).toMatch(/No syntax or stream encoding errors/);
  });

  it('a document timestamp alone (no signature timestamp) gives the signing time and level B-T', async () => {
    const { pdf } = await addDocumentTimestamp((await signDocument(unsigned, pki.signer)).pdf, pki.tsa);
    const r = await verifyPdf(pdf, { trustRoots: roots });
    expect(r.verdict, failed(r).join('\n')).toBe('VALID');
    expect(r.level).toBe('B-T');
    expect(r.signingTime?.source).toBe('timestamp');
    expect(check(r, 'ltv.signing-time')?.detail).toMatch(/document timestamp/);
  });
});

describe('what must not verify', () => {
  it('a document timestamp whose token was altered → TAMPERED', async () => {
    const pdf = bLta.pdf.slice();
    const doc = openPdf(pdf);
    const ts = doc.revisions[doc.revisions.length - 1]!;
    // The hex /Contents of the last revision's DocTimeStamp: flip a digit in the middle of the token.
    const text = Buffer.from(pdf.subarray(0, ts.end)).toString('latin1');
    const start = text.lastIndexOf('/Contents <') + '/Contents <'.length;
    const pos = start + 2 * Math.floor(bLta.token.length / 2);
    pdf[pos] = pdf[pos] === 0x30 ? 0x31 : 0x30;
    const r = await verifyPdf(pdf, { trustRoots: roots });
    expect(r.verdict).toBe('TAMPERED');
    expect(check(r, 'ltv.document-timestamp')?.status).toBe('failed');
    expect(r.timestamps!.find((x) => x.kind === 'document')!.verified).toBe(false);
  });

  it('an annotation added after the document timestamp → TAMPERED', async () => {
    const doc = openPdf(bLta.pdf);
    const upd = new IncrementalUpdate(doc);
    const page = doc.firstPage();
    const note = upd.add(new PdfDict([['Type', name('Annot')], ['Subtype', name('Square')], ['Rect', [10, 10, 300, 300]], ['P', page.ref]]));
    const annots = doc.resolve(page.dict.get('Annots'));
    upd.set(page.ref, page.dict.clone().set('Annots', [...(Array.isArray(annots) ? annots : []), note]));
    const r = await verifyPdf(upd.build().pdf, { trustRoots: roots });
    expect(r.verdict).toBe('TAMPERED');
    expect(check(r, 'pdf.coverage')?.status).toBe('failed');
  });

  it('B-T plus a DSS without revocation data claims long-term validation it cannot prove → INDETERMINATE with the reason', async () => {
    const pdf = appendDss(bT.pdf, { certificates: [pki.signer.certificate, pki.ca.certificate], crls: [], ocspResponses: [] });
    const r = await verifyPdf(pdf, { trustRoots: roots });
    expect(r.verdict).toBe('INDETERMINATE');
    expect(r.level).toBe('B-T');
    expect(check(r, 'ltv.revocation-data')).toMatchObject({ status: 'failed', onFailure: 'INDETERMINATE' });
    expect(check(r, 'ltv.revocation-data')?.detail).toMatch(/verification ran offline.*long-term validation data/);
    expect(check(r, 'ltv.revocation-data')?.message.th).toMatch(/[\u0E00-\u0E7F]/);
  });
});

describe('revocation data fetched online when the caller allows the network', () => {
  let server: Server;
  let base: string;
  let current: { crl: Uint8Array; ocsp: ReturnType<typeof createOcspResponder> | null } = { crl: new Uint8Array(), ocsp: null };
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        if (req.url === '/crl') res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(current.crl);
        else if (req.url === '/ocsp' && current.ocsp) res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(await current.ocsp.respond(Buffer.concat(chunks)));
        else res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('a B-T document of a signer with CRL/OCSP URLs: offline the status is skipped, online it is checked over HTTP', async () => {
    const signer = await issueAgencySigningCertificate(pki.ca, { agencyNameEn: 'Online Agency', keyAlgorithm: 'P-256', crlUrl: `${base}/crl`, ocspUrl: `${base}/ocsp` });
    const state = await withIssuedCertificate(pki.state, signer.certificate);
    current = { crl: await crlOf(pki.ca, state), ocsp: createOcspResponder(pki.ca, state) };
    const { pdf } = await signDocument(unsigned, signer, pki.tsa);

    const offline = await verifyPdf(pdf, { trustRoots: roots });
    expect(offline.verdict).toBe('VALID');
    expect(check(offline, 'revocation.status')?.status).toBe('skipped');

    const online = await verifyPdf(pdf, { trustRoots: roots, fetchRevocation: true });
    expect(online.verdict, failed(online).join('\n')).toBe('VALID');
    expect(check(online, 'revocation.status')?.status).toBe('passed');
    expect(online.signatures[0]!.checks.filter((c) => c.id === 'revocation.ocsp' || c.id === 'revocation.crl').every((c) => c.status === 'passed')).toBe(true);
    // Fetched data is not part of the document: the level stays B-T.
    expect(online.level).toBe('B-T');
  });
});

describe('cost', () => {
  it('verification time per level (warm caches), printed for the lead', async () => {
    const bB = (await signDocument(unsigned, pki.signer)).pdf;
    const byLevel: Record<string, Uint8Array> = { 'B-B': bB, 'B-T': bT.pdf, 'B-LT': bLt, 'B-LTA': bLta.pdf };
    const lines: string[] = [];
    for (const [level, pdf] of Object.entries(byLevel)) {
      await verifyPdf(pdf, { trustRoots: roots });
      const times: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t0 = performance.now();
        const r = await verifyPdf(pdf, { trustRoots: roots });
        times.push(performance.now() - t0);
        expect(r.level).toBe(level);
      }
      times.sort((a, b) => a - b);
      lines.push(`${level}: median ${times[7]!.toFixed(1)} ms (${(pdf.length / 1024).toFixed(0)} KiB)`);
    }
    console.log(`verifyPdf per level: ${lines.join('; ')}`);
  });
});

describe('messages', () => {
  it('every check id this feature adds has Thai and English sentences for each status', async () => {
    const { CHECK_MESSAGES, makeCheck } = await import('../../src/verify/index.js');
    const ids = Object.keys(CHECK_MESSAGES).filter((id) => /^(ltv|tst|revocation)\./.test(id)) as (keyof typeof CHECK_MESSAGES)[];
    expect(ids).toEqual(expect.arrayContaining(['ltv.signature-timestamp', 'ltv.document-timestamp', 'ltv.revocation-data', 'ltv.tsa-revocation', 'ltv.signing-time', 'tst.imprint', 'revocation.status', 'revocation.revoked-later']));
    for (const id of ids) {
      for (const status of ['passed', 'failed', 'warning', 'skipped', 'info'] as const) {
        const c = makeCheck(id, status);
        expect(c.message.th, `${id}/${status}`).toMatch(/[\u0E00-\u0E7F]/);
        expect(c.message.en, `${id}/${status}`).toMatch(/^[A-Z]/);
      }
    }
  });
});

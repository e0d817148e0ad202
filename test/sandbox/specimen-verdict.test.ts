/**
 * The SPECIMEN verdict on its own (no database): either mark — the certificate policy or the embedded data — is
 * enough; integrity failures still win; trust failures do not; and the policy OID survives a 128-bit arc.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { loadTypes, type LoadedType } from '../../src/doctypes/load-types.js';
import { renderInputFor, type DocumentFacts } from '../../src/issuance/document-pdf.js';
import { specimenRenderInput } from '../../src/issuance/issue-specimen.js';
import { signPdf } from '../../src/issuance/sign-pdf.js';
import { sandboxSignerFor, sandboxIdentity } from '../../src/app/sandbox-keys.js';
import { createRenderer, type Renderer } from '../../src/render/index.js';
import { createDevRootCa, issueAgencySigningCertificate, PadesSigner } from '../../src/signing/index.js';
import type { Agency } from '../../src/store/index.js';
import { decideVerdict, makeCheck, SPECIMEN_POLICY_OID, verifyPdf, VERDICT_PRIORITY, type Check } from '../../src/verify/index.js';
import { certificatePolicyOids, decodeOidAnyLength } from '../../src/verify/der.js';
import { bundledTypes } from '../conformance/tools.js';

const agency: Agency = { id: 'demo', nameTh: 'หน่วยงานทดลอง', nameEn: 'Demo agency', addressTh: 'กรุงเทพมหานคร', createdAt: '2025-01-01T00:00:00.000Z' };
const fields = bundledTypes().find((t) => t.typeId === 'training-certificate')!.sample;

describe('verdict rules', () => {
  const failed = (id: Parameters<typeof makeCheck>[0]) => makeCheck(id, 'failed');
  const passed = (id: Parameters<typeof makeCheck>[0]) => makeCheck(id, 'passed');
  const specimen = failed('document.specimen');

  it('SPECIMEN outranks untrusted, expired and undecidable, and loses to tampered and malformed', () => {
    expect(decideVerdict([passed('cms.signature'), specimen])).toBe('SPECIMEN');
    expect(decideVerdict([passed('cms.signature'), failed('chain.trusted'), failed('issuer.entitled'), specimen])).toBe('SPECIMEN');
    expect(decideVerdict([failed('document.expired'), failed('ltv.revocation-data'), specimen])).toBe('SPECIMEN');
    expect(decideVerdict([failed('cms.message-digest'), specimen])).toBe('TAMPERED');
    expect(decideVerdict([failed('pdf.structure'), specimen])).toBe('MALFORMED');
    expect(VERDICT_PRIORITY.indexOf('SPECIMEN')).toBeLessThan(VERDICT_PRIORITY.indexOf('UNTRUSTED'));
    expect(VERDICT_PRIORITY).not.toContain('VALID');
  });

  it('a specimen warning (signature not intact) does not by itself decide anything', () => {
    const checks: Check[] = [passed('cms.signature'), makeCheck('document.specimen', 'warning')];
    expect(decideVerdict(checks)).toBe('VALID'); // in real reports the broken integrity check fails alongside
  });

  it('decodes long-arc OIDs that asn1js cannot print', () => {
    // 2.25.267887417467441927237817011345163462999 as DER content octets (checked with `openssl asn1parse`).
    const content = Uint8Array.from(Buffer.from('698393899edac883fa89a384c6f4f5e4df8ad257', 'hex'));
    expect(decodeOidAnyLength(content)).toBe(SPECIMEN_POLICY_OID);
    const ext = Uint8Array.from(Buffer.from(`30183016061469${'8393899edac883fa89a384c6f4f5e4df8ad257'}`, 'hex'));
    expect(certificatePolicyOids(ext)).toEqual([SPECIMEN_POLICY_OID]);
    expect(certificatePolicyOids(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00))).toBeUndefined();
  });
});

describe('SPECIMEN from either mark', () => {
  let dir: string;
  let config: Config;
  let renderer: Renderer;
  let type: LoadedType;
  let facts: DocumentFacts;
  let devRoot: Uint8Array;
  let officialSigner: PadesSigner;
  let officialChain: Uint8Array[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ekasarn-specimen-verdict-'));
    config = loadConfig({ EKASARN_DATA: dir, EKASARN_PUBLIC_URL: 'https://registry.example' });
    renderer = createRenderer();
    type = (await loadTypes(config.typesDir)).get('training-certificate')!;
    facts = { id: 'Qm3x7Vb2Kc9TzR4pLw8NdA', serial: 'ตัวอย่าง-000001', issuedAt: new Date(), validUntil: null, verifyUrl: 'https://registry.example/verify', fields };
    const ca = await createDevRootCa({ keyAlgorithm: 'P-256' });
    devRoot = ca.certificate;
    const official = await issueAgencySigningCertificate(ca, { agencyNameEn: agency.nameEn, agencyNameTh: agency.nameTh, keyAlgorithm: 'P-256' });
    officialSigner = await PadesSigner.create(official);
    officialChain = official.chain;
  });
  afterAll(() => {
    renderer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const sign = (pdf: Uint8Array, signer: PadesSigner, chain: Uint8Array[]) =>
    signPdf(pdf, signer, { reason: 'test', location: 'test', signingTime: facts.issuedAt, level: 'B-B', chain });

  it('the sandbox certificate alone (no watermark, no data mark) makes it SPECIMEN, whatever the trust roots', async () => {
    const s = await sandboxSignerFor(config, agency);
    const pdf = await sign(renderer.render(renderInputFor(type, agency, facts)), s.signer, s.chain);
    const report = await verifyPdf(pdf, { trustRoots: [devRoot] });
    expect(report.verdict).toBe('SPECIMEN');
    expect(report.signatures[0]!.signer?.policies).toEqual([SPECIMEN_POLICY_OID]);
    expect(report.signatures[0]!.signer?.subject).toContain('(ตัวอย่าง/SPECIMEN)');
    // Even someone who (wrongly) trusts the training CA gets SPECIMEN, never VALID.
    expect((await verifyPdf(pdf, { trustRoots: [s.chain[0]!] })).verdict).toBe('SPECIMEN');
  });

  it('the data mark alone makes it SPECIMEN even under a trusted official key', async () => {
    const pdf = await sign(renderer.render(specimenRenderInput(type, agency, facts)), officialSigner, officialChain);
    const report = await verifyPdf(pdf, { trustRoots: [devRoot] });
    expect(report.verdict).toBe('SPECIMEN');
    expect(report.checks.find((c) => c.id === 'document.specimen')?.detail).toMatch(/embedded data/);
    // The same document without the mark is VALID under that key: the mark is what changes the verdict.
    const plain = await sign(renderer.render(renderInputFor(type, agency, facts)), officialSigner, officialChain);
    expect((await verifyPdf(plain, { trustRoots: [devRoot] })).verdict).toBe('VALID');
  });

  it('bytes appended after signing make it TAMPERED, not SPECIMEN', async () => {
    const s = await sandboxSignerFor(config, agency);
    const pdf = await sign(renderer.render(specimenRenderInput(type, agency, facts)), s.signer, s.chain);
    const appended = new Uint8Array([...pdf, ...new TextEncoder().encode('\n1 0 obj (x) endobj\n')]);
    const report = await verifyPdf(appended, { trustRoots: [devRoot] });
    expect(report.verdict).toBe('TAMPERED');
    expect(report.checks.find((c) => c.id === 'document.specimen')?.status).toBe('warning');
  });

  it('keeps one sandbox identity per agency across calls and renews none that is current', async () => {
    const a = await sandboxIdentity(config, agency);
    const b = await sandboxIdentity(config, agency);
    expect(b.certificate).toEqual(a.certificate);
    const other = await sandboxIdentity(config, { id: 'other', nameTh: 'อื่น', nameEn: 'Other' });
    expect(other.certificate).not.toEqual(a.certificate);
    expect(other.chain[0]).toEqual(a.chain[0]); // one training CA per deployment
  });
});

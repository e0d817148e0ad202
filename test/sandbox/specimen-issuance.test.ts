/**
 * The training sandbox end to end on each database engine: specimens issued by issueSpecimen, judged by tools that
 * share no code with ekasarn (pdfsig/NSS, openssl, pdftotext, pdfdetach) and by our verifier — server side with the
 * registry, offline, and the browser engine — and checked to leave no trace in anything public.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDialect } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { artifact, bundledTypes, nssTrusting, opensslVerifyPdf, pdfdetachSave, pdfsig, PDFSIG_GOOD, pdfText, scratchDir, signerCertificateText } from '../conformance/tools.js';
import { createRenderer, type Renderer } from '../../src/render/index.js';
import { issueSpecimen, type SpecimenDeps, type SpecimenResult } from '../../src/issuance/issue-specimen.js';
import { sandboxSigners, TRAINING_CA_BASENAME, TRAINING_CA_NAME } from '../../src/app/sandbox-keys.js';
import { keysDir } from '../../src/app/keys.js';
import { getSpecimen, listAuditEvents, listSpecimens, upsertAgency } from '../../src/store/index.js';
import { SPECIMEN_POLICY_OID, VERDICT_MESSAGES, verifyPdf } from '../../src/verify/index.js';
import { verifyExitCode, verifyFromCli, VERIFY_EXIT } from '../../src/cli/verify-command.js';
import { AppError } from '../../src/domain/errors.js';

const samples = new Map(bundledTypes().map((t) => [t.typeId, t.sample]));
const sample = (typeId: string) => samples.get(typeId)!;

describeEachDialect('training sandbox specimens', (dialect) => {
  let t: TestApp;
  let renderer: Renderer;
  let deps: SpecimenDeps;
  let trainingCaPem: string;
  let before: Record<string, number>;
  const issued: SpecimenResult[] = [];
  const scratch = scratchDir(`sandbox-${dialect}`);

  const count = async (table: 'documents' | 'log_events' | 'serial_counters' | 'document_versions') =>
    Number((await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(t.app.database.db)).rows[0]!.n);

  beforeAll(async () => {
    t = await createTestApp(dialect);
    renderer = createRenderer();
    deps = {
      db: t.app.database.db,
      blobs: t.app.blobs,
      types: t.app.types,
      renderer,
      sandboxSignerFor: sandboxSigners(t.config, t.app.database.db),
      publicUrl: t.config.publicUrl,
    };
    before = {
      documents: await count('documents'),
      log_events: await count('log_events'),
      serial_counters: await count('serial_counters'),
      document_versions: await count('document_versions'),
    };
    const started = performance.now();
    issued.push(await issueSpecimen(deps, { agencyId: 'demo', typeId: 'training-certificate', data: sample('training-certificate'), actor: 'user:u-trainer', source: '192.0.2.7' }));
    const first = performance.now() - started;
    const again = performance.now();
    issued.push(await issueSpecimen(deps, { agencyId: 'demo', typeId: 'training-certificate', data: sample('training-certificate'), actor: 'user:u-trainer', draftId: 'draft-0001' }));
    issued.push(await issueSpecimen(deps, { agencyId: 'demo', typeId: 'factory-licence', data: sample('factory-licence'), actor: 'user:u-trainer' }));
    console.info(`[sandbox ${dialect}] first specimen ${first.toFixed(0)} ms (creates the training CA and key), next two ${(performance.now() - again).toFixed(0)} ms`);
    trainingCaPem = readFileSync(join(keysDir(t.config), `${TRAINING_CA_BASENAME}.cert.pem`), 'utf8');
    issued.forEach((s, i) => artifact(`specimen-${dialect}-${i}.pdf`, s.pdf));
  });
  afterAll(async () => {
    renderer?.close();
    await t?.destroy();
    scratch.remove();
  });

  it('numbers specimens per agency and type with a serial that is never a real one', () => {
    expect(issued.map((s) => s.specimen.serial)).toEqual(['ตัวอย่าง-000001', 'ตัวอย่าง-000002', 'ตัวอย่าง-000001']);
    expect(issued[1]!.specimen.draftId).toBe('draft-0001');
    expect(issued[0]!.specimen.issuedBy).toBe('user:u-trainer');
  });

  it('pdfsig: the digest is intact; the certificate is trusted only by someone who chose to trust the training CA', () => {
    const file = artifact(`specimen-${dialect}-pdfsig.pdf`, issued[0]!.pdf);
    const withTraining = pdfsig(nssTrusting(join(scratch.dir, 'nss-training'), trainingCaPem), file);
    for (const needle of PDFSIG_GOOD) expect(withTraining, withTraining).toContain(needle);
    // With only the platform's roots (the development root here), the signature still checks but is not trusted.
    const withDevRoot = pdfsig(nssTrusting(join(scratch.dir, 'nss-dev'), t.rootPem), file);
    expect(withDevRoot, withDevRoot).toContain('Signature is Valid.');
    expect(withDevRoot).not.toContain('Certificate is Trusted.');
  });

  it('openssl cms -verify succeeds against the training CA and fails against the real trust roots', () => {
    const ok = opensslVerifyPdf(issued[0]!.pdf, trainingCaPem, `specimen-${dialect}`);
    expect(ok.status, ok.output).toBe(0);
    expect(ok.output).toMatch(/Verification successful/);
    const refused = opensslVerifyPdf(issued[0]!.pdf, t.rootPem, `specimen-${dialect}-devroot`);
    expect(refused.status, refused.output).not.toBe(0);
  });

  it('the signer certificate names itself a specimen and carries the SPECIMEN policy (openssl)', () => {
    const text = signerCertificateText(issued[0]!.pdf);
    expect(text).toContain(`Policy: ${SPECIMEN_POLICY_OID}`);
    // openssl escapes the Thai part of "(ตัวอย่าง/SPECIMEN)"; the ASCII tail shows as is.
    expect(text).toMatch(/Subject:.*SPECIMEN\)/);
    expect(text).toMatch(/Issuer:.*training CA/);
    expect(text).toContain('E-mail Protection');
    expect(t.app.trustRootsPem()).not.toContain(trainingCaPem.trim().split('\n')[1]!);
    expect(readFileSync(join(keysDir(t.config), `${TRAINING_CA_BASENAME}.cert.pem`), 'utf8')).toBe(trainingCaPem);
    expect(TRAINING_CA_NAME).toMatch(/NOT FOR OFFICIAL USE/);
  });

  it('pdftotext shows the SPECIMEN watermark; data.json is marked specimen', () => {
    for (const [i, s] of issued.entries()) {
      const file = artifact(`specimen-${dialect}-text-${i}.pdf`, s.pdf);
      const text = pdfText(file);
      expect(text).toContain('SPECIMEN');
      expect(text).toContain('ตัวอย่าง');
      const data = JSON.parse(pdfdetachSave(file, 1).toString('utf8'));
      expect(data.specimen).toBe(true);
      expect(data.id).toBe(s.specimen.id);
      expect(data.serial).toBe(s.specimen.serial);
      expect(data.status).toBeUndefined();
    }
  });

  it('our verifier says SPECIMEN — server side with the registry, offline, and in the browser engine', async () => {
    for (const s of issued) {
      const online = await t.app.verify(s.pdf);
      expect(online.verdict).toBe('SPECIMEN');
      expect(online.summary).toEqual(VERDICT_MESSAGES.SPECIMEN({}));
      expect(online.summary.th).toContain('เอกสารตัวอย่างสำหรับฝึกอบรม ไม่ใช่เอกสารราชการ');
      expect(online.status).toEqual({ checked: false, specimen: true });
      const byId = new Map([...online.checks].map((c) => [c.id, c]));
      expect(byId.get('document.specimen')?.status).toBe('failed');
      expect(byId.get('status.registry')?.status).toBe('skipped');
      expect(byId.get('log.inclusion')?.status).toBe('skipped');
      // Intact: the integrity checks passed; only trust failed, which SPECIMEN outranks.
      const sig = online.signatures[0]!;
      for (const id of ['cms.message-digest', 'cms.signature', 'pdf.byte-range']) expect(sig.checks.find((c) => c.id === id)?.status, id).toBe('passed');
      expect(sig.signer?.policies).toContain(SPECIMEN_POLICY_OID);

      expect((await t.app.verify(s.pdf, { offline: true })).verdict).toBe('SPECIMEN');
      expect((await verifyPdf(s.pdf, { trustRoots: [] })).verdict).toBe('SPECIMEN');
    }
  });

  it('flipping one signed byte makes it TAMPERED, not SPECIMEN', async () => {
    const pdf = issued[0]!.pdf.slice();
    // A byte inside the page content, well before the signature dictionary.
    const at = Math.floor(pdf.length / 3);
    pdf[at] = pdf[at]! ^ 0x01;
    const report = await t.app.verify(pdf);
    expect(report.verdict).toBe('TAMPERED');
    expect((await verifyPdf(pdf, { trustRoots: [] })).verdict).toBe('TAMPERED');
  });

  it('ekasarn verify exits with its own code for SPECIMEN', async () => {
    const report = await verifyFromCli(t.config, issued[0]!.pdf, { offline: false });
    expect(report.verdict).toBe('SPECIMEN');
    expect(verifyExitCode(report)).toBe(VERIFY_EXIT.specimen);
    expect(VERIFY_EXIT.specimen).not.toBe(0);
    expect(new Set(Object.values(VERIFY_EXIT)).size).toBe(4);
  });

  it('leaves no trace in anything public: no document, log event, serial counter or version row', async () => {
    expect(await count('documents')).toBe(before.documents);
    expect(await count('log_events')).toBe(before.log_events);
    expect(await count('serial_counters')).toBe(before.serial_counters);
    expect(await count('document_versions')).toBe(before.document_versions);
  });

  it('the public status endpoint and page know nothing of a specimen id', async () => {
    for (const s of issued) {
      expect(await t.app.services.publicStatus(s.specimen.id)).toBeNull();
      const api = await fetch(`${t.config.publicUrl}/api/v1/documents/${s.specimen.id}/status`);
      expect(api.status).toBe(404);
      const page = await fetch(`${t.config.publicUrl}/v/${s.specimen.id}`);
      expect(page.status).toBe(404);
      const proof = await fetch(`${t.config.publicUrl}/log/proof/${s.specimen.id}`);
      expect(proof.ok).toBe(false);
    }
  });

  it('records the specimen row, its blob and one audit event with ids, type and serial only', async () => {
    for (const s of issued) {
      const row = await getSpecimen(t.app.database.db, 'demo', s.specimen.id);
      expect(row).toEqual(s.specimen);
      expect(await t.app.blobs.get(s.specimen.blobKey)).toEqual(s.pdf);
    }
    const events = (await listAuditEvents(t.app.database.db, { agencyId: 'demo' })).filter((e) => e.action === 'specimen.issued');
    expect(events).toHaveLength(3);
    expect(events[0]!.details).toEqual({ specimenId: issued[0]!.specimen.id, typeId: 'training-certificate', serial: 'ตัวอย่าง-000001' });
    expect(events[0]!.source).toBe('192.0.2.7');
    expect(events[0]!.actor).toBe('user:u-trainer');
    const citizenId = String(sample('training-certificate').citizen_id);
    for (const e of events) expect(JSON.stringify(e)).not.toContain(citizenId);
  });

  it('reads are scoped to the agency; listing is newest first and filters by serial', async () => {
    await upsertAgency(t.app.database.db, { id: 'other-agency', nameTh: 'หน่วยงานอื่น', nameEn: 'Other agency', addressTh: '' });
    expect(await getSpecimen(t.app.database.db, 'other-agency', issued[0]!.specimen.id)).toBeNull();
    expect(await listSpecimens(t.app.database.db, 'other-agency')).toEqual([]);
    const all = await listSpecimens(t.app.database.db, 'demo');
    expect(all).toHaveLength(3);
    expect(all.map((s) => s.createdAt)).toEqual([...all.map((s) => s.createdAt)].sort().reverse());
    expect((await listSpecimens(t.app.database.db, 'demo', { serial: 'ตัวอย่าง-000002' })).map((s) => s.id)).toEqual([issued[1]!.specimen.id]);
    expect(await listSpecimens(t.app.database.db, 'demo', { limit: 1, offset: 1 })).toHaveLength(1);
  });

  it('refuses invalid data with field errors and writes nothing', async () => {
    const rows = (await listSpecimens(t.app.database.db, 'demo', { limit: 500 })).length;
    const err = await issueSpecimen(deps, { agencyId: 'demo', typeId: 'training-certificate', data: { ...sample('training-certificate'), citizen_id: '123' }, actor: 'user:u-trainer' }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).httpStatus).toBe(422);
    expect(Array.isArray((err as AppError).details)).toBe(true);
    await expect(issueSpecimen(deps, { agencyId: 'nobody', typeId: 'training-certificate', data: sample('training-certificate'), actor: 'x' })).rejects.toMatchObject({ httpStatus: 404 });
    await expect(issueSpecimen(deps, { agencyId: 'demo', typeId: 'no-such-type', data: {}, actor: 'x' })).rejects.toMatchObject({ httpStatus: 404 });
    expect((await listSpecimens(t.app.database.db, 'demo', { limit: 500 })).length).toBe(rows);
  });

  it('real documents of the same agency still verify VALID beside the sandbox', async () => {
    const real = await t.app.issueAsAgency('demo', 'training-certificate', sample('training-certificate'));
    expect((await t.app.verify(real.pdf)).verdict).toBe('VALID');
  });
});

describe('sandbox test helpers', () => {
  it('the bundled samples exist', () => {
    expect(samples.has('training-certificate') && samples.has('factory-licence')).toBe(true);
  });
});

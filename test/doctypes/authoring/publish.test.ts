import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadPublishedAuthoredTypes, publishAuthoredType, saveTypeDraft, startNewVersion } from '../../../src/doctypes/authoring/index.js';
import { loadTypes, type LoadedType } from '../../../src/doctypes/load-types.js';
import { AppError } from '../../../src/domain/errors.js';
import { issueDocument, type IssuanceDeps } from '../../../src/issuance/issue-document.js';
import { openPdf } from '../../../src/pdf/index.js';
import { createRenderer, type Renderer } from '../../../src/render/index.js';
import { createDevRootCa, issueAgencySigningCertificate, PadesSigner } from '../../../src/signing/index.js';
import {
  getAuthoredType,
  getDocumentType,
  grantTypeEntitlement,
  isEntitled,
  listAuditEvents,
  listAuthoredTypes,
  listDocumentTypes,
  openFilesystemBlobStore,
  upsertAgency,
  upsertDocumentType,
} from '../../../src/store/index.js';
import { listEmbeddedFiles } from '../../../src/verify/pdf/embedded-files.js';
import { describeEachDialect, useTestDatabase } from '../../helpers/databases.js';
import { AGENCY, TYPE_ID, volunteerSources } from './fixtures.js';

const OTHER = { id: 'other-agency', nameTh: 'หน่วยงานอื่น', nameEn: 'Another agency', addressTh: '' };
const ACTOR = 'user:admin-1';

function embeddedType(pdf: Uint8Array): { id: string; version: number; name: { th: string } } {
  const file = listEmbeddedFiles(openPdf(pdf)).find((f) => f.name === 'data.json')!;
  return (JSON.parse(new TextDecoder().decode(file.bytes!)) as { type: { id: string; version: number; name: { th: string } } }).type;
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describeEachDialect('document type authoring: publish and versions', (dialect) => {
  const t = useTestDatabase(dialect);
  let types: Map<string, LoadedType>;
  let renderer: Renderer;
  let issuance: IssuanceDeps;
  const scratch = mkdtempSync(join(tmpdir(), 'ekasarn-publish-'));

  beforeAll(async () => {
    const { db, dataDir } = t();
    await upsertAgency(db, AGENCY);
    await upsertAgency(db, OTHER);
    types = await loadTypes('types');
    // As start-up does for the demo agency: the bundled training certificate v1, registered and entitled.
    const bundled = types.get('training-certificate')!;
    await grantTypeEntitlement(db, AGENCY.id, 'training-certificate');
    await upsertDocumentType(db, {
      typeId: 'training-certificate',
      version: 1,
      agencyId: AGENCY.id,
      nameTh: bundled.definition.name.th,
      nameEn: bundled.definition.name.en,
      definition: { type: bundled.definition, schema: bundled.schema },
      templateSha256: bundled.templateSha256,
    });
    renderer = createRenderer();
    const root = await createDevRootCa();
    const identity = await issueAgencySigningCertificate(root, { agencyNameEn: 'DLA', agencyNameTh: AGENCY.nameTh, keyAlgorithm: 'P-256' });
    const signer = await PadesSigner.create(identity);
    issuance = {
      db,
      blobs: openFilesystemBlobStore(dataDir),
      types,
      renderer,
      signerFor: async () => ({ signer, chain: [root.certificate] }),
      publicUrl: 'http://127.0.0.1:9',
      // B-B needs neither a TSA nor revocation data; the source is never called.
      signing: { level: 'B-B', revocation: { collect: async () => ({ crls: [], ocspResponses: [] }) } },
    };
  });
  afterAll(() => {
    renderer?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const deps = () => ({ db: t().db, types, agency: AGENCY });

  it('a good new type publishes: registered, entitled, audited, live in the shared Map; issuing it gives a PDF pdfsig accepts', async () => {
    const { db } = t();
    const draft = await saveTypeDraft(deps(), { agencyId: AGENCY.id, actor: ACTOR, source: '203.0.113.7', ...volunteerSources() });
    expect(draft).toEqual({ typeId: TYPE_ID, version: 1, created: true });
    expect(types.has(TYPE_ID)).toBe(false);

    const started = performance.now();
    const outcome = await publishAuthoredType(deps(), { typeId: TYPE_ID, version: 1, actor: ACTOR, source: '203.0.113.7' });
    console.log(`[${dialect}] publishAuthoredType (checks + transaction): ${Math.round(performance.now() - started)} ms; check timings ${JSON.stringify(outcome.check.timings)}`);
    expect(outcome.check.ok).toBe(true);

    const registered = await getDocumentType(db, TYPE_ID, 1);
    expect(registered).toMatchObject({ agencyId: AGENCY.id, nameTh: 'หนังสือรับรองการเป็นอาสาสมัคร', templateSha256: outcome.templateSha256 });
    expect(await isEntitled(db, AGENCY.id, TYPE_ID)).toBe(true);
    expect((await getAuthoredType(db, TYPE_ID, 1))).toMatchObject({ state: 'published', publishedBy: ACTOR, check: { ok: true, problems: [] } });
    const audit = (await listAuditEvents(db, { agencyId: AGENCY.id })).filter((e) => e.action.startsWith('type.'));
    expect(audit.map((e) => e.action)).toEqual(['type.draft-saved', 'type.published']);
    expect(audit[1]).toMatchObject({ actor: ACTOR, source: '203.0.113.7', details: { typeId: TYPE_ID, version: 1, templateSha256: outcome.templateSha256 } });
    // No sample data (names, citizen ids) in the audit trail.
    expect(JSON.stringify(audit)).not.toMatch(/1103700123458|พิมพ์ชนก/);
    expect(types.get(TYPE_ID)?.definition.version).toBe(1);

    const issued = await issueDocument(issuance, { agencyId: AGENCY.id, typeId: TYPE_ID, data: { citizen_id: '1103700123458', full_name_th: 'นายสมชาย ใจดี', hours: 48 }, actor: ACTOR });
    expect(issued.document.typeVersion).toBe(1);
    const file = join(scratch, `${dialect}-volunteer.pdf`);
    writeFileSync(file, issued.pdf);
    const pdfsig = spawnSync('pdfsig', [file], { encoding: 'utf8' });
    expect(pdfsig.stdout).toContain('Signature Validation: Signature is Valid.');
    expect(pdfsig.stdout).toContain('Signature Type: ETSI.CAdES.detached');
    expect(embeddedType(issued.pdf)).toMatchObject({ id: TYPE_ID, version: 1 });
  });

  it.each([
    ['bad-syntax', { templateSource: '#import "/_shared/official.typ": *\n#let broken = (\n' }, /unclosed delimiter/],
    ['bad-read', { templateSource: '#read("/etc/passwd")' }, /file not found \(searched at \/etc\/passwd\)/],
    ['bad-sample', { sample: { citizen_id: '1103700123458', full_name_th: 'ก', hours: -5 } }, /sample data: Hours must be at least 1/],
    ['bad-schema', { schema: { type: 'object', properties: { citizen_id: { type: 'string', minLength: 'one' } }, required: ['citizen_id'] } }, /schema\.json does not compile/],
    ['bad-loop', { templateSource: '#for i in range(2000000000) { }' }, /did not finish compiling within 1\.5 s/],
  ] as const)('%s cannot be published: 422 type_not_publishable with the problems, stored on the draft, nothing registered', async (typeId, change, expected) => {
    const { db } = t();
    const base = volunteerSources();
    const sources = { ...base, ...change, definition: { ...(base.definition as object), id: typeId } };
    const { version } = await saveTypeDraft(deps(), { agencyId: AGENCY.id, actor: ACTOR, ...sources });
    const e = await rejection(publishAuthoredType({ ...deps(), timeoutMs: 1500 }, { typeId, version, actor: ACTOR }));
    expect(e.code).toBe('type_not_publishable');
    expect(e.httpStatus).toBe(422);
    const problems = (e.details as { problems: { part: string; message: { th: string; en: string } }[] }).problems;
    expect(problems.map((p) => p.message.en).join('\n')).toMatch(expected);
    expect(problems.every((p) => p.message.th.length > 0)).toBe(true);
    const row = await getAuthoredType(db, typeId, version);
    expect(row?.state).toBe('draft');
    expect(row?.check).toMatchObject({ ok: false, problems });
    expect((await listDocumentTypes(db)).filter((d) => d.typeId === typeId)).toEqual([]);
    expect(await isEntitled(db, AGENCY.id, typeId)).toBe(false);
    expect(types.has(typeId)).toBe(false);
  });

  it('versions: a new version of a bundled type; documents issued under v1 stay tied to v1, new ones get v2', async () => {
    const { db } = t();
    const v1Doc = await issueDocument(issuance, { agencyId: AGENCY.id, typeId: 'training-certificate', data: types.get('training-certificate')!.sample, actor: ACTOR });
    expect(v1Doc.document.typeVersion).toBe(1);

    const draft = await startNewVersion(db, types, { agencyId: AGENCY.id, typeId: 'training-certificate', actor: ACTOR });
    expect(draft).toEqual({ typeId: 'training-certificate', version: 2, created: true });
    // Asking again returns the open draft instead of making another.
    expect(await startNewVersion(db, types, { agencyId: AGENCY.id, typeId: 'training-certificate', actor: ACTOR })).toEqual({ ...draft, created: false });
    const copied = (await getAuthoredType(db, 'training-certificate', 2))!;
    expect(copied.templateSource).toBe(types.get('training-certificate')!.templateSource);
    expect(copied.definition).toMatchObject({ id: 'training-certificate', version: 2 });

    const renamed = { ...(copied.definition as Record<string, unknown>), name: { th: 'วุฒิบัตรการฝึกอบรม', en: 'Training Certificate (2nd edition)' } };
    const saved = await saveTypeDraft(deps(), { agencyId: AGENCY.id, actor: ACTOR, definition: renamed, schema: copied.schema, templateSource: copied.templateSource, sample: copied.sample });
    expect(saved).toEqual({ typeId: 'training-certificate', version: 2, created: false });
    await publishAuthoredType(deps(), { typeId: 'training-certificate', version: 2, actor: ACTOR });
    expect(types.get('training-certificate')!.definition.version).toBe(2);

    // The document issued before keeps version 1: its row, the registry's v1 entry and its own PDF say so.
    expect((await getDocumentType(db, 'training-certificate', v1Doc.document.typeVersion))!.nameTh).toBe('หนังสือรับรองการผ่านการฝึกอบรม');
    expect(embeddedType(v1Doc.pdf)).toMatchObject({ version: 1, name: { th: 'หนังสือรับรองการผ่านการฝึกอบรม' } });
    const v2Doc = await issueDocument(issuance, { agencyId: AGENCY.id, typeId: 'training-certificate', data: types.get('training-certificate')!.sample, actor: ACTOR });
    expect(v2Doc.document.typeVersion).toBe(2);
    expect(embeddedType(v2Doc.pdf)).toMatchObject({ version: 2, name: { th: 'วุฒิบัตรการฝึกอบรม' } });
    expect((await getDocumentType(db, 'training-certificate', 2))!.nameEn).toBe('Training Certificate (2nd edition)');

    // A restart: bundled folders first, then each authored type's newest published version when newer.
    const fresh = await loadTypes('types');
    const report = await loadPublishedAuthoredTypes(db, fresh);
    expect(report).toEqual({ loaded: ['training-certificate@2', `${TYPE_ID}@1`], skipped: [] });
    expect(fresh.get('training-certificate')!.definition.name.th).toBe('วุฒิบัตรการฝึกอบรม');
    expect(fresh.get('factory-licence')!.definition.version).toBe(1);
  });

  it('ownership and states: ids of other agencies and bundled types are refused; drafts update in place; published rows are final', async () => {
    const { db } = t();
    // The volunteer type belongs to AGENCY: another agency cannot write a draft of it.
    const taken = await rejection(saveTypeDraft(deps(), { agencyId: OTHER.id, actor: 'user:other', ...volunteerSources() }));
    expect([taken.code, taken.httpStatus]).toEqual(['type_owned_by_other_agency', 409]);
    // A bundled id is not free for the taking: it must be continued as a new version on purpose.
    const bundled = volunteerSources({ definition: { ...(volunteerSources().definition as object), id: 'factory-licence' } });
    const exists = await rejection(saveTypeDraft(deps(), { agencyId: AGENCY.id, actor: ACTOR, ...bundled }));
    expect([exists.code, exists.httpStatus]).toEqual(['type_id_exists', 409]);

    const first = await saveTypeDraft(deps(), { agencyId: AGENCY.id, actor: ACTOR, ...volunteerSources() });
    expect(first).toEqual({ typeId: TYPE_ID, version: 2, created: true });
    const again = await saveTypeDraft(deps(), { agencyId: AGENCY.id, actor: ACTOR, ...volunteerSources({ templateSource: '// edited\n' + (volunteerSources().templateSource as string) }) });
    expect(again).toEqual({ typeId: TYPE_ID, version: 2, created: false });
    expect((await getAuthoredType(db, TYPE_ID, 2))!.templateSource.startsWith('// edited')).toBe(true);

    const other = { ...deps(), agency: { ...AGENCY, ...OTHER, createdAt: AGENCY.createdAt } };
    expect((await rejection(publishAuthoredType(other, { typeId: TYPE_ID, version: 2, actor: 'user:other' }))).code).toBe('type_not_found');
    expect((await rejection(publishAuthoredType(deps(), { typeId: TYPE_ID, version: 1, actor: ACTOR }))).code).toBe('type_already_published');

    const listed = await listAuthoredTypes(db, AGENCY.id);
    expect(listed.filter((a) => a.typeId === TYPE_ID).map((a) => [a.version, a.state, a.checkOk])).toEqual([
      [2, 'draft', null],
      [1, 'published', true],
    ]);
    expect(await listAuthoredTypes(db, OTHER.id)).toEqual([]);
  });
});

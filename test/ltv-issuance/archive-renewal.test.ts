/**
 * Archive renewal (PAdES B-LTA over decades). A B-B document (no timestamp at all) and a B-LT one (its TSA
 * certificate valid two years) meet `retimestamp(before = one year ahead)`: the B-B one is renewed — a document
 * timestamp in a new incremental revision, a new version row, the blob key moved to `<id>-v2`, an audit event — and
 * the B-LT one is skipped. A second run renews nothing. Both versions of the renewed document keep verifying. A date
 * beyond the TSA's own expiry is refused. The CLI (`ekasarn archive retimestamp`) does the same on the instance's data.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { cli } from '../cli/cli-runner.js';
import { AppError } from '../../src/domain/errors.js';
import { getDocumentById, listAuditEvents, listDocumentVersions } from '../../src/store/index.js';
import type { IssueResult } from '../../src/issuance/issue-document.js';
import {
  bundledTypes,
  failedChecks,
  opensslVerifyAllTokens,
  pdfCheck,
  registrySnapshot,
  rejection,
  revisionCount,
  dssOf,
  savePdf,
  savePem,
} from './tools.js';

const { typeId, sample } = bundledTypes().find((b) => b.typeId === 'training-certificate') ?? bundledTypes()[0]!;
const DAY_MS = 86_400_000;
const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('archive renewal [sqlite]', () => {
  let t: TestApp;
  let rootFile: string;
  let bb: IssueResult;
  let lt: IssueResult;
  const oneYearAhead = () => new Date(Date.now() + 365 * DAY_MS);
  const cliEnv = () => ({
    EKASARN_DATA: t.config.dataDir,
    EKASARN_PUBLIC_URL: t.config.publicUrl,
    ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}),
  });
  const versionsOf = async (id: string) =>
    (await listDocumentVersions(t.app.database.db, id)).map((v) => ({ version: v.version, level: v.level, reason: v.reason, blobKey: v.blobKey }));
  const archiveEvents = async () =>
    (await listAuditEvents(t.app.database.db, { agencyId: 'demo' })).filter((e) => e.action === 'document.archive-timestamp').map((e) => e.documentId);

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    rootFile = savePem('archive-root', t.rootPem);
    bb = await t.app.issueAsAgency('demo', typeId, sample, { level: 'B-B' });
    lt = await t.app.issueAsAgency('demo', typeId, sample, { level: 'B-LT' });
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('renews the B-B document (new version, blob <id>-v2, audit event) and skips the B-LT one', async () => {
    const started = performance.now();
    const progress = await t.app.retimestamp(oneYearAhead());
    console.info(`[ltv-issuance] retimestamp of 2 documents (1 renewed): ${(performance.now() - started).toFixed(0)} ms`);
    expect(progress).toEqual({ done: 2, total: 2, renewed: 1, skipped: 1, failed: 0 });

    const id = bb.document.id;
    expect(await versionsOf(id)).toEqual([
      { version: 1, level: 'B-B', reason: 'issued', blobKey: id },
      { version: 2, level: 'B-LTA', reason: 'archive-timestamp', blobKey: `${id}-v2` },
    ]);
    const row = await getDocumentById(t.app.database.db, id);
    const renewed = await t.app.blobs.get(`${id}-v2`);
    expect(renewed).not.toBeNull();
    expect(row?.blobKey).toBe(`${id}-v2`);
    expect(row?.pdfSha256).toBe(sha256Hex(renewed!));
    expect(row?.pdfSize).toBe(renewed!.length);
    // Version 1 stays in the blob store, byte for byte, and is the prefix of version 2 (an incremental update).
    expect(Buffer.from((await t.app.blobs.get(id))!).equals(Buffer.from(bb.pdf))).toBe(true);
    expect(Buffer.from(renewed!.subarray(0, bb.pdf.length)).equals(Buffer.from(bb.pdf))).toBe(true);
    expect(await archiveEvents()).toEqual([id]);

    // The B-LT document is untouched: its TSA certificate outlives the date.
    expect(await versionsOf(lt.document.id)).toEqual([{ version: 1, level: 'B-LT', reason: 'issued', blobKey: lt.document.id }]);
    expect((await getDocumentById(t.app.database.db, lt.document.id))?.pdfSha256).toBe(sha256Hex(lt.pdf));
  });

  it('the renewed PDF: document timestamp verified by openssl, pdfsig and qpdf clean (pdf-check), our verifier VALID', async () => {
    const id = bb.document.id;
    const renewed = (await t.app.blobs.get(`${id}-v2`))!;
    const file = savePdf('archive-renewed-B-B', renewed);
    // Typst original, signature, DSS (the signer's chain and its OCSP answer: a B-B document never had them), and the
    // document timestamp — so the renewed version really is B-LTA.
    expect(revisionCount(renewed)).toBe(4);
    const dss = dssOf(renewed);
    expect(dss.certificates.length).toBeGreaterThanOrEqual(2);
    expect(dss.ocspResponses.length).toBeGreaterThanOrEqual(1);
    expect((await t.app.verify(renewed, { offline: true })).level).toBe('B-LTA');
    expect(opensslVerifyAllTokens(renewed, t.rootPem)).toEqual({ signatureTokens: 0, documentTokens: 1 });

    // Every check passes — the document timestamp's openssl ts -verify, pdfsig, qpdf, "later revisions only add
    // timestamps" — except the one complaint that is true: --expect-timestamp wants a signature-time-stamp inside the
    // original B-B signature, which a document timestamp added later cannot give it.
    const report = pdfCheck(file, rootFile, { expectTimestamp: true, tsaCaFile: rootFile });
    expect(failedChecks(report.stdout), report.output).toEqual([
      expect.stringMatching(/^FAIL timestamp-imprint #1 \(Signature1\): no signature-time-stamp unsigned attribute/),
    ]);
    expect(report.stdout).toMatch(/^PASS doc-timestamp-verify /m);
    expect(report.stdout).toMatch(/^PASS pdfsig-valid #1 \(Signature1\): Signature is Valid\.$/m);
    expect(report.stdout).toMatch(/^PASS pdfsig-trusted #1 \(Signature1\): Certificate is Trusted\./m);
    expect(report.stdout).toMatch(/^PASS pdfsig-coverage #2 .*Total document signed/m);
    expect(report.stdout).toMatch(/^PASS post-signature-changes: /m);
    expect(report.stdout).toMatch(/^PASS qpdf-check: /m);

    const verdict = await t.app.verify(renewed);
    expect(verdict.verdict, JSON.stringify(verdict.checks.filter((c) => c.status === 'failed'), null, 1)).toBe('VALID');
  });

  it('the old version-1 PDF still verifies VALID online (the registry knows every version)', async () => {
    const report = await t.app.verify(bb.pdf);
    expect(report.verdict, JSON.stringify(report.checks.filter((c) => c.status === 'failed'), null, 1)).toBe('VALID');
  });

  it('a second run renews nothing (resumable, idempotent)', async () => {
    const before = await registrySnapshot(t, typeId);
    expect(await t.app.retimestamp(oneYearAhead())).toEqual({ done: 2, total: 2, renewed: 0, skipped: 2, failed: 0 });
    expect(await registrySnapshot(t, typeId)).toEqual(before);
  });

  it('a date beyond the current TSA certificate’s own expiry: tsa_expires_too_soon (409), nothing renewed', async () => {
    const before = await registrySnapshot(t, typeId);
    const { error } = await rejection(() => t.app.retimestamp(new Date(Date.now() + 3 * 365 * DAY_MS)));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('tsa_expires_too_soon');
    expect((error as AppError).httpStatus).toBe(409);
    expect(await registrySnapshot(t, typeId)).toEqual(before);
  });

  it('the CLI: `ekasarn archive retimestamp --before …` renews the new B-B document only, then nothing', async () => {
    const third = await t.app.issueAsAgency('demo', typeId, sample, { level: 'B-B' });
    const before = oneYearAhead().toISOString();
    const first = await cli(['archive', 'retimestamp', '--before', before], cliEnv());
    console.info(`[ltv-issuance] CLI archive retimestamp (1 of 3 renewed): ${first.ms.toFixed(0)} ms`);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('renewed 1, skipped 2, failed 0');
    expect((await versionsOf(third.document.id)).map((v) => v.blobKey)).toEqual([third.document.id, `${third.document.id}-v2`]);
    expect(await archiveEvents()).toEqual([bb.document.id, third.document.id]);

    const again = await cli(['archive', 'retimestamp', '--before', before], cliEnv());
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('renewed 0, skipped 3, failed 0');

    const tooLate = await cli(['archive', 'retimestamp', '--before', new Date(Date.now() + 3 * 365 * DAY_MS).toISOString()], cliEnv());
    expect(tooLate.code).toBe(1);
    expect(tooLate.stderr).toMatch(/TSA certificate expires .* before /);
  });
});

/**
 * Where the timestamps come from, and what happens when they cannot come:
 *  - the TSA unreachable (a closed port): B-T issuance fails at once with tsa_unavailable (503) and writes nothing —
 *    no row, no blob, no audit event, no serial; with the "wait" policy it retries for about EKASARN_TSA_WAIT_SECONDS
 *    before failing the same way;
 *  - another instance's built-in TSA over HTTP (/tsa): the token verifies with OpenSSL against *that* instance's root;
 *  - OpenSSL itself as the TSA (`openssl ts -reply` behind node:http): the token verifies against OpenSSL's root.
 * One instance is the consumer (configured with the closed port); settings that differ are applied by a second App on
 * its data folder. Another instance is the remote TSA.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { AppError } from '../../src/domain/errors.js';
import { bangkokYear, formatSerial } from '../../src/domain/serial.js';
import { listDocumentVersions } from '../../src/store/index.js';
import type { App } from '../../src/app/open-app.js';
import { listen, makeOpensslPki, opensslTsaServer, type OpensslPki, type RunningServer } from '../timestamp/tools.js';
import {
  bundledTypes,
  closedPort,
  expectPdfCheckClean,
  expectPdfsigGood,
  opensslTokenResults,
  opensslVerifyAllTokens,
  pdfCheck,
  registrySnapshot,
  rejection,
  revisionCount,
  savePdf,
  savePem,
  siblingApp,
} from './tools.js';

const { typeId, sample } = bundledTypes().find((b) => b.typeId === 'training-certificate') ?? bundledTypes()[0]!;

describe('TSA sources and failures [sqlite]', () => {
  let consumer: TestApp;
  let provider: TestApp;
  let closedTsaUrl: string;
  const siblings: App[] = [];
  const sibling = async (env: Record<string, string>) => {
    const a = await siblingApp(consumer, env);
    siblings.push(a);
    return a;
  };

  beforeAll(async () => {
    closedTsaUrl = `http://127.0.0.1:${await closedPort()}/tsa`;
    [consumer, provider] = await Promise.all([
      createTestApp('sqlite', { EKASARN_TSA_URL: closedTsaUrl, EKASARN_SIGNATURE_LEVEL: 'B-T' }),
      createTestApp('sqlite'),
    ]);
  });
  afterAll(async () => {
    for (const a of siblings) await a.close();
    await Promise.all([consumer?.destroy(), provider?.destroy()]);
  });

  let empty: Awaited<ReturnType<typeof registrySnapshot>>;
  it('starts with an empty registry', async () => {
    empty = await registrySnapshot(consumer, typeId);
    expect(empty.documents).toEqual([]);
    expect(empty.blobs).toEqual([]);
    expect(empty.serialCounter).toBe(0);
    expect(empty.auditEvents.filter((e) => e.startsWith('document.'))).toEqual([]);
  });

  it('TSA unreachable, policy "fail": tsa_unavailable (503) at once, nothing written, no serial consumed', async () => {
    const { error, ms } = await rejection(() => consumer.app.issueAsAgency('demo', typeId, sample));
    console.info(`[ltv-issuance] TSA down, fail policy: rejected after ${ms.toFixed(0)} ms`);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('tsa_unavailable');
    expect((error as AppError).httpStatus).toBe(503);
    // Render + sign take ~0.2 s; the refused connection adds nothing worth waiting for.
    expect(ms).toBeLessThan(1500);
    expect(await registrySnapshot(consumer, typeId)).toEqual(empty);
    // B-LTA needs the same TSA: refused the same way, never silently downgraded.
    const lta = await rejection(() => consumer.app.issueAsAgency('demo', typeId, sample, { level: 'B-LTA' }));
    expect((lta.error as AppError).code).toBe('tsa_unavailable');
    expect(await registrySnapshot(consumer, typeId)).toEqual(empty);
  });

  it('TSA unreachable, policy "wait" for 2 s: retries, then tsa_unavailable after about 2 s, nothing written', async () => {
    const waiting = await sibling({ EKASARN_TSA_URL: closedTsaUrl, EKASARN_SIGNATURE_LEVEL: 'B-T', EKASARN_TSA_ON_FAILURE: 'wait', EKASARN_TSA_WAIT_SECONDS: '2' });
    const { error, ms } = await rejection(() => waiting.issueAsAgency('demo', typeId, sample));
    console.info(`[ltv-issuance] TSA down, wait policy (2 s): rejected after ${ms.toFixed(0)} ms`);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('tsa_unavailable');
    expect((error as AppError).httpStatus).toBe(503);
    expect(ms).toBeGreaterThan(1500);
    expect(ms).toBeLessThan(4500);
    expect(await registrySnapshot(consumer, typeId)).toEqual(empty);
  });

  it('after those failures the next document (B-B, which needs no TSA) still gets serial number 1', async () => {
    const { document } = await consumer.app.issueAsAgency('demo', typeId, sample, { level: 'B-B' });
    const pattern = consumer.app.types.get(typeId)!.definition.serial.pattern;
    expect(document.serial).toBe(formatSerial(pattern, { sequence: 1, year: bangkokYear(new Date()) }));
    const after = await registrySnapshot(consumer, typeId);
    expect(after.documents).toEqual([document.id]);
    expect(after.blobs).toEqual([document.id]);
    expect(after.auditEvents.filter((e) => e.startsWith('document.'))).toEqual([`document.issued ${document.id}`]);
  });

  it("another instance's built-in TSA over HTTP: a B-T document whose token verifies against that instance's root", async () => {
    const remote = await sibling({ EKASARN_TSA_URL: `${provider.config.publicUrl}/tsa`, EKASARN_SIGNATURE_LEVEL: 'B-T' });
    const started = performance.now();
    const { pdf, document } = await remote.issueAsAgency('demo', typeId, sample);
    console.info(`[ltv-issuance] B-T with a remote instance's TSA over HTTP: issued in ${(performance.now() - started).toFixed(0)} ms`);
    expect((await listDocumentVersions(consumer.app.database.db, document.id)).map((v) => v.level)).toEqual(['B-T']);
    expect(revisionCount(pdf)).toBe(2);

    const file = savePdf('remote-instance-tsa-B-T', pdf);
    const report = pdfCheck(file, savePem('consumer-root', consumer.rootPem), { expectTimestamp: true, tsaCaFile: savePem('provider-root', provider.rootPem) });
    expectPdfCheckClean(report);
    expect(report.stdout).toMatch(/^PASS timestamp-verify /m);
    expectPdfsigGood(file, consumer.rootPem, { totalCoverage: true });
    expect(opensslVerifyAllTokens(pdf, provider.rootPem)).toEqual({ signatureTokens: 1, documentTokens: 0 });
    // Against the consumer's own root the token must not verify: it really came from the other instance.
    expect(opensslTokenResults(pdf, consumer.rootPem).map((r) => r.ok)).toEqual([false]);
  });

  describe('OpenSSL as the TSA', () => {
    let pki: OpensslPki;
    let server: RunningServer;
    beforeAll(async () => {
      pki = makeOpensslPki();
      server = await listen(opensslTsaServer(pki));
    });
    afterAll(async () => {
      await server?.close();
    });

    it('`openssl ts -reply` behind HTTP: a B-T document whose token verifies against the OpenSSL root', async () => {
      const viaOpenssl = await sibling({ EKASARN_TSA_URL: server.url, EKASARN_SIGNATURE_LEVEL: 'B-T' });
      const started = performance.now();
      const { pdf } = await viaOpenssl.issueAsAgency('demo', typeId, sample);
      console.info(`[ltv-issuance] B-T with openssl ts -reply as TSA: issued in ${(performance.now() - started).toFixed(0)} ms`);
      expect(revisionCount(pdf)).toBe(2);

      const file = savePdf('openssl-tsa-B-T', pdf);
      const report = pdfCheck(file, savePem('consumer-root', consumer.rootPem), { expectTimestamp: true, tsaCaFile: join(pki.dir, 'root.pem') });
      expectPdfCheckClean(report);
      expect(report.stdout).toMatch(/^PASS timestamp-verify /m);
      expectPdfsigGood(file, consumer.rootPem, { totalCoverage: true });
      const opensslRoot = readFileSync(join(pki.dir, 'root.pem'), 'utf8');
      expect(opensslVerifyAllTokens(pdf, opensslRoot)).toEqual({ signatureTokens: 1, documentTokens: 0 });
      expect(opensslTokenResults(pdf, consumer.rootPem).map((r) => r.ok)).toEqual([false]);
    });
  });
});

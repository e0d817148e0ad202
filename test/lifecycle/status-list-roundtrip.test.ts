import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeCertificatesPem } from '../../src/signing/index.js';
import { cachingListFetcher } from '../../src/status-list/index.js';
import { verifyPdf, type IssuerDirectory } from '../../src/verify/index.js';
import { describeEachDialect } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The privacy-preserving path: a verifier that never tells the registry which document it holds. It fetches the
 * agency's signed status list (the same bytes for every document of the type) from the real server and reads its
 * own entry. Revoked and suspended documents come out REVOKED/SUSPENDED, active ones VALID; with the network gone, the
 * cached list still answers.
 */
describeEachDialect('status list through the verification engine', (dialect) => {
  let t: TestApp;
  let roots: Uint8Array[];
  let issuers: IssuerDirectory;
  const docs: { id: string; pdf: Uint8Array }[] = [];

  beforeAll(async () => {
    t = await createTestApp(dialect);
    roots = decodeCertificatesPem(t.rootPem);
    for (let i = 0; i < 3; i++) {
      const r = await t.app.issueAsAgency('demo', 'training-certificate', t.app.types.get('training-certificate')!.sample);
      docs.push({ id: r.document.id, pdf: r.pdf });
    }
    await t.app.changeStatus('revoke', { documentId: docs[0]!.id, reason: 'fraud' }, 'test');
    await t.app.changeStatus('suspend', { documentId: docs[1]!.id, reason: 'court_order' }, 'test');
    issuers = ((await (await fetch(`${t.config.publicUrl}/api/v1/trust`)).json()) as { issuers: IssuerDirectory }).issuers;
  }, 180_000);
  afterAll(async () => t?.destroy());

  it('reads each document’s own entry from one shared signed list', async () => {
    const fetched: string[] = [];
    const fetchStatusList = async (url: string) => {
      fetched.push(url);
      const res = await fetch(url);
      expect(res.headers.get('content-type')).toContain('application/vc+jwt');
      return res.text();
    };
    const verdicts = [];
    for (const d of docs) {
      const r = await verifyPdf(d.pdf, { trustRoots: roots, issuers, fetchStatusList });
      verdicts.push([r.verdict, r.checks.find((c) => c.id === 'status.list')?.status]);
    }
    expect(verdicts).toEqual([
      ['REVOKED', 'failed'],
      ['SUSPENDED', 'failed'],
      ['VALID', 'passed'],
    ]);
    // Every verifier asks for the same URL, whatever document it holds.
    expect(new Set(fetched)).toEqual(new Set([`${t.config.publicUrl}/status/demo/training-certificate`]));
  });

  it('offline from a cache: with the server unreachable, the last good list still answers', async () => {
    let online = true;
    const fetcher = cachingListFetcher(
      async (url: string) => {
        if (!online) throw new Error('network down');
        return (await fetch(url)).text();
      },
      { ttlMs: 0 },
    );
    const fetchStatusList = fetcher;
    expect((await verifyPdf(docs[0]!.pdf, { trustRoots: roots, issuers, fetchStatusList })).verdict).toBe('REVOKED');
    online = false;
    const r = await verifyPdf(docs[0]!.pdf, { trustRoots: roots, issuers, fetchStatusList });
    expect(r.verdict).toBe('REVOKED');
  });

  it('a list signed by another agency’s key is not believed', async () => {
    const forgedDirectory: IssuerDirectory = { agencies: issuers.agencies.map((a) => ({ ...a, certificates: a.id === 'demo' ? [] : a.certificates })) };
    const r = await verifyPdf(docs[2]!.pdf, { trustRoots: roots, issuers: forgedDirectory, fetchStatusList: async (u) => (await fetch(u)).text() });
    expect(r.checks.find((c) => c.id === 'status.list')?.status).toBe('failed');
    expect(r.verdict).not.toBe('VALID');
  });
});

import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { statusListUrl } from '../../src/domain/status-list.js';
import type { DocumentStatus } from '../../src/domain/lifecycle.js';
import {
  agencyIssuerId,
  buildStatusListCredential,
  cachingListFetcher,
  checkStatusListEntry,
  parseStatusListCredential,
  signStatusListCredential,
  type StatusListSigner,
} from '../../src/status-list/index.js';
import type { IssuerDirectory } from '../../src/verify/pdf/issuer-checks.js';
import { statusListPki, type StatusListPki } from './fixtures.js';

const PUBLIC_URL = 'https://registry.example.go.th';
const AGENCY = 'demo';
const LIST = statusListUrl(PUBLIC_URL, AGENCY, 'training-certificate');
const T0 = new Date('2030-01-15T03:00:00Z');
const HOUR = 3_600_000;
const sha256Hex = (der: Uint8Array): string => createHash('sha256').update(der).digest('hex');

const ENTRIES: Array<{ index: number; status: DocumentStatus }> = [
  { index: 5, status: 'active' },
  { index: 77_777, status: 'revoked' },
  { index: 131_071, status: 'suspended' },
  { index: 0, status: 'superseded' },
  { index: 4242, status: 'expired' },
];

let pki: StatusListPki;
let directory: IssuerDirectory;

/** A signed list as the registry would publish it, valid from `from` for a day. */
async function publishedList(signer: StatusListSigner, options: { listUrl?: string; from?: Date } = {}): Promise<string> {
  const credential = buildStatusListCredential({
    listUrl: options.listUrl ?? LIST,
    issuerId: agencyIssuerId(PUBLIC_URL, AGENCY),
    validFrom: options.from ?? T0,
    entries: ENTRIES,
  });
  return signStatusListCredential(credential, signer);
}

beforeAll(async () => {
  pki = await statusListPki();
  directory = {
    agencies: [
      { id: AGENCY, certificates: [sha256Hex(pki.rsaAgency.certificate), sha256Hex(pki.ecAgency.certificate)], types: ['training-certificate'] },
      { id: 'other-office', certificates: [sha256Hex(pki.otherAgency.certificate)], types: [] },
    ],
  };
}, 120_000);

// The dev certificates are valid from "now" for two years; the lists are dated T0 (2030). Checking at T0 would find
// the certificates expired, so these tests sign lists dated around the real clock instead.
const realNow = (): Date => new Date(Math.floor(Date.now() / 1000) * 1000);

describe('checkStatusListEntry round trip', () => {
  it('builds the credential with the spec shape', async () => {
    const c = buildStatusListCredential({ listUrl: LIST, issuerId: agencyIssuerId(PUBLIC_URL, AGENCY), validFrom: T0, entries: ENTRIES });
    expect(c).toMatchObject({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: LIST,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: 'https://registry.example.go.th/agencies/demo',
      validFrom: '2030-01-15T03:00:00Z',
      validUntil: '2030-01-16T03:00:00Z',
      credentialSubject: {
        id: `${LIST}#list`,
        type: 'BitstringStatusList',
        statusPurpose: 'message',
        statusSize: 2,
        statusMessages: [
          { status: '0x0', message: 'active' },
          { status: '0x1', message: 'revoked' },
          { status: '0x2', message: 'suspended' },
          { status: '0x3', message: 'superseded' },
        ],
        ttl: 86_400_000,
      },
    });
    expect(c.credentialSubject.encodedList).toMatch(/^u[A-Za-z0-9_-]+$/);
    expect(parseStatusListCredential(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });

  it('every status reads back through fetch → JWS → chain → directory → bitstring (RSA and EC signers)', async () => {
    const now = realNow();
    for (const signer of [pki.rsaAgency, pki.ecAgency]) {
      const jws = await publishedList(signer, { from: now });
      const fetched: string[] = [];
      const fetchList = async (url: string): Promise<string> => {
        fetched.push(url);
        return jws;
      };
      const expected: Record<number, string> = { 5: 'active', 77_777: 'revoked', 131_071: 'suspended', 0: 'superseded', 4242: 'active', 6: 'active' };
      for (const [index, outcome] of Object.entries(expected)) {
        const r = await checkStatusListEntry({ entry: { list: LIST, index: Number(index) }, agencyId: AGENCY, fetchList, trustRoots: pki.trustRoots, issuers: directory, now });
        expect(r.outcome, `index ${index}`).toBe(outcome);
        expect(r.listValidUntil).toBe(new Date(now.getTime() + 86_400_000).toISOString().replace('.000Z', 'Z'));
        expect(r.signerSha256).toBe(sha256Hex(signer.certificate));
        expect(r.fromCache).toBeUndefined();
      }
      expect(r0(fetched)).toBe(LIST);
    }
  });

  it('the list of another document type (a genuine one) does not answer for this entry', async () => {
    const now = realNow();
    const otherType = await publishedList(pki.ecAgency, { listUrl: statusListUrl(PUBLIC_URL, AGENCY, 'factory-licence'), from: now });
    const r = await checkStatusListEntry({ entry: { list: LIST, index: 5 }, agencyId: AGENCY, fetchList: async () => otherType, trustRoots: pki.trustRoots, now });
    expect(r.outcome).toBe('invalid');
    expect(r.detail).toMatch(/served at .*training-certificate is the list .*factory-licence/);
  });

  it('a list signed by another agency of the same trusted root: invalid with a directory, naming the agency', async () => {
    const now = realNow();
    const jws = await publishedList(pki.otherAgency, { from: now });
    const base = { entry: { list: LIST, index: 77_777 }, agencyId: AGENCY, fetchList: async () => jws, trustRoots: pki.trustRoots, now };
    const withDirectory = await checkStatusListEntry({ ...base, issuers: directory });
    expect(withDirectory.outcome).toBe('invalid');
    expect(withDirectory.detail).toMatch(/signed with a certificate of agency "other-office", not of "demo"/);
    // Unknown certificate and unknown agency are refused too.
    const unregistered = await checkStatusListEntry({ ...base, issuers: { agencies: [{ id: AGENCY, certificates: [], types: [] }] } });
    expect(unregistered.detail).toMatch(/not registered to agency "demo"/);
    const noAgency = await checkStatusListEntry({ ...base, issuers: { agencies: [] } });
    expect(noAgency.detail).toMatch(/agency "demo" is not in the issuer directory/);
    // Without a directory only the chain is checked: the caller must check signerSha256 itself.
    const without = await checkStatusListEntry(base);
    expect(without).toMatchObject({ outcome: 'revoked', signerSha256: sha256Hex(pki.otherAgency.certificate) });
  });

  it('a list signed under an untrusted root, or tampered with → invalid', async () => {
    const now = realNow();
    const foreign = await publishedList(pki.foreignAgency, { from: now });
    const r = await checkStatusListEntry({ entry: { list: LIST, index: 5 }, agencyId: AGENCY, fetchList: async () => foreign, trustRoots: pki.trustRoots, now });
    expect(r.outcome).toBe('invalid');
    expect(r.detail).toMatch(/no path to a trusted root/);

    const good = await publishedList(pki.ecAgency, { from: now });
    const [h, p, s] = good.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    payload.credentialSubject.encodedList = buildStatusListCredential({ listUrl: LIST, issuerId: payload.issuer, validFrom: now, entries: [] }).credentialSubject.encodedList;
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    const t = await checkStatusListEntry({ entry: { list: LIST, index: 77_777 }, agencyId: AGENCY, fetchList: async () => forged, trustRoots: pki.trustRoots, now });
    expect(t.outcome).toBe('invalid');
    expect(t.detail).toMatch(/signature does not verify/);
  });

  it('an expired (stale) list → unavailable "stale since …"; a list from the future → unavailable', async () => {
    const issued = new Date(Date.now() - 3 * 86_400_000);
    const jws = await publishedList(pki.ecAgency, { from: issued });
    const r = await checkStatusListEntry({ entry: { list: LIST, index: 77_777 }, agencyId: AGENCY, fetchList: async () => jws, trustRoots: pki.trustRoots, issuers: directory });
    expect(r.outcome).toBe('unavailable');
    const until = new Date(Math.floor(issued.getTime() / 1000) * 1000 + 86_400_000).toISOString().replace('.000Z', 'Z');
    expect(r.detail).toContain(`stale since ${until}`);
    expect(r.listValidUntil).toBe(until);

    const future = await publishedList(pki.ecAgency, { from: new Date(Date.now() + 2 * HOUR) });
    const f = await checkStatusListEntry({ entry: { list: LIST, index: 77_777 }, agencyId: AGENCY, fetchList: async () => future, trustRoots: pki.trustRoots });
    expect(f.outcome).toBe('unavailable');
    expect(f.detail).toMatch(/is not valid before/);
  });

  it('network failure → unavailable; a bad entry or an index beyond the list → invalid', async () => {
    const now = realNow();
    const down = await checkStatusListEntry({
      entry: { list: LIST, index: 5 },
      agencyId: AGENCY,
      fetchList: async () => {
        throw new Error('ECONNREFUSED');
      },
      trustRoots: pki.trustRoots,
      now,
    });
    expect(down).toEqual({ outcome: 'unavailable', detail: `status list ${LIST} could not be fetched: ECONNREFUSED` });

    const jws = await publishedList(pki.ecAgency, { from: now });
    const check = (entry: unknown) => checkStatusListEntry({ entry: entry as { list: string; index: number }, agencyId: AGENCY, fetchList: async () => jws, trustRoots: pki.trustRoots, now });
    expect((await check({ list: LIST, index: 131_072 })).detail).toMatch(/RANGE_ERROR: index 131072 is outside the list/);
    expect(await check({ list: LIST, index: -1 })).toMatchObject({ outcome: 'invalid', detail: expect.stringMatching(/index: expected a whole number ≥ 0, got -1/) });
    expect(await check({ list: 'file:///etc/passwd', index: 1 })).toMatchObject({ outcome: 'invalid', detail: expect.stringMatching(/expected an http\(s\) URL/) });
    expect(await check({ list: LIST, index: '5' })).toMatchObject({ outcome: 'invalid' });
    expect(await check(null)).toMatchObject({ outcome: 'invalid', detail: 'status entry: expected { list, index }' });
    const garbage = await checkStatusListEntry({ entry: { list: LIST, index: 1 }, agencyId: AGENCY, fetchList: async () => '<html>502 Bad Gateway</html>', trustRoots: pki.trustRoots, now });
    expect(garbage).toMatchObject({ outcome: 'invalid', detail: expect.stringMatching(/3 dot-separated parts/) });
  });
});

describe('cachingListFetcher (offline from cache)', () => {
  it('serves the last good list when the network fails, marks fromCache, and still judges validUntil', async () => {
    const now = realNow();
    const jws = await publishedList(pki.ecAgency, { from: now });
    let clock = now.getTime();
    let online = true;
    let calls = 0;
    const network = async (): Promise<string> => {
      calls++;
      if (!online) throw new Error('offline');
      return jws;
    };
    const fetchList = cachingListFetcher(network, { ttlMs: 5 * 60_000, now: () => clock });
    const check = (at: Date) => checkStatusListEntry({ entry: { list: LIST, index: 77_777 }, agencyId: AGENCY, fetchList, trustRoots: pki.trustRoots, issuers: directory, now: at });

    expect(await check(now)).toMatchObject({ outcome: 'revoked' });
    expect((await check(now)).fromCache).toBe(true); // within ttl: no request
    expect(calls).toBe(1);

    clock += HOUR;
    online = false;
    const offline = await check(new Date(clock));
    expect(offline).toMatchObject({ outcome: 'revoked', fromCache: true });
    expect(calls).toBe(2);

    clock += 2 * 86_400_000;
    const stale = await check(new Date(clock));
    expect(stale).toMatchObject({ outcome: 'unavailable', fromCache: true });
    expect(stale.detail).toMatch(/stale since .* \(cached copy fetched /);
  });

  it('does not remember a list that failed verification', async () => {
    const now = realNow();
    let response: string | Error = 'garbage.garbage.garbage';
    const fetchList = cachingListFetcher(
      async () => {
        if (response instanceof Error) throw response;
        return response;
      },
      { ttlMs: 0 },
    );
    const check = () => checkStatusListEntry({ entry: { list: LIST, index: 5 }, agencyId: AGENCY, fetchList, trustRoots: pki.trustRoots, now });
    expect((await check()).outcome).toBe('invalid');
    response = new Error('offline');
    expect(await check()).toMatchObject({ outcome: 'unavailable', detail: expect.stringMatching(/could not be fetched: offline/) });
    expect(() => cachingListFetcher(async () => '', { ttlMs: -1 })).toThrow(/ttlMs/);
  });
});

function r0(list: string[]): string | undefined {
  return [...new Set(list)].length === 1 ? list[0] : undefined;
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/domain/canonical-json.js';
import { openPdf } from '../../src/pdf/index.js';
import { PadesSigner, decodeCertificatesPem } from '../../src/signing/index.js';
import { loadAgencyIdentity } from '../../src/app/keys.js';
import { readIssuerDirectory } from '../../src/app/issuer-directory.js';
import { listEmbeddedFiles, verifyPdf } from '../../src/verify/index.js';
import { grantTypeEntitlement, revokeTypeEntitlement, upsertAgency } from '../../src/store/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { allChecks, expectRejected } from './attack-suite.js';
import { honestCms, replaceDataJsonStream, signWith, unsignedRevision } from './resign.js';

/**
 * Attacks on *which* agency issued a document and on its data, where every signature is cryptographically genuine
 * and chains to the trusted root: a second agency of the same deployment signs a document type it may not issue, or
 * signs in another agency's name; the issuing agency's own key signs data the registry never recorded.
 */
let t: TestApp;
let issued: Uint8Array;
let roots: Uint8Array[];
const OTHER = 'other-office';

function embeddedData(pdf: Uint8Array): Record<string, unknown> {
  const file = listEmbeddedFiles(openPdf(pdf)).find((f) => f.name === 'data.json');
  return JSON.parse(new TextDecoder().decode(file!.bytes!)) as Record<string, unknown>;
}

/** The issued document's content with its data.json rewritten by `edit`, signed by `agencyId`'s real key. */
async function resignedWithData(agencyId: string, edit: (data: Record<string, unknown>) => void): Promise<Uint8Array> {
  const data = embeddedData(issued);
  edit(data);
  const content = replaceDataJsonStream(unsignedRevision(issued), canonicalJson(data));
  const signer = await PadesSigner.create(await loadAgencyIdentity(t.config, agencyId));
  return signWith(content, honestCms(signer));
}

beforeAll(async () => {
  t = await createTestApp('sqlite');
  await upsertAgency(t.app.database.db, { id: OTHER, nameTh: 'สำนักงานอื่น', nameEn: 'Another Office', addressTh: '' });
  await t.app.createDevSigningKey(OTHER, 'P-256');
  issued = (await t.app.issueAsAgency('demo', 'training-certificate', t.app.types.get('training-certificate')!.sample)).pdf;
  roots = decodeCertificatesPem(t.rootPem);
}, 180_000);
afterAll(async () => t?.destroy());

describe('issuer entitlement and registry data', () => {
  it('control: the issued document is VALID online, with the issuer and the embedded data confirmed', async () => {
    const r = await t.app.verify(issued);
    expect(r.verdict).toBe('VALID');
    const checks = allChecks(r);
    expect(checks.find((c) => c.id === 'issuer.entitled')?.status).toBe('passed');
    expect(checks.find((c) => c.id === 'status.embedded-data')?.status).toBe('passed');
    expect(r.status).toMatchObject({ checked: true, found: true, status: 'active', pdfMatches: true, dataMatches: true });
  });

  it('the directory lists each agency with its own certificate and entitlements', async () => {
    const dir = await readIssuerDirectory(t.app.database.db);
    const demo = dir.agencies.find((a) => a.id === 'demo')!;
    const other = dir.agencies.find((a) => a.id === OTHER)!;
    expect(demo.types.sort()).toEqual(['factory-licence', 'training-certificate']);
    expect(other.types).toEqual([]);
    expect(demo.certificates).toHaveLength(1);
    expect(other.certificates).toHaveLength(1);
    expect(other.certificates[0]).not.toBe(demo.certificates[0]);
  });

  it('issuance by an agency not entitled to the type is refused (403 not_entitled) and writes nothing', async () => {
    const before = await t.app.database.db.selectFrom('documents').select('id').where('agency_id', '=', OTHER).execute();
    await expect(t.app.issueAsAgency(OTHER, 'training-certificate', t.app.types.get('training-certificate')!.sample)).rejects.toMatchObject({
      code: 'not_entitled',
      httpStatus: 403,
    });
    const after = await t.app.database.db.selectFrom('documents').select('id').where('agency_id', '=', OTHER).execute();
    expect(after).toEqual(before);
    expect(await t.app.database.db.selectFrom('serial_counters').selectAll().where('agency_id', '=', OTHER).execute()).toEqual([]);
  });

  it('a genuine signature by an agency not entitled to the document type → UNTRUSTED via issuer.entitled', async () => {
    const forged = await resignedWithData(OTHER, (d) => {
      d.issuer = { id: OTHER, name: { th: 'สำนักงานอื่น', en: 'Another Office' } };
    });
    // Cryptographically flawless and chained to the trusted root…
    expect((await verifyPdf(forged, { trustRoots: roots })).verdict).toBe('VALID');
    // …but the directory says this agency may not issue training certificates.
    const r = await verifyPdf(forged, { trustRoots: roots, issuers: await readIssuerDirectory(t.app.database.db) });
    const hit = expectRejected(r, 'UNTRUSTED', 'issuer.entitled');
    expect(hit.detail).toMatch(/not entitled to issue documents of type "training-certificate"/);
    // The deployment's own verification (CLI/API) uses the directory too, offline included.
    expectRejected(await t.app.verify(forged, { offline: true }), 'UNTRUSTED', 'issuer.entitled');
  });

  it("a genuine signature by one agency in another agency's name → UNTRUSTED via issuer.entitled", async () => {
    const forged = await resignedWithData(OTHER, () => undefined);
    const r = await t.app.verify(forged, { offline: true });
    const hit = expectRejected(r, 'UNTRUSTED', 'issuer.entitled');
    expect(hit.detail).toMatch(/certificate of agency "other-office", but the document names agency "demo"/);
  });

  it('after an entitlement is withdrawn, the agency cannot issue the type and its documents fail the check', async () => {
    await revokeTypeEntitlement(t.app.database.db, 'demo', 'training-certificate');
    try {
      const dir = await readIssuerDirectory(t.app.database.db);
      expect(dir.agencies.find((a) => a.id === 'demo')!.types).toEqual(['factory-licence']);
      expectRejected(await verifyPdf(issued, { trustRoots: roots, issuers: dir }), 'UNTRUSTED', 'issuer.entitled');
      await expect(t.app.issueAsAgency('demo', 'training-certificate', t.app.types.get('training-certificate')!.sample)).rejects.toMatchObject({ code: 'not_entitled' });
    } finally {
      await grantTypeEntitlement(t.app.database.db, 'demo', 'training-certificate');
    }
    expect((await verifyPdf(issued, { trustRoots: roots, issuers: await readIssuerDirectory(t.app.database.db) })).verdict).toBe('VALID');
  });

  it('embedded data that differs from the registry, signed by the right agency key → TAMPERED, naming the data', async () => {
    const forged = await resignedWithData('demo', (d) => {
      (d.fields as Record<string, unknown>).result = 'ผ่าน (ดีเยี่ยม) — แก้ไข';
    });
    // The signature and the issuer are in order: only the registry can tell the data was never issued.
    const offline = await t.app.verify(forged, { offline: true });
    expect(offline.verdict).toBe('VALID');
    const r = await t.app.verify(forged);
    const hit = expectRejected(r, 'TAMPERED', 'status.embedded-data');
    expect(hit.detail).toMatch(/fields differ from the registry record/);
    expect(allChecks(r).find((c) => c.id === 'status.registry')?.status).toBe('failed');
    expect(r.status).toMatchObject({ found: true, pdfMatches: false, dataMatches: false });
  });

  it('a serial or issue date changed in the embedded data is named in the report', async () => {
    const forged = await resignedWithData('demo', (d) => {
      d.serial = 'ฝอ. 2568/999999';
    });
    const hit = expectRejected(await t.app.verify(forged), 'TAMPERED', 'status.embedded-data');
    expect(hit.detail).toMatch(/serial: file "ฝอ. 2568\/999999", registry/);
  });
});

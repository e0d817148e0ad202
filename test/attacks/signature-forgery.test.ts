import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPdf } from '../../src/verify/index.js';
import { decodeCertificatesPem } from '../../src/signing/index.js';
import { openPdf } from '../../src/pdf/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { expectRejected } from './attack-suite.js';
import {
  append,
  emptyContents,
  renameSignatureKey,
  setByteRange,
  theSignature,
  wrapSignedBytes,
  zeroContents,
} from './byte-edits.js';
import { addSecondDataJson, replaceDataJsonStream } from './resign.js';

/**
 * Universal Signature Forgery, Signature Wrapping and Incremental Saving Attacks on the embedded data, each built
 * from a freshly issued document by editing bytes (in place, same length, so only the attacked field changes).
 */
let t: TestApp;
let signed: Uint8Array;
let roots: Uint8Array[];
let br: [number, number, number, number];

beforeAll(async () => {
  t = await createTestApp('sqlite');
  signed = (await t.app.issueAsAgency('demo', 'training-certificate', t.app.types.get('training-certificate')!.sample)).pdf;
  roots = decodeCertificatesPem(t.rootPem);
  br = theSignature(signed).byteRange as [number, number, number, number];
}, 120_000);
afterAll(async () => t?.destroy());

const verify = (pdf: Uint8Array) => verifyPdf(pdf, { trustRoots: roots });

it('the untouched document is VALID (baseline for every variant below)', async () => {
  expect((await verify(signed)).verdict).toBe('VALID');
});

describe('Universal Signature Forgery: /Contents', () => {
  it('emptied (<> padded with spaces) → TAMPERED, /Contents empty and ByteRange gap no longer the /Contents token', async () => {
    const r = await verify(emptyContents(signed));
    expect(expectRejected(r, 'TAMPERED', 'pdf.contents').detail).toBe('/Contents is empty');
    expect(r.signatures[0]!.checks.find((c) => c.id === 'pdf.byte-range')?.status).toBe('failed');
  });

  it('zeroed (placeholder state) → MALFORMED, /Contents all zeros; no CMS is even parsed', async () => {
    const r = await verify(zeroContents(signed));
    expect(expectRejected(r, 'MALFORMED', 'pdf.contents').detail).toBe('/Contents is all zeros');
    expect(r.signatures[0]!.checks.some((c) => c.id.startsWith('cms.'))).toBe(false);
  });

  it('removed (key renamed /Contentz) → TAMPERED via pdf.byte-range', async () => {
    const r = await verify(renameSignatureKey(signed, '/Contents', '/Contentz'));
    expect(expectRejected(r, 'TAMPERED', 'pdf.byte-range').detail).toMatch(/\/Contents is not a string/);
  });
});

describe('Universal Signature Forgery: /ByteRange', () => {
  it('removed (key renamed) → TAMPERED', async () => {
    const r = await verify(renameSignatureKey(signed, '/ByteRange', '/ByteRangX'));
    expect(expectRejected(r, 'TAMPERED', 'pdf.byte-range').detail).toMatch(/missing/);
  });

  it('only two numbers → TAMPERED', async () => {
    const r = await verify(setByteRange(signed, [br[0], br[1]]));
    expect(expectRejected(r, 'TAMPERED', 'pdf.byte-range').detail).toMatch(/2 numbers, expected 4/);
  });

  it('overlapping ranges reaching into /Contents → TAMPERED', async () => {
    const r = await verify(setByteRange(signed, [0, br[1] + 100, br[2] - 100, br[3] + 100]));
    expect(expectRejected(r, 'TAMPERED', 'pdf.byte-range').detail).toMatch(/gap .* is not the signature's \/Contents/);
  });

  it('a gap larger than /Contents (unsigned bytes around it) → TAMPERED', async () => {
    const r = await verify(setByteRange(signed, [0, br[1] - 50, br[2] + 50, br[3] - 50]));
    expect(expectRejected(r, 'TAMPERED', 'pdf.byte-range').detail).toMatch(/gap .* is not the signature's \/Contents/);
  });

  it('ending before the end of the signed revision → TAMPERED', async () => {
    const r = await verify(setByteRange(signed, [br[0], br[1], br[2], br[3] - 200]));
    expect(expectRejected(r, 'TAMPERED', 'pdf.byte-range').detail).toMatch(/but the signed revision ends at/);
  });

  it('intact signature with unsigned non-revision bytes appended → TAMPERED via pdf.coverage', async () => {
    const r = await verify(append(signed, '\n% unsigned tail\n99 0 obj (x) endobj\n'));
    expect(expectRejected(r, 'TAMPERED', 'pdf.coverage').detail).toMatch(/bytes appended after the last revision/);
    expect(r.signatures[0]!.checks.find((c) => c.id === 'cms.message-digest')?.status).toBe('passed');
  });

  it('Signature Wrapping: second range copied to the end, /ByteRange re-pointed at the copy → TAMPERED', async () => {
    const { bytes, copyAt } = wrapSignedBytes(signed);
    // The forgery is well formed enough that the digest over the re-pointed ranges still matches.
    expect(theSignature(bytes).byteRange).toEqual([0, br[1], copyAt, br[3]]);
    const r = await verify(bytes);
    expect(expectRejected(r, 'TAMPERED', 'pdf.byte-range').detail).toMatch(new RegExp(`gap ${br[1]}–${copyAt} is not`));
    expect(r.signatures[0]!.checks.find((c) => c.id === 'cms.message-digest')).toBeUndefined();
  });
});

describe('Incremental Saving Attack on the embedded data', () => {
  it('a second data.json added to /AF in a later revision → TAMPERED, the report names the catalog keys', async () => {
    const pdf = addSecondDataJson(signed);
    expect(openPdf(pdf).revisions.length).toBe(openPdf(signed).revisions.length + 1);
    const r = await verify(pdf);
    expect(expectRejected(r, 'TAMPERED', 'pdf.coverage').detail).toMatch(/catalog changed: .*\/AF/);
    expect(r.checks.find((c) => c.id === 'document.embedded-data')?.detail).toMatch(/2 files named data\.json/);
  });

  it('the data.json stream itself replaced in a later revision → TAMPERED, the report names the object', async () => {
    const doc = openPdf(signed);
    const pdf = replaceDataJsonStream(signed, '{"format":"forged"}');
    const r = await verify(pdf);
    const detail = expectRejected(r, 'TAMPERED', 'pdf.coverage').detail!;
    expect(detail).toMatch(new RegExp(`revision ${doc.revisions.length}: object \\d+ changed`));
  });
});

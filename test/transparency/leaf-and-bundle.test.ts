/**
 * Leaves (validation, RFC 8785 bytes) and proof bundles end to end: a log built in memory, a signed checkpoint,
 * the /log/proof answer through JSON, verified by verifyProofBundle — and independently with node:crypto and a
 * recursive path walk, to show that SHA-256 alone suffices — then every kind of tampering refused.
 */
import { describe, expect, it } from 'vitest';
import { fromBase64, toHex } from '../../src/transparency/bytes.js';
import { openCheckpoint, signCheckpoint } from '../../src/transparency/checkpoint.js';
import { decodeLeaf, encodeLeaf, validateLeaf, type LogLeaf } from '../../src/transparency/leaf.js';
import { MemoryHashStore } from '../../src/transparency/memory-hash-store.js';
import { createNoteSigner, generateNoteKey } from '../../src/transparency/note.js';
import { buildProofBundle, verifyProofBundle, type ProofBundle } from '../../src/transparency/proof-bundle.js';
import { proveRecord } from '../../src/transparency/stored-hashes.js';
import { naiveLeafHash, naiveRootFromPath, seededBytes } from './naive-merkle.js';

const id = (n: number): string => `${'A'.repeat(20)}${String(n).padStart(2, '0')}`.replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]!);
const sample: LogLeaf = {
  seq: 7,
  time: '2025-01-15T03:04:05.123Z',
  kind: 'issued',
  agency: 'dopa',
  docType: 'birth-certificate',
  documentId: 'AAAAAAAAAAAAAAAAAAAAAA',
  pdfSha256: 'ab'.repeat(32),
  successorId: null,
};

describe('log leaves', () => {
  it('encodes as RFC 8785 canonical JSON (sorted keys, no spaces) and decodes back', () => {
    const text = new TextDecoder().decode(encodeLeaf(sample));
    expect(text).toBe(
      '{"agency":"dopa","docType":"birth-certificate","documentId":"AAAAAAAAAAAAAAAAAAAAAA","kind":"issued",' +
        `"pdfSha256":"${'ab'.repeat(32)}","seq":7,"successorId":null,"time":"2025-01-15T03:04:05.123Z"}`,
    );
    expect(decodeLeaf(encodeLeaf(sample))).toEqual(sample);
    const superseded = { ...sample, kind: 'superseded' as const, successorId: 'BBBBBBBBBBBBBBBBBBBBB_' };
    expect(decodeLeaf(encodeLeaf(superseded))).toEqual(superseded);
  });

  it('refuses non-canonical bytes of a valid leaf', () => {
    const pretty = new TextEncoder().encode(JSON.stringify(sample, null, 1));
    expect(() => decodeLeaf(pretty)).toThrow(/canonical/);
    const reordered = new TextEncoder().encode(JSON.stringify(sample));
    expect(() => decodeLeaf(reordered)).toThrow(/canonical/);
    expect(() => decodeLeaf(new Uint8Array([0xff]))).toThrow(/UTF-8 JSON/);
  });

  it('names the bad field and what was expected', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ seq: -1 }, /"seq": expected a whole number/],
      [{ seq: 1.5 }, /"seq"/],
      [{ time: '2025-01-15 03:04:05Z' }, /"time": expected an ISO 8601 UTC time/],
      [{ time: '2025-01-15T03:04:05+07:00' }, /"time"/],
      [{ time: '2025-02-30T03:04:05Z' }, /"time"/],
      [{ time: '2025-01-15T24:00:00Z' }, /"time"/],
      [{ kind: 'deleted' }, /"kind": expected one of issued, revoked/],
      [{ agency: 'DOPA' }, /"agency": expected a slug/],
      [{ agency: '-dopa' }, /"agency"/],
      [{ docType: 'a'.repeat(64) }, /"docType"/],
      [{ documentId: 'short' }, /"documentId": expected a 22-character base64url/],
      [{ documentId: 'AAAAAAAAAAAAAAAAAAAAA=' }, /"documentId"/],
      [{ pdfSha256: 'AB'.repeat(32) }, /"pdfSha256": expected 64 lowercase hex/],
      [{ successorId: 'BBBBBBBBBBBBBBBBBBBBBB' }, /"successorId": expected null for kind "issued"/],
      [{ kind: 'superseded' }, /"successorId": expected the replacing document id/],
      [{ kind: 'superseded', successorId: sample.documentId }, /a document other than/],
      [{ name: 'Somchai' }, /"name": expected no such field/],
    ];
    for (const [patch, why] of bad) expect(() => validateLeaf({ ...sample, ...patch }), JSON.stringify(patch)).toThrow(why);
    const { successorId: _, ...missing } = sample;
    expect(() => validateLeaf(missing)).toThrow(/"successorId"/);
    expect(() => validateLeaf([])).toThrow(/JSON object/);
  });
});

describe('proof bundles', async () => {
  const origin = 'ekasarn.example/log';
  const keys = await generateNoteKey(origin);
  const signer = await createNoteSigner(keys.signerKey);
  const store = new MemoryHashStore();
  const bytes = seededBytes(3);
  const leaves: LogLeaf[] = [];
  for (let seq = 0; seq < 1000; seq++) {
    const leaf: LogLeaf = { ...sample, seq, documentId: id(seq % 100), pdfSha256: toHex(bytes(32)), kind: seq < 100 ? 'issued' : 'revoked' };
    leaves.push(leaf);
    store.appendLeaf(encodeLeaf(leaf));
  }
  const size = store.size;
  const checkpoint = await signCheckpoint({ origin, size, rootHash: store.rootHash() }, signer);
  const bundleFor = (index: number): ProofBundle =>
    JSON.parse(JSON.stringify(buildProofBundle({ index, treeSize: size, leaf: leaves[index]!, proof: proveRecord(index, size, store), checkpoint })));

  it('verifies for every entry, and independently with node:crypto alone', async () => {
    for (const index of [0, 1, 255, 256, 511, 998, 999]) {
      const bundle = bundleFor(index);
      expect(Object.keys(bundle).sort()).toEqual(['checkpoint', 'index', 'leaf', 'proof', 'tree_size']);
      const result = await verifyProofBundle(bundle, keys.verifierKey, { documentId: leaves[index]!.documentId });
      expect(result).toMatchObject({ ok: true, index, treeSize: size });

      const cp = await openCheckpoint(bundle.checkpoint, keys.verifierKey);
      const canonical = new TextEncoder().encode(
        JSON.stringify(Object.fromEntries(Object.entries(bundle.leaf).sort(([a], [b]) => (a < b ? -1 : 1)))),
      );
      const root = naiveRootFromPath(naiveLeafHash(canonical), index, bundle.tree_size, bundle.proof.map((p) => fromBase64(p)!));
      expect(toHex(root!)).toBe(toHex(cp.rootHash));
    }
  });

  it('refuses every tampering with a reason', async () => {
    const good = bundleFor(500);
    const other = await generateNoteKey(origin);
    const otherCheckpoint = await signCheckpoint({ origin, size, rootHash: store.rootHash() }, await createNoteSigner(other.signerKey));
    const smaller = await signCheckpoint({ origin, size: 999, rootHash: store.rootHash(999) }, signer);
    const flipped = fromBase64(good.proof[3]!)!;
    flipped[0]! ^= 1;
    const cases: [unknown, RegExp, { documentId?: string }?][] = [
      [{ ...good, leaf: { ...good.leaf, pdfSha256: 'cd'.repeat(32) } }, /does not lead to the checkpoint root/],
      [{ ...good, leaf: { ...good.leaf, kind: 'issued' } }, /does not lead/],
      [{ ...good, leaf: { ...good.leaf, seq: 501 } }, /leaf says it is entry 501/],
      [{ ...good, index: 501, leaf: { ...good.leaf, seq: 501 } }, /does not lead/],
      [{ ...good, proof: good.proof.map((p, i) => (i === 3 ? Buffer.from(flipped).toString('base64') : p)) }, /does not lead/],
      [{ ...good, proof: good.proof.slice(1) }, /does not lead/],
      [{ ...good, proof: [...good.proof, good.proof[0]] }, /does not lead/],
      [{ ...good, proof: ['not base64'] }, /"proof"\[0\]/],
      [{ ...good, checkpoint: otherCheckpoint }, /no signature from a trusted key/],
      [{ ...good, checkpoint: good.checkpoint.replace('\n1000\n', '\n1001\n') }, /invalid signature/],
      [{ ...good, checkpoint: smaller }, /checkpoint is for 999 leaves, the proof for 1000/],
      [{ ...good, tree_size: 999, checkpoint: smaller }, /does not lead/],
      [{ ...good, index: 1000 }, /not inside a tree of 1000/],
      [{ ...good, leaf: { ...good.leaf, citizenName: 'x' } }, /citizenName/],
      [good, /not BBBBBBBBBBBBBBBBBBBBBB/, { documentId: 'BBBBBBBBBBBBBBBBBBBBBB' }],
      [null, /JSON object/],
      [{ ...good, tree_size: '1000' }, /"tree_size"/],
    ];
    for (const [bundle, why, opts] of cases) {
      const r = await verifyProofBundle(bundle, keys.verifierKey, opts);
      expect(r.ok, JSON.stringify(why)).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(why);
    }
  });
});

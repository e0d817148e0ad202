/** C2SP checkpoints: the exact body shape of the spec's example, strict parsing, signing and opening. */
import { describe, expect, it } from 'vitest';
import { fromBase64 } from '../../src/transparency/bytes.js';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from '../../src/transparency/checkpoint.js';
import { createNoteSigner, generateNoteKey, parseNote, signNote } from '../../src/transparency/note.js';

// The body of the example in c2sp.org/tlog-checkpoint.
const SPEC_BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

describe('checkpoint body', () => {
  it('formats and parses the spec example exactly', () => {
    const cp = parseCheckpoint(SPEC_BODY);
    expect(cp).toEqual({ origin: 'example.com/behind-the-sofa', size: 20852163, rootHash: fromBase64('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=') });
    expect(formatCheckpoint(cp)).toBe(SPEC_BODY);
    const ext = formatCheckpoint({ ...cp, extensions: ['ext one', 'ext two'] });
    expect(ext).toBe(`${SPEC_BODY}ext one\next two\n`);
    expect(parseCheckpoint(ext).extensions).toEqual(['ext one', 'ext two']);
    expect(parseCheckpoint('log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n').size).toBe(0);
  });

  it('refuses anything off the spec shape, saying which line', () => {
    const root = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
    const cases: [string, RegExp][] = [
      [`o\n1\n${root}`, /end with a newline/],
      [`o\n1\n`, /found 2 line/],
      [`\n1\n${root}\n`, /origin must not be empty/],
      [`o\n01\n${root}\n`, /leading zeros/],
      [`o\n-1\n${root}\n`, /decimal/],
      [`o\n1.0\n${root}\n`, /decimal/],
      [`o\n 1\n${root}\n`, /decimal/],
      [`o\n99999999999999999999\n${root}\n`, /too large/],
      [`o\n1\n${root.slice(0, -1)}\n`, /base64 of 32 bytes/],
      [`o\n1\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n`, /base64 of 32 bytes/],
      [`o\n1\nAAAA\n`, /base64 of 32 bytes/],
      [`o\n1\n${root}\n\n`, /extension line 1 must not be empty/],
      [`o\n1\n${root}\na\tb\n`, /control/],
    ];
    for (const [text, why] of cases) expect(() => parseCheckpoint(text), JSON.stringify(text)).toThrow(why);
    expect(() => formatCheckpoint({ origin: 'o', size: -1, rootHash: new Uint8Array(32) })).toThrow(/size/);
    expect(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: new Uint8Array(31) })).toThrow(/32 bytes/);
    expect(() => formatCheckpoint({ origin: 'a\nb', size: 1, rootHash: new Uint8Array(32) })).toThrow(/control/);
  });
});

describe('signed checkpoints', () => {
  const origin = 'ekasarn.example/log';
  const root = new Uint8Array(32).map((_, i) => i * 3);

  it('signs in the shape of the spec example and opens with the log key', async () => {
    const { signerKey, verifierKey } = await generateNoteKey(origin);
    const note = await signCheckpoint({ origin, size: 1234, rootHash: root }, await createNoteSigner(signerKey));
    expect(note).toMatch(/^ekasarn\.example\/log\n1234\n[A-Za-z0-9+/]{43}=\n\n— ekasarn\.example\/log [A-Za-z0-9+/]{91}=\n$/);
    expect(parseNote(note).signatures[0]!.signature).toHaveLength(64);
    const cp = await openCheckpoint(note, verifierKey);
    expect(cp.origin).toBe(origin);
    expect(cp.size).toBe(1234);
    expect(cp.rootHash).toEqual(root);
  });

  it('refuses another key, a tampered size, another origin, and a signer not named after the origin', async () => {
    const log = await generateNoteKey(origin);
    const other = await generateNoteKey(origin);
    const signer = await createNoteSigner(log.signerKey);
    const note = await signCheckpoint({ origin, size: 10, rootHash: root }, signer);
    await expect(openCheckpoint(note, other.verifierKey)).rejects.toThrow(/checkpoint signature: note has no signature from a trusted key/);
    await expect(openCheckpoint(note.replace('\n10\n', '\n11\n'), log.verifierKey)).rejects.toThrow(/invalid signature/);
    await expect(openCheckpoint(note, log.verifierKey, { origin: 'other.example/log' })).rejects.toThrow(/for log "ekasarn.example\/log", expected "other.example\/log"/);
    await expect(openCheckpoint(note, 'garbage')).rejects.toThrow(/verifier key is unusable/);
    await expect(signCheckpoint({ origin: 'other.example/log', size: 1, rootHash: root }, signer)).rejects.toThrow(/origin/);

    // Same key, but the key is named differently from the checkpoint's origin line: refused by default.
    const renamed = await generateNoteKey('sofa');
    const s2 = await createNoteSigner(renamed.signerKey);
    const forged = await signNote(formatCheckpoint({ origin, size: 1, rootHash: root }), [s2]);
    await expect(openCheckpoint(forged, renamed.verifierKey)).rejects.toThrow(/expected "sofa"/);
    expect((await openCheckpoint(forged, renamed.verifierKey, { origin })).size).toBe(1);
  });
});

/**
 * C2SP signed notes. Known-answer values come from Go's golang.org/x/mod/sumdb/note note_test.go (the PeterNeumann
 * and EnochRoot keys and signatures): Ed25519 is deterministic, so our signature must equal theirs byte for byte.
 * Generated keys are cross-checked with openssl (public key derived from the seed; signatures both ways).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '../../src/transparency/bytes.js';
import {
  createNoteSigner,
  createNoteVerifier,
  formatNote,
  generateNoteKey,
  noteKeyId,
  openNote,
  parseNote,
  parseVerifierKey,
  signNote,
} from '../../src/transparency/note.js';
import { nodeSha256 } from './naive-merkle.js';

const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

const dir = mkdtempSync(join(tmpdir(), 'ekasarn-tlog-note-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const openssl = (...args: string[]): Buffer => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

describe('signed notes: Go known answers', () => {
  it('computes the key ID as SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4], independently checked', async () => {
    const { publicKey } = parseVerifierKey(PETER_VKEY);
    expect(noteKeyId('PeterNeumann', publicKey)).toBe(0xc74f20a3);
    const independent = nodeSha256(Buffer.concat([Buffer.from('PeterNeumann\n'), Buffer.from([1]), publicKey]));
    expect(Buffer.from(independent.subarray(0, 4)).readUInt32BE(0)).toBe(0xc74f20a3);
    const signer = await createNoteSigner(PETER_SKEY);
    expect(signer.keyId).toBe(0xc74f20a3);
    expect(Buffer.from(signer.publicKey).equals(Buffer.from(publicKey))).toBe(true);
  });

  it('signs exactly as Go does and opens the result', async () => {
    const note = await signNote(TEXT, [await createNoteSigner(PETER_SKEY)]);
    expect(note).toBe(`${TEXT}\n${PETER_SIG}`);
    const opened = await openNote(note, [await createNoteVerifier(PETER_VKEY)]);
    expect(opened.text).toBe(TEXT);
    expect(opened.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
  });

  it('ignores unknown keys, requires at least one trusted signature, rejects a bad one from a trusted key', async () => {
    const peter = await createNoteVerifier(PETER_VKEY);
    const enoch = await createNoteVerifier(ENOCH_VKEY);
    const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    const one = await openNote(both, [peter]);
    expect(one.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(one.unverified.map((s) => s.name)).toEqual(['EnochRoot']);
    expect((await openNote(both, [peter, enoch])).verified).toHaveLength(2);
    await expect(openNote(both, [])).rejects.toThrow(/no signature from a trusted key/);
    await expect(openNote(`${TEXT}\n${ENOCH_SIG}`, [peter])).rejects.toThrow(/no signature from a trusted key/);
    const badSig = `${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    await expect(openNote(badSig, [peter])).rejects.toThrow(/invalid signature for key PeterNeumann\+c74f20a3/);
  });

  it('rejects tampered text and a tampered signature', async () => {
    const peter = await createNoteVerifier(PETER_VKEY);
    await expect(openNote(`${TEXT.replace('answer', 'Answer')}\n${PETER_SIG}`, [peter])).rejects.toThrow(/invalid signature/);
    await expect(openNote(`${TEXT}extra line\n\n${PETER_SIG}`, [peter])).rejects.toThrow(/invalid signature/);
    const raw = fromBase64(PETER_SIG.split(' ')[2]!.trim())!;
    for (const at of [4, 20, 67]) {
      const t = raw.slice();
      t[at]! ^= 1;
      const line = `— PeterNeumann ${Buffer.from(t).toString('base64')}\n`;
      await expect(openNote(`${TEXT}\n${line}`, [peter]), `byte ${at}`).rejects.toThrow(/invalid signature/);
    }
  });

  it('refuses malformed notes (Go’s list) and mangled keys', async () => {
    const peter = await createNoteVerifier(PETER_VKEY);
    for (const bad of [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\u0001${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${TEXT}\n${PETER_SIG.repeat(101)}`,
    ]) {
      await expect(openNote(bad, [peter]), JSON.stringify(bad.slice(-40))).rejects.toThrow();
    }
    expect(() => parseNote(new Uint8Array([0xff, 0x0a, 0x0a]))).toThrow(/UTF-8/);
    for (const bad of [
      'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // wrong ID
      'PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // uppercase ID
      'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T', // short key
      'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // unknown algorithm
      'PeterNeumann+c74f20a3',
      '+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    ]) {
      await expect(createNoteVerifier(bad), bad).rejects.toThrow();
    }
    await expect(createNoteSigner(PETER_SKEY.replace('c74f20a3', 'c74f20a4'))).rejects.toThrow(/key ID does not match/);
    await expect(createNoteSigner(PETER_VKEY)).rejects.toThrow(/PRIVATE\+KEY/);
  });

  it('formats signature lines and refuses bad names, texts and empty signature lists', () => {
    const line = formatNote('hello\n', [{ name: 'example.org/log', keyId: 0x01020304, signature: new Uint8Array([9, 9]) }]);
    expect(line).toBe(`hello\n\n— example.org/log ${Buffer.from([1, 2, 3, 4, 9, 9]).toString('base64')}\n`);
    expect(parseNote(line).signatures[0]).toEqual({ name: 'example.org/log', keyId: 0x01020304, signature: new Uint8Array([9, 9]) });
    expect(() => formatNote('no newline', [{ name: 'a', keyId: 1, signature: new Uint8Array(1) }])).toThrow(/newline/);
    expect(() => formatNote('tab\there\n', [{ name: 'a', keyId: 1, signature: new Uint8Array(1) }])).toThrow(/control/);
    expect(() => formatNote('x\n', [{ name: 'a+b', keyId: 1, signature: new Uint8Array(1) }])).toThrow(/key name/);
    expect(() => formatNote('x\n', [])).toThrow(/at least one/);
  });
});

describe('signed notes: generated keys against openssl', () => {
  it('the verifier key holds the public key openssl derives from the signer key’s seed', async () => {
    const { signerKey, verifierKey } = await generateNoteKey('ekasarn.example/log');
    expect(signerKey).toMatch(/^PRIVATE\+KEY\+ekasarn\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(verifierKey).toMatch(/^ekasarn\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(verifierKey.split('+')[1]).toBe(signerKey.split('+')[3]);
    const seed = fromBase64(signerKey.split('+').slice(4).join('+'))!.subarray(1);
    writeFileSync(join(dir, 'k.der'), Buffer.concat([PKCS8_ED25519, seed]));
    const spki = openssl('pkey', '-inform', 'DER', '-in', join(dir, 'k.der'), '-pubout', '-outform', 'DER');
    expect(Buffer.from(spki.subarray(12)).equals(Buffer.from(parseVerifierKey(verifierKey).publicKey))).toBe(true);
  });

  it('openssl verifies our signature, and we verify openssl’s', async () => {
    const { signerKey, verifierKey } = await generateNoteKey('ekasarn.example/log');
    const signer = await createNoteSigner(signerKey);
    const text = 'ekasarn.example/log\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';
    const note = await signNote(text, [signer]);
    const sig = parseNote(note).signatures[0]!.signature;
    writeFileSync(join(dir, 'msg'), text);
    writeFileSync(join(dir, 'sig'), sig);
    writeFileSync(join(dir, 'pub.der'), Buffer.concat([SPKI_ED25519, signer.publicKey]));
    openssl('pkey', '-pubin', '-inform', 'DER', '-in', join(dir, 'pub.der'), '-out', join(dir, 'pub.pem'));
    const ok = openssl('pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'pub.pem'), '-rawin', '-in', join(dir, 'msg'), '-sigfile', join(dir, 'sig'));
    expect(ok.toString()).toMatch(/Signature Verified Successfully/);
    writeFileSync(join(dir, 'msg'), text.replace('42', '43'));
    expect(() => openssl('pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'pub.pem'), '-rawin', '-in', join(dir, 'msg'), '-sigfile', join(dir, 'sig'))).toThrow();

    // The other way: openssl signs with the same seed, our verifier accepts it.
    const seed = fromBase64(signerKey.split('+').slice(4).join('+'))!.subarray(1);
    writeFileSync(join(dir, 'k.der'), Buffer.concat([PKCS8_ED25519, seed]));
    writeFileSync(join(dir, 'msg'), text);
    openssl('pkeyutl', '-sign', '-keyform', 'DER', '-inkey', join(dir, 'k.der'), '-rawin', '-in', join(dir, 'msg'), '-out', join(dir, 'osig'));
    const theirs = formatNote(text, [{ name: signer.name, keyId: signer.keyId, signature: new Uint8Array(readFileSync(join(dir, 'osig'))) }]);
    expect(theirs).toBe(note); // Ed25519 is deterministic: the same signature
    expect((await openNote(theirs, [await createNoteVerifier(verifierKey)])).verified).toHaveLength(1);
  });
});

/**
 * C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys, over WebCrypto so it runs in the browser.
 *
 *   <text, ending in a newline>
 *   <blank line>
 *   — <key name> base64(4-byte key ID ‖ signature)
 *
 * Key ID = first 4 bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key). Key strings follow Go's
 * golang.org/x/mod/sumdb/note so keys can be used with existing tools:
 *   verifier  <name>+<8 hex digits of key ID>+<base64(0x01 ‖ public key)>
 *   signer    PRIVATE+KEY+<name>+<8 hex digits of key ID>+<base64(0x01 ‖ 32-byte seed)>
 */
import { concatBytes, fromBase64, toBase64, utf8 } from './bytes.js';
import { sha256 } from './sha256.js';

export class NoteError extends Error {
  override name = 'NoteError';
}

/** Signature type byte for Ed25519 in the signed-note registry. */
const ALG_ED25519 = 0x01;
const ED25519 = { name: 'Ed25519' } as const;
/** Go's note package refuses more; the spec asks verifiers to accept at least 16. */
export const MAX_NOTE_SIGNATURES = 100;
// PKCS #8 wrapping of a raw Ed25519 seed (RFC 8410): WebCrypto imports private keys only in PKCS #8 or JWK.
const PKCS8_ED25519_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

export interface NoteSignature {
  /** Key name from the signature line. */
  name: string;
  /** 32-bit key ID (first 4 signature bytes). */
  keyId: number;
  /** The signature proper, without the key ID. */
  signature: Uint8Array;
}

export interface Note {
  /** The signed text, including its final newline. */
  text: string;
  signatures: NoteSignature[];
}

export interface NoteSigner {
  name: string;
  keyId: number;
  publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

export interface NoteVerifier {
  name: string;
  keyId: number;
  publicKey: Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** A copy backed by a plain ArrayBuffer, as WebCrypto's typings want. */
const buf = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

/** Key names: non-empty, no whitespace, no '+', no control characters (they are separators in key strings). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\p{Cc}\p{Cs}]/u.test(name);
}

function checkKeyName(name: string): void {
  if (!isValidKeyName(name)) throw new NoteError(`key name ${JSON.stringify(name)} must be non-empty without spaces, '+' or control characters`);
}

/** Key ID per the spec: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], big-endian. */
export function noteKeyId(name: string, publicKey: Uint8Array): number {
  checkKeyName(name);
  if (publicKey.length !== 32) throw new NoteError(`an Ed25519 public key is 32 bytes, got ${publicKey.length}`);
  const h = sha256(concatBytes(utf8.encode(name), new Uint8Array([0x0a, ALG_ED25519]), publicKey));
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

const hex8 = (id: number): string => id.toString(16).padStart(8, '0');

export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  const id = noteKeyId(name, publicKey);
  return `${name}+${hex8(id)}+${toBase64(concatBytes(new Uint8Array([ALG_ED25519]), publicKey))}`;
}

/** Splits `<name>+<id>+<base64>` (the base64 may itself contain '+') and checks every part, including the ID. */
function splitKey(key: string, what: string): { name: string; keyId: number; material: Uint8Array } {
  const first = key.indexOf('+');
  const second = first < 0 ? -1 : key.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw new NoteError(`${what}: expected <name>+<8 hex digits>+<base64 key>`);
  const name = key.slice(0, first);
  const idHex = key.slice(first + 1, second);
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new NoteError(`${what}: key ID must be 8 lowercase hex digits, got ${JSON.stringify(idHex)}`);
  const raw = fromBase64(key.slice(second + 1));
  if (raw === null) throw new NoteError(`${what}: key material is not canonical base64`);
  if (raw.length !== 33 || raw[0] !== ALG_ED25519) throw new NoteError(`${what}: expected 0x01 (Ed25519) followed by 32 key bytes`);
  return { name, keyId: parseInt(idHex, 16), material: raw.slice(1) };
}

/** Parses a verifier key string; refuses it unless its key ID matches its name and public key. */
export function parseVerifierKey(vkey: string): { name: string; keyId: number; publicKey: Uint8Array } {
  const { name, keyId, material } = splitKey(vkey, 'verifier key');
  if (noteKeyId(name, material) !== keyId) throw new NoteError('verifier key: key ID does not match the name and public key');
  return { name, keyId, publicKey: material };
}

export async function createNoteVerifier(vkey: string): Promise<NoteVerifier> {
  const { name, keyId, publicKey } = parseVerifierKey(vkey);
  const key = await globalThis.crypto.subtle.importKey('raw', buf(publicKey), ED25519, false, ['verify']);
  return {
    name,
    keyId,
    publicKey,
    async verify(message, signature) {
      if (signature.length !== 64) return false;
      return globalThis.crypto.subtle.verify(ED25519, key, buf(signature), buf(message));
    },
  };
}

async function importSeed(seed: Uint8Array): Promise<{ privateKey: CryptoKey; publicKey: Uint8Array }> {
  const pkcs8 = buf(concatBytes(PKCS8_ED25519_PREFIX, seed));
  // Imported extractable once to learn the public key (JWK "x"); the signing key itself is not extractable.
  const probe = await globalThis.crypto.subtle.importKey('pkcs8', pkcs8, ED25519, true, ['sign']);
  const jwk = await globalThis.crypto.subtle.exportKey('jwk', probe);
  const x = jwk.x ?? '';
  const publicKey = fromBase64(x.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (x.length % 4)) % 4));
  if (publicKey === null || publicKey.length !== 32) throw new NoteError('signer key: could not derive the Ed25519 public key');
  const privateKey = await globalThis.crypto.subtle.importKey('pkcs8', pkcs8, ED25519, false, ['sign']);
  return { privateKey, publicKey };
}

/** Parses a signer key string (PRIVATE+KEY+…) into a signer; refuses it unless its key ID matches. */
export async function createNoteSigner(skey: string): Promise<NoteSigner> {
  if (!skey.startsWith('PRIVATE+KEY+')) throw new NoteError('signer key: expected PRIVATE+KEY+<name>+<id>+<base64 seed>');
  const { name, keyId, material } = splitKey(skey.slice('PRIVATE+KEY+'.length), 'signer key');
  const { privateKey, publicKey } = await importSeed(material);
  if (noteKeyId(name, publicKey) !== keyId) throw new NoteError('signer key: key ID does not match the name and key');
  return {
    name,
    keyId,
    publicKey,
    async sign(message) {
      return new Uint8Array(await globalThis.crypto.subtle.sign(ED25519, privateKey, buf(message)));
    },
  };
}

/** A new Ed25519 key pair as signer and verifier key strings. Keep the signer key secret. */
export async function generateNoteKey(name: string): Promise<{ signerKey: string; verifierKey: string }> {
  checkKeyName(name);
  const pair = (await globalThis.crypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await globalThis.crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const publicKey = new Uint8Array(await globalThis.crypto.subtle.exportKey('raw', pair.publicKey));
  const seed = pkcs8.slice(pkcs8.length - 32);
  const id = hex8(noteKeyId(name, publicKey));
  return {
    signerKey: `PRIVATE+KEY+${name}+${id}+${toBase64(concatBytes(new Uint8Array([ALG_ED25519]), seed))}`,
    verifierKey: formatVerifierKey(name, publicKey),
  };
}

/** Text rules shared by format and parse: UTF-8 without control characters except newline, ending in newline. */
function checkText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('note text must end with a newline');
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(text)) throw new NoteError('note text must not contain control characters other than newline');
  if (/\p{Cs}/u.test(text)) throw new NoteError('note text is not valid Unicode (lone surrogate)');
}

function signatureLine(s: NoteSignature): string {
  checkKeyName(s.name);
  if (!Number.isInteger(s.keyId) || s.keyId < 0 || s.keyId > 0xffffffff) throw new NoteError(`key ID must be a uint32, got ${s.keyId}`);
  const id = new Uint8Array([s.keyId >>> 24, (s.keyId >>> 16) & 0xff, (s.keyId >>> 8) & 0xff, s.keyId & 0xff]);
  return `— ${s.name} ${toBase64(concatBytes(id, s.signature))}\n`;
}

/** Formats a note from its text and signatures. */
export function formatNote(text: string, signatures: readonly NoteSignature[]): string {
  checkText(text);
  if (signatures.length === 0) throw new NoteError('a signed note needs at least one signature');
  if (signatures.length > MAX_NOTE_SIGNATURES) throw new NoteError(`a note may carry at most ${MAX_NOTE_SIGNATURES} signatures`);
  return `${text}\n${signatures.map(signatureLine).join('')}`;
}

/** Parses a note without verifying anything. Throws NoteError if it is malformed. */
export function parseNote(note: string | Uint8Array): Note {
  let s: string;
  if (typeof note === 'string') s = note;
  else {
    try {
      s = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
    } catch {
      throw new NoteError('note is not valid UTF-8');
    }
  }
  if (!s.endsWith('\n')) throw new NoteError('note must end with a newline');
  // The text ends at the last blank line; signature lines never contain one.
  const split = s.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('note has no blank line before its signatures');
  const text = s.slice(0, split + 1);
  checkText(text);
  const lines = s.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw new NoteError(`note has more than ${MAX_NOTE_SIGNATURES} signatures`);
  const signatures = lines.map((line, i): NoteSignature => {
    const m = /^— (\S+) (\S+)$/u.exec(line);
    if (!m || !isValidKeyName(m[1]!)) throw new NoteError(`signature line ${i + 1} is not "— <key name> <base64>"`);
    const raw = fromBase64(m[2]!);
    if (raw === null || raw.length < 5) throw new NoteError(`signature line ${i + 1}: signature is not canonical base64 of a key ID and signature`);
    const keyId = ((raw[0]! << 24) | (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!) >>> 0;
    return { name: m[1]!, keyId, signature: raw.slice(4) };
  });
  return { text, signatures };
}

/** Signs `text` with each signer and returns the formatted note. */
export async function signNote(text: string, signers: readonly NoteSigner[]): Promise<string> {
  checkText(text);
  const message = utf8.encode(text);
  const signatures: NoteSignature[] = [];
  for (const s of signers) signatures.push({ name: s.name, keyId: s.keyId, signature: await s.sign(message) });
  return formatNote(text, signatures);
}

export interface OpenedNote extends Note {
  /** Signatures made by one of the given keys, all verified. */
  verified: NoteSignature[];
  /** Signatures by keys we were not given: ignored, as the spec requires. */
  unverified: NoteSignature[];
}

/**
 * Parses a note and checks it against trusted verifiers. As the spec says: signatures by unknown keys are ignored,
 * a known key's bad signature rejects the whole note, and a note with no verified signature is rejected.
 */
export async function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): Promise<OpenedNote> {
  const parsed = parseNote(note);
  const message = utf8.encode(parsed.text);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  for (const sig of parsed.signatures) {
    const matches = verifiers.filter((v) => v.name === sig.name && v.keyId === sig.keyId);
    if (matches.length === 0) {
      unverified.push(sig);
      continue;
    }
    for (const v of matches) {
      if (!(await v.verify(message, sig.signature))) throw new NoteError(`invalid signature for key ${sig.name}+${hex8(sig.keyId)}`);
    }
    verified.push(sig);
  }
  if (verified.length === 0) throw new NoteError('note has no signature from a trusted key');
  return { ...parsed, verified, unverified };
}

/**
 * C2SP checkpoints (https://c2sp.org/tlog-checkpoint): the signed note body that commits a log to a tree.
 *
 *   <origin>
 *   <tree size, decimal, no leading zeros>
 *   <base64 root hash>
 *   [extension lines…]
 *
 * Convention of this project: the log signs with a key whose name is the origin (the spec's SHOULD), and opening a
 * checkpoint insists on it, so a key reused for two logs cannot pass one log's checkpoint off as the other's.
 */
import { fromBase64, toBase64 } from './bytes.js';
import { HASH_SIZE } from './merkle.js';
import { createNoteVerifier, NoteError, openNote, signNote, type NoteSigner } from './note.js';

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  /** Optional extension lines (opaque; not recommended by the spec). */
  extensions?: string[];
}

const CONTROL = /[\u0000-\u001f\u007f]/;

function checkLine(what: string, line: string): void {
  if (line.length === 0) throw new CheckpointError(`checkpoint ${what} must not be empty`);
  if (CONTROL.test(line)) throw new CheckpointError(`checkpoint ${what} must not contain control characters`);
  if (/\p{Cs}/u.test(line)) throw new CheckpointError(`checkpoint ${what} is not valid Unicode`);
}

/** Formats a checkpoint body (the note text, ending in a newline). */
export function formatCheckpoint(cp: Checkpoint): string {
  checkLine('origin', cp.origin);
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new CheckpointError(`checkpoint size must be a whole number ≥ 0, got ${String(cp.size)}`);
  if (!(cp.rootHash instanceof Uint8Array) || cp.rootHash.length !== HASH_SIZE) {
    throw new CheckpointError(`checkpoint root hash must be ${HASH_SIZE} bytes`);
  }
  const ext = cp.extensions ?? [];
  ext.forEach((line, i) => checkLine(`extension line ${i + 1}`, line));
  return [cp.origin, String(cp.size), toBase64(cp.rootHash), ...ext].map((l) => `${l}\n`).join('');
}

/** Parses a checkpoint body strictly: every line as the spec shapes it, nothing else. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new CheckpointError('checkpoint text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CheckpointError(`checkpoint needs origin, size and root hash lines; found ${lines.length} line(s)`);
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  checkLine('origin', origin);
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new CheckpointError(`checkpoint size line must be a decimal number without leading zeros, got ${JSON.stringify(sizeText)}`);
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new CheckpointError('checkpoint size is too large');
  const rootHash = fromBase64(rootText);
  if (rootHash === null || rootHash.length !== HASH_SIZE) throw new CheckpointError(`checkpoint root hash line must be base64 of ${HASH_SIZE} bytes`);
  extensions.forEach((line, i) => checkLine(`extension line ${i + 1}`, line));
  return extensions.length ? { origin, size, rootHash, extensions } : { origin, size, rootHash };
}

/** Signs a checkpoint; the signer's key name must be the origin. Returns the signed note text. */
export async function signCheckpoint(cp: Checkpoint, signer: NoteSigner): Promise<string> {
  if (signer.name !== cp.origin) throw new CheckpointError(`the log key is named ${JSON.stringify(signer.name)}, but the origin is ${JSON.stringify(cp.origin)}`);
  return signNote(formatCheckpoint(cp), [signer]);
}

/**
 * Verifies a signed checkpoint with the log's verifier key and returns its content. Throws CheckpointError with
 * the reason (bad signature, wrong log, malformed body). `origin` defaults to the key name.
 */
export async function openCheckpoint(
  noteText: string | Uint8Array,
  verifierKey: string,
  options: { origin?: string } = {},
): Promise<Checkpoint> {
  let verifier;
  try {
    verifier = await createNoteVerifier(verifierKey);
  } catch (e) {
    throw new CheckpointError(`log verifier key is unusable: ${(e as Error).message}`);
  }
  let opened;
  try {
    opened = await openNote(noteText, [verifier]);
  } catch (e) {
    if (e instanceof NoteError) throw new CheckpointError(`checkpoint signature: ${e.message}`);
    throw e;
  }
  const cp = parseCheckpoint(opened.text);
  const origin = options.origin ?? verifier.name;
  if (cp.origin !== origin) throw new CheckpointError(`checkpoint is for log ${JSON.stringify(cp.origin)}, expected ${JSON.stringify(origin)}`);
  return cp;
}

/**
 * PEM (RFC 7468) encoding and decoding. Isomorphic: uses atob/btoa, which Node 20 and browsers both provide.
 */

export interface PemBlock {
  /** The label between "BEGIN " and the dashes, e.g. "CERTIFICATE" or "PRIVATE KEY". */
  label: string;
  der: Uint8Array;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

export function base64ToBytes(base64: string): Uint8Array {
  const clean = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw new Error('PEM: the body is not valid base64');
  const binary = atob(clean);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Encodes DER bytes as one PEM block with 64-character lines. */
export function encodePem(label: string, der: Uint8Array): string {
  const lines = bytesToBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * Decodes every PEM block in `text`, in order. Text between blocks (OpenSSL's "Bag Attributes", "subject=" lines)
 * is ignored. Blocks with encapsulated headers (legacy "Proc-Type: 4,ENCRYPTED" keys) are rejected explicitly,
 * because their body is not plain base64 DER.
 */
export function decodePemBlocks(text: string): PemBlock[] {
  if (typeof text !== 'string') throw new TypeError('PEM: expected a string');
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const [, begin, body, end] = match;
    if (begin !== end) throw new Error(`PEM: block "BEGIN ${begin}" ends with "END ${end}"`);
    if (/Proc-Type:|DEK-Info:/.test(body!)) {
      throw new Error(`PEM: "${begin}" uses legacy OpenSSL encryption headers; convert it to PKCS#8 (openssl pkcs8 -topk8)`);
    }
    blocks.push({ label: begin!, der: base64ToBytes(body!) });
  }
  return blocks;
}

/** Decodes exactly one PEM block with the given label(s); clear error otherwise. */
export function decodeSinglePem(text: string, labels: readonly string[], what: string): PemBlock {
  const blocks = decodePemBlocks(text);
  if (blocks.length === 0) throw new Error(`${what}: no PEM block found (expected ${labels.map((l) => `"BEGIN ${l}"`).join(' or ')})`);
  const wanted = blocks.filter((b) => labels.includes(b.label));
  if (wanted.length === 0) {
    throw new Error(`${what}: found PEM "${blocks.map((b) => b.label).join('", "')}" but expected ${labels.join(' or ')}`);
  }
  if (wanted.length > 1) throw new Error(`${what}: expected one ${labels.join('/')} block, found ${wanted.length}`);
  return wanted[0]!;
}

/** Splits a PEM bundle into certificate DERs in file order. Non-certificate blocks are an error. */
export function decodeCertificatesPem(text: string, what = 'certificate PEM'): Uint8Array[] {
  const blocks = decodePemBlocks(text);
  for (const block of blocks) {
    if (block.label !== 'CERTIFICATE') throw new Error(`${what}: unexpected PEM block "${block.label}" (only CERTIFICATE allowed)`);
  }
  return blocks.map((b) => b.der);
}

export const encodeCertificatePem = (der: Uint8Array): string => encodePem('CERTIFICATE', der);

/**
 * Reads the few certificate fields the signer needs straight from the DER, keeping the exact original bytes of the
 * issuer name and serial number (re-encoding them through an object model could change string types and break the
 * issuerAndSerialNumber match that verifiers perform byte-for-byte). Isomorphic.
 */
import { contentBytes, elementBytes, readChildren, readElement, type DerElement } from '../der/der-reader.js';
import { TAG } from '../der/der-writer.js';
import { OID } from '../oids.js';
import type { KeyAlgorithm } from './key-algorithms.js';

export interface CertificateFields {
  /** Complete DER of the serialNumber INTEGER (tag, length, value). */
  serialNumberDer: Uint8Array;
  /** Complete DER of the issuer Name. */
  issuerDer: Uint8Array;
  /** Complete DER of the subject Name. */
  subjectDer: Uint8Array;
  /** Complete DER of the SubjectPublicKeyInfo. */
  subjectPublicKeyInfoDer: Uint8Array;
  /** The key type, or an explanation of why it is not usable for signing documents. */
  keyAlgorithm: KeyAlgorithm | { unsupported: string };
  /** True when issuer and subject names are byte-identical (a root or other self-issued certificate). */
  selfIssued: boolean;
}

function decodeOid(bytes: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = arcs.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

function expectTag(element: DerElement | undefined, tag: number, what: string): DerElement {
  if (!element || element.tag !== tag) {
    throw new Error(`certificate: malformed ${what} (expected tag 0x${tag.toString(16)}, got ${element ? `0x${element.tag.toString(16)}` : 'nothing'})`);
  }
  return element;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function keyAlgorithmOf(der: Uint8Array, spki: DerElement): CertificateFields['keyAlgorithm'] {
  const [algId, bitString] = readChildren(der, spki);
  const algParts = readChildren(der, expectTag(algId, TAG.SEQUENCE, 'subjectPublicKeyInfo algorithm'));
  const algOid = decodeOid(contentBytes(der, expectTag(algParts[0], TAG.OID, 'public key algorithm')));
  if (algOid === OID.rsaEncryption) {
    const bits = expectTag(bitString, TAG.BIT_STRING, 'subjectPublicKey');
    // BIT STRING content: one "unused bits" octet, then the RSAPublicKey SEQUENCE { modulus, exponent }.
    const rsaKey = readElement(der, bits.contentStart + 1, bits.end);
    const modulus = expectTag(readChildren(der, rsaKey)[0], TAG.INTEGER, 'RSA modulus');
    let n = contentBytes(der, modulus);
    while (n.length > 0 && n[0] === 0) n = n.subarray(1);
    const bitLength = n.length === 0 ? 0 : (n.length - 1) * 8 + (32 - Math.clz32(n[0]!));
    if (bitLength === 2048 || bitLength === 3072 || bitLength === 4096) return `RSA-${bitLength}` as KeyAlgorithm;
    return { unsupported: `RSA key of ${bitLength} bits (supported: 2048, 3072, 4096)` };
  }
  if (algOid === OID.ecPublicKey) {
    const curve = algParts[1]?.tag === TAG.OID ? decodeOid(contentBytes(der, algParts[1])) : 'explicit parameters';
    if (curve === OID.prime256v1) return 'P-256';
    return { unsupported: `EC key on curve ${curve} (supported: P-256)` };
  }
  return { unsupported: `public key algorithm ${algOid} (supported: RSA, EC P-256)` };
}

export function readCertificateFields(der: Uint8Array): CertificateFields {
  if (!(der instanceof Uint8Array) || der.length === 0) throw new Error('certificate: expected non-empty DER bytes');
  const cert = expectTag(readElement(der, 0), TAG.SEQUENCE, 'Certificate');
  if (cert.end !== der.length) throw new Error('certificate: trailing bytes after the Certificate');
  const tbs = expectTag(readChildren(der, cert)[0], TAG.SEQUENCE, 'tbsCertificate');
  const fields = readChildren(der, tbs);
  // version is [0] EXPLICIT and optional (absent means v1).
  const i = fields[0]?.tag === TAG.CONTEXT_0_CONSTRUCTED ? 1 : 0;
  const serial = expectTag(fields[i], TAG.INTEGER, 'serialNumber');
  const issuer = expectTag(fields[i + 2], TAG.SEQUENCE, 'issuer');
  const subject = expectTag(fields[i + 4], TAG.SEQUENCE, 'subject');
  const spki = expectTag(fields[i + 5], TAG.SEQUENCE, 'subjectPublicKeyInfo');
  const issuerDer = elementBytes(der, issuer);
  const subjectDer = elementBytes(der, subject);
  return {
    serialNumberDer: elementBytes(der, serial),
    issuerDer,
    subjectDer,
    subjectPublicKeyInfoDer: elementBytes(der, spki),
    keyAlgorithm: keyAlgorithmOf(der, spki),
    selfIssued: equalBytes(issuerDer, subjectDer),
  };
}

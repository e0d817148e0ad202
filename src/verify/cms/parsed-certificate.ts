// A certificate parsed once into the facts path building and reporting need, with a content-keyed cache so the
// same CA and signer certificates are not re-parsed on every verification.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { BoundedCache, bytesEqual, digest, fnv1a, toHex } from '../bytes.js';
import type { SignerSummary } from '../report.js';
import { NAME_LABELS, OID, UNDERSTOOD_EXTENSIONS } from './oids.js';
import { fromBerSafe } from './safe-ber.js';
import { certificatePolicyOids } from '../der.js';

export interface ParsedCertificate {
  der: Uint8Array;
  /** SHA-256 of the DER, lowercase hex. */
  fingerprint: string;
  cert: pkijs.Certificate;
  /** Normalised names used to match an issuer to a subject (see nameKey). */
  subjectKey: string;
  issuerKey: string;
  /** DER of the issuer Name as it appears in the certificate (for ESS issuerSerial comparison). */
  issuerDer: Uint8Array;
  subjectText: string;
  issuerText: string;
  commonName?: string;
  organization?: string;
  serialHex: string;
  serialBytes: Uint8Array;
  subjectKeyId?: string;
  authorityKeyId?: string;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  hasBasicConstraints: boolean;
  pathLen?: number;
  /** Key usage bits (RFC 5280 order, bit 0 = digitalSignature) or undefined when the extension is absent. */
  keyUsage?: number;
  extKeyUsage?: string[];
  /** Certificate policy OIDs (RFC 5280 §4.2.1.4), when the extension is present. */
  policies?: string[];
  unknownCriticalExtensions: string[];
  selfIssued: boolean;
  /** DER SubjectPublicKeyInfo, exactly as in the certificate. */
  spki: Uint8Array;
}

export const KEY_USAGE = {
  digitalSignature: 1 << 0,
  nonRepudiation: 1 << 1,
  keyEncipherment: 1 << 2,
  dataEncipherment: 1 << 3,
  keyAgreement: 1 << 4,
  keyCertSign: 1 << 5,
  cRLSign: 1 << 6,
} as const;

/** Thrown only inside this module's callers' try blocks; carries a human-readable reason. */
export class CertificateParseError extends Error {}

function attributeValueText(value: unknown): string {
  if (value && typeof value === 'object' && 'valueBlock' in value) {
    const block = (value as { valueBlock: { value?: unknown; valueHexView?: Uint8Array } }).valueBlock;
    if (typeof block.value === 'string') return block.value;
    if (block.valueHexView) return '#' + toHex(block.valueHexView);
  }
  return String(value);
}

function nameParts(name: pkijs.RelativeDistinguishedNames): Array<{ type: string; value: string }> {
  return name.typesAndValues.map((tv) => ({ type: tv.type, value: attributeValueText(tv.value) }));
}

/** RFC 4514-like text, most significant first as written in the certificate (C=TH, O=…, CN=…). */
function nameText(parts: Array<{ type: string; value: string }>): string {
  return parts.map((p) => `${NAME_LABELS[p.type] ?? p.type}=${p.value}`).join(', ');
}

/**
 * Issuer/subject matching key. RFC 5280 §7.1 compares names after normalisation (case-folding, whitespace); a CA
 * re-encoding PrintableString as UTF8String must still match, so we compare normalised text, not bytes.
 */
export function nameKeyOf(name: pkijs.RelativeDistinguishedNames): string {
  return nameKey(nameParts(name));
}

function nameKey(parts: Array<{ type: string; value: string }>): string {
  return parts.map((p) => `${p.type}=${p.value.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase()}`).join('\u0001');
}

function bitStringToKeyUsage(bits: asn1js.BitString): number {
  const bytes = bits.valueBlock.valueHexView;
  let value = 0;
  for (let bit = 0; bit < 9; bit++) {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && byte & (0x80 >> (bit & 7))) value |= 1 << bit;
  }
  return value;
}

/** Serial for people: the DER sign byte (a leading 00 before a high bit) is not part of the number. */
function serialDisplayHex(bytes: Uint8Array): string {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return toHex(bytes.subarray(start));
}

function parseCertificate(der: Uint8Array, fingerprint: string): ParsedCertificate {
  const asn1 = fromBerSafe(der);
  if (asn1.offset === -1 || asn1.offset !== der.length) throw new CertificateParseError('certificate is not a single DER object');
  const cert = new pkijs.Certificate({ schema: asn1.result });
  // The raw tbs elements: [0] version is optional, so locate fields relative to it.
  const tbs = (asn1.result as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
  const fields = tbs.valueBlock.value;
  const base = fields[0]?.idBlock.tagClass === 3 && fields[0].idBlock.tagNumber === 0 ? 1 : 0;
  const issuerEl = fields[base + 2];
  const spkiEl = fields[base + 5];
  if (!issuerEl || !spkiEl) throw new CertificateParseError('certificate TBS is incomplete');

  const subjectParts = nameParts(cert.subject);
  const issuerParts = nameParts(cert.issuer);
  const subjectKey = nameKey(subjectParts);
  const issuerKey = nameKey(issuerParts);
  const parsed: ParsedCertificate = {
    der,
    fingerprint,
    cert,
    subjectKey,
    issuerKey,
    issuerDer: issuerEl.valueBeforeDecodeView,
    subjectText: nameText(subjectParts),
    issuerText: nameText(issuerParts),
    serialBytes: cert.serialNumber.valueBlock.valueHexView,
    serialHex: serialDisplayHex(cert.serialNumber.valueBlock.valueHexView),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    isCA: false,
    hasBasicConstraints: false,
    unknownCriticalExtensions: [],
    selfIssued: subjectKey === issuerKey,
    spki: spkiEl.valueBeforeDecodeView,
  };
  const cn = subjectParts.find((p) => p.type === OID.commonName)?.value;
  const o = subjectParts.find((p) => p.type === OID.organization)?.value;
  if (cn !== undefined) parsed.commonName = cn;
  if (o !== undefined) parsed.organization = o;

  const seen = new Set<string>();
  for (const ext of cert.extensions ?? []) {
    if (seen.has(ext.extnID)) throw new CertificateParseError(`extension ${ext.extnID} appears twice (RFC 5280 §4.2)`);
    seen.add(ext.extnID);
    if (ext.critical && !UNDERSTOOD_EXTENSIONS.has(ext.extnID)) parsed.unknownCriticalExtensions.push(ext.extnID);
    const v = ext.parsedValue as unknown;
    switch (ext.extnID) {
      case OID.basicConstraints:
        if (v instanceof pkijs.BasicConstraints) {
          parsed.hasBasicConstraints = true;
          parsed.isCA = v.cA === true;
          const pl = v.pathLenConstraint;
          if (typeof pl === 'number') parsed.pathLen = pl;
          else if (pl instanceof asn1js.Integer) parsed.pathLen = pl.valueBlock.valueDec;
        } else throw new CertificateParseError('basicConstraints does not parse');
        break;
      case OID.keyUsage:
        if (v instanceof asn1js.BitString) parsed.keyUsage = bitStringToKeyUsage(v);
        else throw new CertificateParseError('keyUsage does not parse');
        break;
      case OID.extKeyUsage:
        if (v instanceof pkijs.ExtKeyUsage) parsed.extKeyUsage = v.keyPurposes;
        else throw new CertificateParseError('extKeyUsage does not parse');
        break;
      case OID.certificatePolicies:
        // Read for reporting only (e.g. the training-specimen policy); no policy-constrained path validation.
      {
        // Decoded from the raw value: asn1js cannot print long arcs such as the 128-bit one of a 2.25 (UUID) OID.
        // An unreadable one is left as before (ignored), so no certificate that verified before stops verifying.
        const oids = certificatePolicyOids(ext.extnValue.valueBlock.valueHexView);
        if (oids) parsed.policies = oids;
        break;
      }
      case OID.subjectKeyIdentifier:
        if (v instanceof asn1js.OctetString) parsed.subjectKeyId = toHex(v.valueBlock.valueHexView);
        break;
      case OID.authorityKeyIdentifier:
        if (v instanceof pkijs.AuthorityKeyIdentifier && v.keyIdentifier) parsed.authorityKeyId = toHex(v.keyIdentifier.valueBlock.valueHexView);
        break;
    }
  }
  return parsed;
}

// Content-keyed cache: bucket by a cheap hash, confirm by bytes. Parsing a certificate costs far more than this.
const cache = new BoundedCache<string, ParsedCertificate[]>(2048);

/** Parse (or fetch from cache) a DER certificate. Throws CertificateParseError/Error on malformed input. */
export async function getParsedCertificate(der: Uint8Array): Promise<ParsedCertificate> {
  const bucketKey = `${der.length}:${fnv1a(der)}`;
  const bucket = cache.get(bucketKey);
  if (bucket) for (const c of bucket) if (bytesEqual(c.der, der)) return c;
  // Copy so later mutation of the caller's buffer cannot change a cached certificate.
  const own = der.slice();
  const fingerprint = toHex(await digest('SHA-256', own));
  const parsed = parseCertificate(own, fingerprint);
  cache.set(bucketKey, bucket ? [...bucket, parsed] : [parsed]);
  return parsed;
}

export function clearCertificateCache(): void {
  cache.clear();
}

export function summarizeCertificate(c: ParsedCertificate): SignerSummary {
  const s: SignerSummary = {
    subject: c.subjectText,
    serialHex: c.serialHex,
    issuer: c.issuerText,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    sha256: c.fingerprint,
  };
  if (c.commonName !== undefined) s.commonName = c.commonName;
  if (c.organization !== undefined) s.organization = c.organization;
  if (c.policies !== undefined) s.policies = [...c.policies];
  return s;
}

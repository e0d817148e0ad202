// Parse an X.509 CRL (RFC 5280 §5) into the facts a revocation check needs. Browser-safe.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toHex } from '../../verify/bytes.js';
import { nameKeyOf } from '../../verify/cms/parsed-certificate.js';
import { NAME_LABELS } from '../../verify/cms/oids.js';
import { ContentCache, parseThrough, type ParseOutcome } from './content-cache.js';
import { crlReasonOfCode, type CrlReason } from './crl-reason.js';
import { bigIntegerOf, parseDer, serialHexOfBytes, smallIntegerOf, timeOf } from './der-values.js';
import { REVOCATION_OID } from './revocation-oids.js';

export interface CrlEntry {
  date: Date;
  /** Absent when the entry has no reasonCode extension (RFC 5280: then the reason is "unspecified"). */
  reason?: CrlReason;
  /** When the key is known or suspected to have been compromised (invalidityDate extension), if given. */
  invalidityDate?: Date;
}

export interface ParsedCrl {
  /** Issuer name as text (C=TH, O=…, CN=…). */
  issuer: string;
  /** Normalised issuer name for matching against certificate subjects. */
  issuerKey: string;
  thisUpdate: Date;
  nextUpdate?: Date;
  crlNumber?: bigint;
  /** authorityKeyIdentifier keyIdentifier, lowercase hex. */
  authorityKeyId?: string;
  /** Keyed by canonical serial hex (no DER sign padding, lowercase). */
  revoked: Map<string, CrlEntry>;
  /** A delta CRL (deltaCRLIndicator) only lists changes: it cannot prove "not revoked" on its own. */
  isDelta: boolean;
  /** Critical CRL or entry extensions we do not understand: RFC 5280 says such a CRL must not be used. */
  unknownCriticalExtensions: string[];
  raw: Uint8Array;
  /** The parsed structure, for signature verification. */
  crl: pkijs.CertificateRevocationList;
}

const UNDERSTOOD_CRL_EXTENSIONS = new Set<string>([REVOCATION_OID.crlNumber, REVOCATION_OID.authorityKeyIdentifier, REVOCATION_OID.deltaCrlIndicator]);
const UNDERSTOOD_ENTRY_EXTENSIONS = new Set<string>([REVOCATION_OID.reasonCode, REVOCATION_OID.invalidityDate]);

/** Inner value of an extension's OCTET STRING. */
export function extensionValue(ext: pkijs.Extension): asn1js.AsnType | undefined {
  const asn1 = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
  return asn1.offset === -1 ? undefined : asn1.result;
}

export function nameText(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => {
      const block = (tv.value as { valueBlock?: { value?: unknown } }).valueBlock;
      return `${NAME_LABELS[tv.type] ?? tv.type}=${typeof block?.value === 'string' ? block.value : '#'}`;
    })
    .join(', ');
}

// A CA's CRL is the same for hours and checked on every verification; 64 CRLs or 16 MiB of DER stay parsed.
const parsedCrls = new ContentCache<ParseOutcome<ParsedCrl>>(64, 16 * 1024 * 1024);

/**
 * Parses a DER CRL. Throws an Error naming what is wrong when the bytes are not a CRL. The result is remembered by
 * content: the same bytes give the same object again, so treat it as read-only (it is frozen; its `revoked` map
 * must not be changed either).
 */
export function parseCrl(der: Uint8Array): ParsedCrl {
  return parseThrough(parsedCrls, der, decodeCrl);
}

export function clearParsedCrlCache(): void {
  parsedCrls.clear();
}

function decodeCrl(der: Uint8Array): ParsedCrl {
  const asn1 = parseDer(der, 'CRL');
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = new pkijs.CertificateRevocationList({ schema: asn1 });
  } catch (e) {
    throw new Error(`CRL: not an X.509 CertificateList (${(e as Error).message})`);
  }
  const thisUpdate = crl.thisUpdate.value;
  const parsed: ParsedCrl = {
    issuer: nameText(crl.issuer),
    issuerKey: nameKeyOf(crl.issuer),
    thisUpdate,
    revoked: new Map(),
    isDelta: false,
    unknownCriticalExtensions: [],
    raw: der,
    crl,
  };
  if (crl.nextUpdate) parsed.nextUpdate = crl.nextUpdate.value;

  for (const ext of crl.crlExtensions?.extensions ?? []) {
    const value = extensionValue(ext);
    if (ext.extnID === REVOCATION_OID.crlNumber) {
      const n = bigIntegerOf(value);
      if (n === undefined) throw new Error('CRL: cRLNumber extension is not an INTEGER');
      parsed.crlNumber = n;
    } else if (ext.extnID === REVOCATION_OID.authorityKeyIdentifier) {
      const aki = value ? new pkijs.AuthorityKeyIdentifier({ schema: value }) : undefined;
      if (aki?.keyIdentifier) parsed.authorityKeyId = toHex(aki.keyIdentifier.valueBlock.valueHexView);
    } else if (ext.extnID === REVOCATION_OID.deltaCrlIndicator) {
      parsed.isDelta = true;
    }
    if (ext.critical && !UNDERSTOOD_CRL_EXTENSIONS.has(ext.extnID)) parsed.unknownCriticalExtensions.push(ext.extnID);
  }

  for (const rc of crl.revokedCertificates ?? []) {
    const serialHex = serialHexOfBytes(rc.userCertificate.valueBlock.valueHexView);
    const entry: CrlEntry = { date: rc.revocationDate.value };
    for (const ext of rc.crlEntryExtensions?.extensions ?? []) {
      if (ext.extnID === REVOCATION_OID.reasonCode) {
        const code = smallIntegerOf(extensionValue(ext));
        const reason = code === undefined ? undefined : crlReasonOfCode(code);
        if (!reason) throw new Error(`CRL: entry ${serialHex} has an invalid reasonCode`);
        entry.reason = reason;
      } else if (ext.extnID === REVOCATION_OID.invalidityDate) {
        const d = timeOf(extensionValue(ext));
        if (d) entry.invalidityDate = d;
      } else if (ext.critical && !UNDERSTOOD_ENTRY_EXTENSIONS.has(ext.extnID)) {
        parsed.unknownCriticalExtensions.push(`${ext.extnID} (entry ${serialHex})`);
      }
    }
    // removeFromCRL only appears in delta CRLs: the certificate is no longer revoked (it was on hold).
    if (entry.reason === 'removeFromCRL') continue;
    parsed.revoked.set(serialHex, Object.freeze(entry));
  }
  return Object.freeze(parsed);
}

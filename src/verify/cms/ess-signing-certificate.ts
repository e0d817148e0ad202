// ESS signing-certificate (RFC 2634 §5.4, SHA-1) and signing-certificate-v2 (RFC 5035): a signed attribute that
// binds the signature to one certificate, so nobody can swap in another certificate with the same key or name.
// pkijs has no class for it; it is read with the DER scanner (signed attributes must be DER, RFC 5652 §5.3).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesEqual, digest, fromHex, toHex } from '../bytes.js';
import { childrenOf, oidAt, readTlv, TAG, type Tlv } from '../der.js';
import { ALLOWED_DIGESTS, digestNameOf, type HashName } from './algorithms.js';
import { OID } from './oids.js';
import { nameKeyOf, type ParsedCertificate } from './parsed-certificate.js';
import type { AttrValue } from './signer-info.js';

export interface EssCertId {
  version: 1 | 2;
  hashOid: string;
  certHash: Uint8Array;
  /** directoryNames are DER Names; parsed only if they are not byte-identical to the certificate's issuer. */
  issuerSerial?: { directoryNames: Uint8Array[]; serial: Uint8Array };
}

const content = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.contentStart, t.end);

/** Parse the first ESSCertID(v2) of the attribute value: by RFC 5035 it identifies the signer certificate. */
export function parseEssCertId(value: AttrValue, version: 1 | 2): EssCertId | string {
  const buf = value.der;
  const top = readTlv(buf, 0);
  if (!top || top.tag !== TAG.SEQUENCE || top.end !== buf.length) return 'attribute value is not a DER SEQUENCE';
  const certs = childrenOf(buf, top)?.[0];
  if (!certs || certs.tag !== TAG.SEQUENCE) return 'certs is not a SEQUENCE OF';
  const first = childrenOf(buf, certs)?.[0];
  if (!first || first.tag !== TAG.SEQUENCE) return 'no ESSCertID in certs';
  const parts = childrenOf(buf, first);
  if (!parts) return 'ESSCertID is not DER';
  let hashOid: string = version === 1 ? OID.sha1 : OID.sha256; // v2: DEFAULT id-sha256
  if (version === 2 && parts[0]?.tag === TAG.SEQUENCE) {
    const alg = childrenOf(buf, parts.shift()!);
    const oid = oidAt(buf, alg?.[0]);
    if (!oid) return 'hashAlgorithm does not parse';
    hashOid = oid;
  }
  const hash = parts.shift();
  if (!hash || hash.tag !== TAG.OCTET_STRING) return 'certHash is not an OCTET STRING';
  const id: EssCertId = { version, hashOid, certHash: content(buf, hash) };
  const issuerSerial = parts.shift();
  if (issuerSerial !== undefined) {
    if (issuerSerial.tag !== TAG.SEQUENCE) return 'issuerSerial is not a SEQUENCE';
    const [generalNames, serial] = childrenOf(buf, issuerSerial) ?? [];
    if (!generalNames || generalNames.tag !== TAG.SEQUENCE || !serial || serial.tag !== TAG.INTEGER) return 'issuerSerial is malformed';
    const directoryNames: Uint8Array[] = [];
    for (const gn of childrenOf(buf, generalNames) ?? []) {
      // directoryName is [4] EXPLICIT Name; other GeneralName forms cannot name a certificate issuer here.
      if (gn.tag !== 0xa4) continue;
      const inner = childrenOf(buf, gn)?.[0];
      if (!inner || inner.tag !== TAG.SEQUENCE) return 'issuerSerial directoryName is not a Name';
      directoryNames.push(buf.subarray(inner.start, inner.end));
    }
    id.issuerSerial = { directoryNames, serial: content(buf, serial) };
  }
  return id;
}

function sameName(der: Uint8Array, issuerKey: string): boolean {
  try {
    const parsed = asn1js.fromBER(der);
    if (parsed.offset === -1) return false;
    return nameKeyOf(new pkijs.RelativeDistinguishedNames({ schema: parsed.result })) === issuerKey;
  } catch {
    return false;
  }
}

/** Compare an ESSCertID with the certificate that actually verified the signature. Returns a problem or undefined. */
export async function essMismatch(id: EssCertId, cert: ParsedCertificate): Promise<string | undefined> {
  const hashName = digestNameOf(id.hashOid);
  if (!hashName || hashName === 'MD5' || hashName === 'SHA-224') return `certHash uses unsupported hash ${id.hashOid}`;
  if (id.version === 2 && !ALLOWED_DIGESTS.has(hashName as HashName)) return `certHash uses weak hash ${hashName}`;
  // The SHA-256 case (nearly all) reuses the fingerprint computed when the certificate was parsed.
  const actual = hashName === 'SHA-256' ? fromHex(cert.fingerprint) : await digest(hashName as HashName, cert.der);
  if (!bytesEqual(actual, id.certHash)) {
    return `certHash ${toHex(id.certHash)} ≠ ${hashName} of the signer certificate ${toHex(actual)}`;
  }
  if (id.issuerSerial) {
    if (!bytesEqual(id.issuerSerial.serial, cert.serialBytes)) {
      return `issuerSerial serial ${toHex(id.issuerSerial.serial)} ≠ certificate serial ${toHex(cert.serialBytes)}`;
    }
    const matches = id.issuerSerial.directoryNames.some((n) => bytesEqual(n, cert.issuerDer) || sameName(n, cert.issuerKey));
    if (!matches) return `issuerSerial issuer does not name the certificate issuer (${cert.issuerText})`;
  }
  return undefined;
}

/**
 * The ESS signing-certificate-v2 signed attribute (RFC 5035), mandatory in PAdES/CAdES baseline: it binds the
 * signature to one certificate so a different certificate with the same key cannot be substituted. pkijs has no
 * class for it, so it is written directly:
 *
 *   SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … OPTIONAL }
 *   ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT {id-sha256}, certHash OCTET STRING, issuerSerial OPTIONAL }
 *   IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }
 *
 * hashAlgorithm is omitted because SHA-256 is the DEFAULT and DER forbids encoding a default value.
 * Isomorphic.
 */
import { bufferSource } from '../bytes.js';
import { TAG, octetString, oid, sequence, setOf, tlv } from '../der/der-writer.js';
import { readCertificateFields } from '../identity/certificate-fields.js';
import { OID } from '../oids.js';

/** Builds the complete Attribute (SEQUENCE { attrType, attrValues SET }) for the given certificate. */
export async function signingCertificateV2Attribute(certificate: Uint8Array): Promise<Uint8Array> {
  const { issuerDer, serialNumberDer } = readCertificateFields(certificate);
  const certHash = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bufferSource(certificate)));
  // GeneralNames is a SEQUENCE OF GeneralName; directoryName is [4] and EXPLICIT because Name is a CHOICE.
  const issuerSerial = sequence(sequence(tlv(TAG.CONTEXT_4_CONSTRUCTED, issuerDer)), serialNumberDer);
  const essCertIdV2 = sequence(octetString(certHash), issuerSerial);
  const signingCertificateV2 = sequence(sequence(essCertIdV2));
  return sequence(oid(OID.signingCertificateV2), setOf([signingCertificateV2]));
}

// A v2 CRL (RFC 5280 §5) for the development CA: CRL number, authority key identifier, one entry per revoked
// certificate with its reason code, signed with the CA key (SHA-256). Isomorphic.
import { bufferSource } from '../../signing/bytes.js';
import type { DevCa } from '../../signing/dev-ca/dev-ca.js';
import { x509 } from '../../signing/dev-ca/x509-setup.js';
import { unsignedInteger } from '../../signing/der/der-writer.js';
import { readCertificateFields } from '../../signing/identity/certificate-fields.js';
import { assertKeyAlgorithm } from '../../signing/identity/key-algorithms.js';
import { CRL_REASON_CODES } from '../check/crl-reason.js';
import type { CaState } from './ca-state.js';
import { x509SigningAlgorithm } from './ca-signing.js';

export interface CrlTimes {
  thisUpdate: Date;
  nextUpdate: Date;
  /** Defaults to state.crlNumber. Callers publishing a new CRL take a fresh number first (takeNextCrlNumber). */
  crlNumber?: number;
}

const wholeSeconds = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);

function crlNumberExtension(n: number): x509.Extension {
  const bytes: number[] = [];
  for (let rest = n; bytes.length === 0 || rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  // unsignedInteger adds the 00 sign octet when needed; the extension value is the DER INTEGER.
  return new x509.Extension('2.5.29.20', false, bufferSource(unsignedInteger(Uint8Array.from(bytes))));
}

function checkTime(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError(`${field}: expected a valid Date`);
  return value;
}

/** Builds and signs the CRL; returns its DER. */
export async function buildCrl(ca: DevCa, state: CaState, times: CrlTimes): Promise<Uint8Array> {
  if (!ca || !(ca.certificate instanceof Uint8Array) || !ca.privateKey) throw new TypeError('ca: expected a DevCa');
  const keyAlgorithm = assertKeyAlgorithm(ca.keyAlgorithm, 'ca.keyAlgorithm');
  if (!times || typeof times !== 'object') throw new TypeError('times: expected { thisUpdate, nextUpdate }');
  const thisUpdate = wholeSeconds(checkTime(times.thisUpdate, 'thisUpdate'));
  const nextUpdate = wholeSeconds(checkTime(times.nextUpdate, 'nextUpdate'));
  if (nextUpdate <= thisUpdate) throw new RangeError('nextUpdate: must be later than thisUpdate');
  const crlNumber = times.crlNumber ?? state.crlNumber;
  if (!Number.isSafeInteger(crlNumber) || crlNumber < 0) throw new RangeError('crlNumber: expected a non-negative integer');

  const caCert = new x509.X509Certificate(bufferSource(ca.certificate));
  const keyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const aki = keyId ? new x509.AuthorityKeyIdentifierExtension(keyId) : await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey);
  const entries: x509.X509CrlEntryParams[] = Object.entries(state.revoked)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([serialHex, rec]) => {
      const entry: x509.X509CrlEntryParams = { serialNumber: serialHex, revocationDate: new Date(rec.revokedAt) };
      // RFC 5280 §5.3.1: the reasonCode extension should be absent rather than say "unspecified".
      if (rec.reason !== 'unspecified') entry.reason = CRL_REASON_CODES[rec.reason] as number as x509.X509CrlReason;
      return entry;
    });
  const crl = await x509.X509CrlGenerator.create({
    // The issuer name byte-for-byte as the CA's subject, so name comparison never depends on re-encoding.
    issuer: new x509.Name(bufferSource(readCertificateFields(ca.certificate).subjectDer)),
    thisUpdate,
    nextUpdate,
    signingAlgorithm: x509SigningAlgorithm(keyAlgorithm),
    signingKey: ca.privateKey,
    extensions: [aki, crlNumberExtension(crlNumber)],
    entries,
  });
  return new Uint8Array(crl.rawData);
}

import { createHash } from 'node:crypto';
import { x509 } from '../signing/dev-ca/x509-setup.js';
import type { Kysely } from 'kysely';
import { recordAgencyCertificate, type Database } from '../store/index.js';

/**
 * Records the certificate an agency signs with in the issuer directory, so verifiers can tell that a signature was
 * made by the agency a document names. Called whenever an agency's signing identity is loaded or created; recording
 * the same certificate again does nothing, and old certificates stay listed (their documents stay verifiable).
 */
export async function registerAgencyCertificate(db: Kysely<Database>, agencyId: string, certificateDer: Uint8Array): Promise<void> {
  const cert = new x509.X509Certificate(certificateDer as Uint8Array<ArrayBuffer>);
  await recordAgencyCertificate(db, {
    agencyId,
    certificateSha256: createHash('sha256').update(certificateDer).digest('hex'),
    certificateDer,
    subject: cert.subject,
    notAfter: cert.notAfter,
  });
}

import type { Kysely } from 'kysely';
import { getDocumentById, listDocumentVersions, type Database } from '../store/index.js';
import { isDocumentId } from '../domain/identifiers.js';
import { verifyPdf, type RegistryStatus } from '../verify/index.js';
import { cachingRevocationFetch } from './revocation-fetch.js';
import type { VerificationReport } from '../verify/report.js';

/** One per process: remembered OCSP/CRL answers are shared by every verification. */
const revocationFetch = cachingRevocationFetch();

/** Verification on the server and in the CLI: the browser-safe engine plus this deployment's registry. */
export async function verifyWithRegistry(
  pdf: Uint8Array,
  opts: { db: Kysely<Database>; trustRoots: Uint8Array[]; offline: boolean; publicUrl: string },
): Promise<VerificationReport> {
  const statusLookup = async (documentId: string, pdfSha256: string): Promise<RegistryStatus> => {
    if (!isDocumentId(documentId)) return { found: false };
    const d = await getDocumentById(opts.db, documentId);
    if (!d) return { found: false };
    // Any version the registry issued counts (a holder may keep the PDF from before an archive renewal).
    const versions = await listDocumentVersions(opts.db, documentId);
    const match = versions.find((v) => v.pdfSha256 === pdfSha256);
    return { found: true, status: d.status, pdfSha256: match ? match.pdfSha256 : d.pdfSha256, validUntil: d.validUntil };
  };
  // Online: the registry is asked, and revocation data missing from the document may be fetched from the addresses
  // in the certificates.
  return verifyPdf(pdf, { trustRoots: opts.trustRoots, ...(opts.offline ? {} : { statusLookup, registryBaseUrl: opts.publicUrl, fetchRevocation: revocationFetch }) });
}

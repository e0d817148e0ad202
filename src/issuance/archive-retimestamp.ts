import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../domain/errors.js';
import { appendDss, embedSignature, findSignatureFields, openPdf, prepareSignature, signedRanges } from '../pdf/index.js';
import { signatureTimeStampTokensOf } from '../signing/index.js';
import { x509 } from '../signing/dev-ca/x509-setup.js';
import { readElement } from '../signing/der/der-reader.js';
import { readCmsValidationData } from '../verify/ltv/cms-validation-data.js';
import { parseTimeStampToken } from '../timestamp/index.js';
import {
  appendAuditEvent,
  insertDocumentVersion,
  listDocumentVersions,
  setCurrentVersion,
  withTransaction,
  type BlobStore,
  type Database,
} from '../store/index.js';
import type { Timestamper } from './timestamper.js';
import { pairWithIssuers, uniqueCertificates, type RevocationDataSource } from './validation-data.js';

/**
 * Archive renewal (PAdES B-LTA over decades): before the certificate of a document's newest timestamp expires, add
 * the validation data for that timestamp (DSS) and a new document timestamp over everything. Each document is one
 * transaction and one new version; the registry keeps every version. Re-running after an interruption simply
 * continues: renewed documents no longer qualify.
 */
export interface RetimestampDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  timestamper: Timestamper;
  revocation: RevocationDataSource;
  /** Roots to complete the timestamp certificates' chains in the DSS. */
  trustRoots: Uint8Array[];
}

export interface RetimestampProgress {
  done: number;
  total: number;
  renewed: number;
  skipped: number;
  failed: number;
}

const DOC_TIMESTAMP_ROOM = 16_384;
const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/** The newest RFC 3161 token of a PDF: its last document timestamp, else its signature's timestamp; null if none. */
export function newestTimestampToken(pdf: Uint8Array): Uint8Array | null {
  const sigs = findSignatureFields(openPdf(pdf), { scanAllObjects: false });
  const docTs = sigs.filter((s) => s.type === 'DocTimeStamp').sort((a, b) => a.revision - b.revision);
  const last = docTs[docTs.length - 1];
  // /Contents is zero-padded after the DER token.
  if (last) return last.contents.subarray(0, readElement(last.contents, 0).end);
  for (const s of [...sigs].reverse()) {
    if (s.type !== 'Sig') continue;
    const tokens = signatureTimeStampTokensOf(s.contents);
    if (tokens.length) return tokens[tokens.length - 1]!;
  }
  return null;
}

/** The TSA certificate of a token (the signer's, found by being the one with the timeStamping EKU, else the first). */
function tsaCertificate(token: Uint8Array): { certificate: Uint8Array; all: Uint8Array[] } {
  const certs = parseTimeStampToken(token).certificates;
  const signer = certs.find((c) => {
    const eku = new x509.X509Certificate(new Uint8Array(c)).getExtension(x509.ExtendedKeyUsageExtension);
    return eku?.usages.includes(x509.ExtendedKeyUsage.timeStamping) ?? false;
  });
  if (!signer && !certs[0]) throw new Error('timestamp token carries no certificate');
  return { certificate: signer ?? certs[0]!, all: certs };
}

export const certificateNotAfter = (der: Uint8Array): Date => new x509.X509Certificate(new Uint8Array(der)).notAfter;

/** Refuses to run when the current TSA's own certificate would not outlive the date: renewing would not help. */
export async function checkCurrentTsa(timestamper: Timestamper, before: Date): Promise<Date> {
  const probe = await timestamper.timestamp(sha256(new TextEncoder().encode('ekasarn archive probe')));
  const notAfter = certificateNotAfter(tsaCertificate(probe).certificate);
  if (notAfter <= before) {
    throw new AppError('tsa_expires_too_soon', 409, {
      th: `ใบรับรองของผู้ให้บริการตราประทับเวลาปัจจุบันหมดอายุ ${notAfter.toISOString()} ก่อนวันที่กำหนด จึงต่ออายุไม่ได้`,
      en: `The current TSA certificate expires ${notAfter.toISOString()}, before ${before.toISOString()}: renewing with it would not help`,
    });
  }
  return notAfter;
}

/** Renews one document's PDF; returns the new bytes. */
export async function addArchiveTimestamp(pdf: Uint8Array, deps: Pick<RetimestampDeps, 'timestamper' | 'revocation' | 'trustRoots'>): Promise<Uint8Array> {
  const token = newestTimestampToken(pdf);
  // The validation data the new timestamp will protect: the newest timestamp's authority, and — for a document that
  // never had a DSS (B-B, B-T) — the signer's chain too, so the renewed version really is long-term verifiable.
  const signerCerts = findSignatureFields(openPdf(pdf), { scanAllObjects: false })
    .filter((s) => s.type === 'Sig')
    .flatMap((s) => readCmsValidationData(s.contents.subarray(0, readElement(s.contents, 0).end)).certificates);
  const tsaCerts = token ? tsaCertificate(token).all : [];
  const embedded = uniqueCertificates([...signerCerts, ...tsaCerts]);
  const revocation = await deps.revocation.collect(pairWithIssuers(uniqueCertificates([...embedded, ...deps.trustRoots])));
  const issuersInRoots = deps.trustRoots.filter((r) => pairWithIssuers([...embedded, r]).some((p) => p.issuer === r));
  const out = appendDss(pdf, {
    certificates: uniqueCertificates([...embedded, ...issuersInRoots]),
    crls: revocation.crls,
    ocspResponses: revocation.ocspResponses,
  });
  const ts = prepareSignature(out, { kind: 'timestamp', contentsBytes: DOC_TIMESTAMP_ROOM });
  const docToken = await deps.timestamper.timestamp(sha256(...signedRanges(ts.pdf, ts.byteRange)));
  return embedSignature(ts, docToken);
}

export async function retimestampArchive(
  deps: RetimestampDeps,
  opts: { before: Date; onProgress?: (p: RetimestampProgress) => void; actor?: string },
): Promise<RetimestampProgress> {
  await checkCurrentTsa(deps.timestamper, opts.before);
  const total = Number((await deps.db.selectFrom('documents').select(deps.db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const progress: RetimestampProgress = { done: 0, total, renewed: 0, skipped: 0, failed: 0 };
  let cursor = '';
  for (;;) {
    const batch = await deps.db.selectFrom('documents').select(['id', 'agency_id', 'blob_key']).where('id', '>', cursor).orderBy('id').limit(100).execute();
    if (batch.length === 0) break;
    for (const doc of batch) {
      cursor = doc.id;
      progress.done++;
      const blobKey = doc.blob_key ?? doc.id;
      const pdf = await deps.blobs.get(blobKey);
      if (!pdf) {
        progress.failed++;
        continue;
      }
      const token = newestTimestampToken(pdf);
      // A document without any timestamp has nothing proving when it was signed: it is renewed too.
      if (token && certificateNotAfter(tsaCertificate(token).certificate) > opts.before) {
        progress.skipped++;
        opts.onProgress?.(progress);
        continue;
      }
      const renewed = await addArchiveTimestamp(pdf, deps);
      const version = (await listDocumentVersions(deps.db, doc.id)).length + 1;
      const key = `${doc.id}-v${version}`;
      const pdfSha256 = createHash('sha256').update(renewed).digest('hex');
      await deps.blobs.put(key, renewed);
      try {
        await withTransaction(deps.db, async (trx) => {
          await insertDocumentVersion(trx, { documentId: doc.id, version, blobKey: key, pdfSha256, pdfSize: renewed.length, level: 'B-LTA', reason: 'archive-timestamp' });
          await setCurrentVersion(trx, doc.id, { blobKey: key, pdfSha256, pdfSize: renewed.length });
          await appendAuditEvent(trx, { actor: opts.actor ?? 'cli', action: 'document.archive-timestamp', agencyId: doc.agency_id, documentId: doc.id, details: { version, pdfSha256 } });
        });
      } catch (e) {
        await deps.blobs.delete(key).catch(() => undefined);
        throw e;
      }
      progress.renewed++;
      opts.onProgress?.(progress);
    }
  }
  return progress;
}

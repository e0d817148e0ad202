// Training specimens: documents from an agency's sandbox. They are signed for real (so staff learn the whole flow)
// but by a sandbox key under a training CA that no verifier trusts, carry a visible SPECIMEN watermark, and must
// verify as their own verdict — never VALID, and not confused with a forgery either. Browser-safe.
import type { EmbeddedData } from '../domain/embedded-data.js';
import { makeCheck, type Check, type SignatureReport } from './report.js';

/**
 * Certificate policy (RFC 5280 §4.2.1.4) that marks a signer certificate as a training specimen key. A `2.25` OID is
 * a UUID written as one decimal number (ITU-T X.667), so it needs no registration and collides with nothing:
 * UUID c9893d6a-403f-4251-848d-d3ae4be2a957. Never change it — documents already issued carry it.
 */
export const SPECIMEN_POLICY_OID = '2.25.267887417467441927237817011345163462999';

export const isSpecimenSigner = (s: SignatureReport): boolean => s.signer?.policies?.includes(SPECIMEN_POLICY_OID) === true;

/** Checks whose pass means the signed bytes are exactly what the signer signed (the trust chain aside). */
const INTEGRITY_CHECKS = ['pdf.byte-range', 'cms.message-digest', 'cms.signature'] as const;

function intact(s: SignatureReport): boolean {
  const byId = new Map(s.checks.map((c) => [c.id, c.status]));
  return INTEGRITY_CHECKS.every((id) => byId.get(id) === 'passed') && byId.get('cms.signing-certificate') !== 'failed';
}

/**
 * Is this a training specimen? Yes when a signer certificate carries SPECIMEN_POLICY_OID or the embedded data says
 * `"specimen": true` — either claim can only lower what the document is worth. The verdict SPECIMEN is decided only
 * when every signature is intact and nothing was added after signing: a changed file stays TAMPERED, a broken one
 * MALFORMED. Returns the check to add (failed → SPECIMEN), or undefined for ordinary documents.
 */
export function specimenCheck(signatures: readonly SignatureReport[], coverage: Check, data: EmbeddedData | undefined): Check | undefined {
  const byCertificate = signatures.some(isSpecimenSigner);
  const byData = data?.specimen === true;
  if (!byCertificate && !byData) return undefined;
  const why = [byCertificate ? 'the signer certificate carries the training-specimen policy' : '', byData ? 'the embedded data is marked "specimen"' : '']
    .filter(Boolean)
    .join('; ');
  if (signatures.length === 0 || !signatures.every(intact) || coverage.status !== 'passed') {
    // Other checks already give TAMPERED / MALFORMED / INDETERMINATE; say what the file claims to be all the same.
    return makeCheck('document.specimen', 'warning', `${why}; the signature is not intact, so the file is judged on that`);
  }
  return makeCheck('document.specimen', 'failed', why);
}

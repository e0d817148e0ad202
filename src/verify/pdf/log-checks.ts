import type { EmbeddedData } from '../../domain/embedded-data.js';
import { verifyProofBundle, type ProofBundle } from '../../transparency/index.js';
import { makeCheck, type Check } from '../report.js';

/** Where to find a document's proof of inclusion in the public transparency log, and the log's key. */
export interface TransparencyOptions {
  /** The log's verifier key ("<origin>+<id>+<base64>"), pinned by the verifier (from /log/key or the trust bundle). */
  verifierKey: string;
  /** GET /log/proof/:documentId (or the server's own store); null = not in the log. */
  proofFor: (documentId: string) => Promise<ProofBundle | null>;
}

export interface LogOutcome {
  check: Check;
  /** "Recorded in the public log at index N" for the report. */
  log?: { index: number; treeSize: number; time: string; pdfMatches: boolean };
}

/**
 * Is the document's issuance recorded in the public log? The proof is checked against a checkpoint signed with the
 * pinned key, with nothing but SHA-256 and Ed25519: a registry cannot show one history to this verifier and another
 * to the public without being caught by monitors.
 */
export async function logInclusionCheck(data: EmbeddedData, pdfSha256: string, opts: TransparencyOptions | undefined): Promise<LogOutcome> {
  if (!opts) return { check: makeCheck('log.inclusion', 'skipped', 'no transparency log given') };
  let bundle: ProofBundle | null;
  try {
    bundle = await opts.proofFor(data.id);
  } catch (e) {
    return { check: makeCheck('log.inclusion', 'warning', `log unreachable: ${(e as Error).message}`) };
  }
  if (!bundle) return { check: makeCheck('log.inclusion', 'warning', `document ${data.id} is not (yet) in the public log`) };
  const r = await verifyProofBundle(bundle, opts.verifierKey, { documentId: data.id });
  if (!r.ok) return { check: makeCheck('log.inclusion', 'failed', `the log's proof does not verify: ${r.reason}`) };
  const leaf = r.leaf;
  const mismatch = [
    leaf.kind !== 'issued' ? `leaf kind ${leaf.kind}` : '',
    leaf.agency !== data.issuer.id ? `agency ${leaf.agency} ≠ ${data.issuer.id}` : '',
    leaf.docType !== data.type.id ? `type ${leaf.docType} ≠ ${data.type.id}` : '',
  ].filter(Boolean);
  if (mismatch.length) return { check: makeCheck('log.inclusion', 'failed', `the logged issuance differs from the document: ${mismatch.join('; ')}`) };
  const pdfMatches = leaf.pdfSha256 === pdfSha256;
  return {
    check: makeCheck(
      'log.inclusion',
      'passed',
      `index ${r.index} of ${r.treeSize}, recorded ${leaf.time}${pdfMatches ? ', this very file' : ' (the file issued then; this copy was renewed since)'}`,
    ),
    log: { index: r.index, treeSize: r.treeSize, time: leaf.time, pdfMatches },
  };
}

import type { EmbeddedData } from '../../domain/embedded-data.js';
import { makeCheck, type Check, type SignatureReport } from '../report.js';
import { namesRegistry } from './registry-checks.js';

/**
 * Who may issue what (published by the registry at /api/v1/trust): each agency's signing certificates (SHA-256 of
 * the DER, lowercase hex) and the document types it is entitled to issue. A trusted chain proves a signer is *some*
 * agency; this proves it is *the* agency named in the document, and that the agency may issue that document.
 */
export interface IssuerDirectory {
  agencies: ReadonlyArray<{ id: string; certificates: readonly string[]; types: readonly string[] }>;
}

/**
 * Checks every signer against the issuer named in the embedded data. Skipped without a directory. A directory
 * belongs to one registry (`directoryRegistry`): a document that names another registry in its verifyUrl gets a
 * warning instead — its entitlements are that registry's to publish, and this directory does not know them.
 */
export function issuerCheck(
  data: EmbeddedData,
  signatures: readonly SignatureReport[],
  directory: IssuerDirectory | undefined,
  directoryRegistry?: string,
): Check {
  if (!directory) return makeCheck('issuer.entitled', 'skipped', 'no issuer directory');
  if (directoryRegistry !== undefined && !namesRegistry(data, directoryRegistry)) {
    return makeCheck('issuer.entitled', 'warning', `the document names another registry (${data.verifyUrl}); this directory (${directoryRegistry}) does not know its agencies`);
  }
  const agency = directory.agencies.find((a) => a.id === data.issuer.id);
  if (!agency) return makeCheck('issuer.entitled', 'failed', `agency "${data.issuer.id}" named in the document is not in the issuer directory`);
  for (const s of signatures) {
    const fp = s.signer?.sha256;
    if (!fp) continue; // a signature whose certificate could not be read already fails on its own
    if (!agency.certificates.includes(fp)) {
      const owner = directory.agencies.find((a) => a.certificates.includes(fp));
      return makeCheck(
        'issuer.entitled',
        'failed',
        owner
          ? `signed with a certificate of agency "${owner.id}", but the document names agency "${agency.id}"`
          : `the signing certificate (SHA-256 ${fp}) is not registered to agency "${agency.id}"`,
      );
    }
  }
  if (!agency.types.includes(data.type.id)) {
    return makeCheck('issuer.entitled', 'failed', `agency "${agency.id}" is not entitled to issue documents of type "${data.type.id}"`);
  }
  return makeCheck('issuer.entitled', 'passed', `agency "${agency.id}", type "${data.type.id}"`);
}

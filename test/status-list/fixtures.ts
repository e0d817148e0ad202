import { createDevRootCa, issueAgencySigningCertificate, type DevCa, type IssuedAgencyIdentity } from '../../src/signing/index.js';

/** A development PKI for status-list tests: one trusted root with RSA and P-256 agencies, and a foreign root. */
export interface StatusListPki {
  root: DevCa;
  rsaAgency: IssuedAgencyIdentity;
  ecAgency: IssuedAgencyIdentity;
  /** Same trusted root, a different agency (for directory checks). */
  otherAgency: IssuedAgencyIdentity;
  /** Chains to a root the verifier does not trust. */
  foreignAgency: IssuedAgencyIdentity;
  trustRoots: Uint8Array[];
}

let pki: Promise<StatusListPki> | undefined;

export function statusListPki(): Promise<StatusListPki> {
  pki ??= (async () => {
    const root = await createDevRootCa({ keyAlgorithm: 'P-256' });
    const foreignRoot = await createDevRootCa({ keyAlgorithm: 'P-256', commonName: 'Foreign Test Root' });
    const [rsaAgency, ecAgency, otherAgency, foreignAgency] = await Promise.all([
      issueAgencySigningCertificate(root, { agencyNameEn: 'Demo Agency RSA', keyAlgorithm: 'RSA-2048' }),
      issueAgencySigningCertificate(root, { agencyNameEn: 'Demo Agency EC', keyAlgorithm: 'P-256' }),
      issueAgencySigningCertificate(root, { agencyNameEn: 'Other Agency', keyAlgorithm: 'P-256' }),
      issueAgencySigningCertificate(foreignRoot, { agencyNameEn: 'Demo Agency RSA', keyAlgorithm: 'P-256' }),
    ]);
    return { root, rsaAgency, ecAgency, otherAgency, foreignAgency, trustRoots: [root.certificate] };
  })();
  return pki;
}

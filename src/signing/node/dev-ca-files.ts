/** Node-only: saves and loads a development CA as PEM files (key file mode 0600). */
import { publicKeyOfCertificate, type DevCa } from '../dev-ca/dev-ca.js';
import { encodeCertificatePem } from '../pem.js';
import { loadIdentityFiles, saveIdentityFiles, type IdentityFilePaths } from './identity-files.js';

export const DEV_ROOT_CA_BASENAME = 'dev-root-ca';

export async function saveDevCa(dir: string, ca: DevCa, baseName = DEV_ROOT_CA_BASENAME): Promise<IdentityFilePaths> {
  return saveIdentityFiles(dir, baseName, ca);
}

/**
 * Loads a CA saved by {@link saveDevCa}. The key is imported extractable so the CA can be saved again elsewhere —
 * acceptable for a development CA only.
 */
export async function loadDevCa(dir: string, baseName = DEV_ROOT_CA_BASENAME): Promise<DevCa> {
  const identity = await loadIdentityFiles(dir, baseName, { extractable: true });
  return {
    certificate: identity.certificate,
    certificatePem: encodeCertificatePem(identity.certificate),
    privateKey: identity.privateKey,
    publicKey: await publicKeyOfCertificate(identity.certificate, identity.keyAlgorithm),
    keyAlgorithm: identity.keyAlgorithm,
    chain: identity.chain,
  };
}

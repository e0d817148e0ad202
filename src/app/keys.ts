import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { AppError } from '../domain/errors.js';
import {
  assertKeyAlgorithm,
  createDevRootCa,
  decodeCertificatesPem,
  encodeCertificatePem,
  issueAgencySigningCertificate,
  type SigningIdentity,
} from '../signing/index.js';
import {
  DEV_ROOT_CA_BASENAME,
  identityFilePaths,
  loadDevCa,
  loadIdentityFiles,
  loadPemIdentityFiles,
  loadPkcs12IdentityFile,
  saveDevCa,
  saveIdentityFiles,
} from '../signing/node/index.js';
import { recordIssuedCertificate } from '../revocation/ca/index.js';

/**
 * Where keys live. Development: `<data>/keys/dev-root-ca.*` (the root a demo trusts) and
 * `<data>/keys/agency-<id>.*` (each agency's signing key, issued by that root). Production: a PKCS#12 or PEM identity
 * named by the EKASARN_SIGNING_* variables, used for the agency EKASARN_AGENCY_ID (default: demo).
 */
export const keysDir = (config: Config): string => join(config.dataDir, 'keys');
const agencyBase = (agencyId: string) => `agency-${agencyId}`;

export function hasDevRoot(config: Config): boolean {
  return existsSync(identityFilePaths(keysDir(config), DEV_ROOT_CA_BASENAME).certificateFile);
}

export async function ensureDevRoot(config: Config): Promise<boolean> {
  if (hasDevRoot(config)) return false;
  await saveDevCa(keysDir(config), await createDevRootCa({ keyAlgorithm: 'P-256' }));
  return true;
}

/** Revocation endpoints of the development CA, mounted by the HTTP server under /pki. */
export const DEV_CA_CRL_NAME = 'dev-ca';
export function devCaUrls(config: Config): { crlUrl: string; ocspUrl: string } {
  return { crlUrl: `${config.publicUrl}/pki/crl/${DEV_CA_CRL_NAME}.crl`, ocspUrl: `${config.publicUrl}/pki/ocsp` };
}

/** Can this process load a signing identity for the agency (development key files or the production identity)? */
export function canSignFor(config: Config, agencyId: string): boolean {
  const s = config.signing;
  if (agencyId === productionAgencyId() && (s.p12Path || (s.keyPath && s.certPath))) return true;
  return hasAgencyIdentity(config, agencyId);
}

export function hasAgencyIdentity(config: Config, agencyId: string): boolean {
  return existsSync(identityFilePaths(keysDir(config), agencyBase(agencyId)).keyFile);
}

/** Issues (or replaces) an agency's development signing certificate from the development root. */
export async function createDevAgencyIdentity(
  config: Config,
  agency: { id: string; nameTh: string; nameEn: string },
  algorithm: string,
): Promise<SigningIdentity> {
  await ensureDevRoot(config);
  const ca = await loadDevCa(keysDir(config));
  const identity = await issueAgencySigningCertificate(ca, {
    agencyNameEn: agency.nameEn.slice(0, 64),
    agencyNameTh: agency.nameTh.slice(0, 64),
    keyAlgorithm: assertKeyAlgorithm(algorithm),
    // Where verifiers find this certificate's revocation status: the development CA's endpoints on this server.
    ...devCaUrls(config),
  });
  await saveIdentityFiles(keysDir(config), agencyBase(agency.id), identity);
  await recordIssuedCertificate(keysDir(config), identity.certificate);
  return identity;
}

export function productionAgencyId(): string {
  return process.env.EKASARN_AGENCY_ID ?? 'demo';
}

export async function loadAgencyIdentity(config: Config, agencyId: string): Promise<SigningIdentity> {
  const s = config.signing;
  if (agencyId === productionAgencyId() && s.p12Path) {
    return loadPkcs12IdentityFile(s.p12Path, s.p12Password ?? '');
  }
  if (agencyId === productionAgencyId() && s.keyPath && s.certPath) {
    return loadPemIdentityFiles({ keyFile: s.keyPath, certificateFile: s.certPath, ...(s.chainPath ? { chainFile: s.chainPath } : {}) });
  }
  if (!hasAgencyIdentity(config, agencyId)) {
    throw new AppError('no_signing_key', 503, {
      th: `หน่วยงาน "${agencyId}" ยังไม่มีกุญแจสำหรับลงนาม (ใช้ ekasarn keys create หรือกำหนด EKASARN_SIGNING_*)`,
      en: `Agency "${agencyId}" has no signing key (run ekasarn keys create, or set EKASARN_SIGNING_*)`,
    });
  }
  return loadIdentityFiles(keysDir(config), agencyBase(agencyId));
}

/** Trust roots for verification: the development root (when present) and the configured roots file. */
export async function loadTrustRoots(config: Config, extraPem?: string): Promise<Uint8Array[]> {
  const roots: Uint8Array[] = [];
  const devRoot = identityFilePaths(keysDir(config), DEV_ROOT_CA_BASENAME).certificateFile;
  if (existsSync(devRoot)) roots.push(...decodeCertificatesPem(await readFile(devRoot, 'utf8'), devRoot));
  if (config.trustRootsPath) roots.push(...decodeCertificatesPem(await readFile(config.trustRootsPath, 'utf8'), config.trustRootsPath));
  if (extraPem) roots.push(...decodeCertificatesPem(extraPem, '--trust'));
  return roots;
}

export const rootsToPem = (roots: Uint8Array[]): string => roots.map(encodeCertificatePem).join('');

import { existsSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import { unknownAgency } from '../issuance/issue-document.js';
import type { AgencySigner } from '../issuance/document-pdf.js';
import { bufferSource } from '../signing/bytes.js';
import { encodeCertificatePem, generateSigningKey, PadesSigner, readCertificateFields, type DevCa, type SigningIdentity } from '../signing/index.js';
import { randomSerialHex } from '../signing/dev-ca/random-serial.js';
import { x509 } from '../signing/dev-ca/x509-setup.js';
import { identityFilePaths, loadDevCa, loadIdentityFiles, saveDevCa, saveIdentityFiles } from '../signing/node/index.js';
import { getAgency, type Database } from '../store/index.js';
import { SPECIMEN_POLICY_OID } from '../verify/specimen.js';
import { keysDir } from './keys.js';

/**
 * Keys for the training sandbox. Each deployment has one *training CA*, created on demand next to the other keys
 * (`<data>/keys/training-ca.*`), and each agency a sandbox signing key issued by it (`sandbox-<agency>.*`).
 *
 * The training CA is never a trust root: nothing loads it into a trust store (loadTrustRoots reads only the
 * development root and the configured roots file), so a specimen can never verify as an official document. Its
 * name says so, the sandbox certificates say "(ตัวอย่าง/SPECIMEN)" in their subject, and both carry the SPECIMEN
 * certificate policy, by which verifiers — the browser page included — recognise a specimen without trusting it.
 */
export const TRAINING_CA_BASENAME = 'training-ca';
export const TRAINING_CA_NAME = 'ekasarn training CA — NOT FOR OFFICIAL USE';
const TRAINING_ORGANIZATION = 'ekasarn training sandbox — NOT FOR OFFICIAL USE';
const SPECIMEN_SUFFIX = ' (ตัวอย่าง/SPECIMEN)';
const sandboxBase = (agencyId: string) => `sandbox-${agencyId}`;

const DAY_MS = 86_400_000;
const BACKDATE_MS = 5 * 60_000;
/** A sandbox certificate this close to expiry is replaced rather than used. */
const RENEW_BEFORE_MS = 7 * DAY_MS;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** Names with explicit string types (PrintableString country, UTF8String for Thai), at most 64 characters each. */
function name(parts: { O: string; OU?: string; CN: string }): x509.Name {
  const json: x509.JsonNameParams = [{ C: [{ printableString: 'TH' }] }, { O: [{ utf8String: parts.O.slice(0, 64) }] }];
  if (parts.OU) json.push({ OU: [{ utf8String: parts.OU.slice(0, 64) }] });
  json.push({ CN: [{ utf8String: parts.CN.slice(0, 64) }] });
  return new x509.Name(json);
}

const specimenPolicy = () => new x509.CertificatePolicyExtension([SPECIMEN_POLICY_OID], false);

async function createTrainingCa(): Promise<DevCa> {
  const keys = await generateSigningKey('P-256');
  const notBefore = new Date(Date.now() - BACKDATE_MS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialHex(),
    name: name({ O: TRAINING_ORGANIZATION, CN: TRAINING_CA_NAME }),
    notBefore,
    notAfter: new Date(notBefore.getTime() + 10 * 365 * DAY_MS),
    keys,
    signingAlgorithm: ECDSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      specimenPolicy(),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const der = new Uint8Array(cert.rawData);
  return { certificate: der, certificatePem: encodeCertificatePem(der), privateKey: keys.privateKey, publicKey: keys.publicKey, keyAlgorithm: 'P-256', chain: [] };
}

/**
 * An agency's sandbox certificate. Same profile as the development agency certificates — key usage
 * digitalSignature + nonRepudiation, EKU documentSigning plus emailProtection (NSS-based readers such as poppler
 * reject documentSigning alone, see DEPENDENCIES.md) — plus the SPECIMEN policy, and no revocation pointers: there
 * is nothing to revoke in a certificate nobody trusts.
 */
async function issueSandboxCertificate(ca: DevCa, agency: SandboxAgency): Promise<SigningIdentity> {
  const keys = await generateSigningKey('P-256');
  const caCert = new x509.X509Certificate(bufferSource(ca.certificate));
  const notBefore = new Date(Date.now() - BACKDATE_MS);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject: name({
      O: agency.nameEn.slice(0, 64 - SPECIMEN_SUFFIX.length) + SPECIMEN_SUFFIX,
      OU: TRAINING_ORGANIZATION,
      CN: agency.nameTh.slice(0, 64 - SPECIMEN_SUFFIX.length) + SPECIMEN_SUFFIX,
    }),
    issuer: new x509.Name(bufferSource(readCertificateFields(ca.certificate).subjectDer)),
    notBefore,
    notAfter: new Date(Math.min(notBefore.getTime() + 730 * DAY_MS, caCert.notAfter.getTime())),
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: ECDSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, false),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.emailProtection, '1.3.6.1.5.5.7.3.36'], false),
      specimenPolicy(),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey),
    ],
  });
  return { privateKey: keys.privateKey, certificate: new Uint8Array(cert.rawData), chain: [ca.certificate], keyAlgorithm: 'P-256' };
}

export interface SandboxAgency {
  id: string;
  nameTh: string;
  nameEn: string;
}

// One creation at a time per keys folder and agency within this process (two first requests must not make two CAs).
const caLoads = new Map<string, Promise<DevCa>>();
const identityLoads = new Map<string, Promise<SigningIdentity>>();

/** The deployment's training CA, created on first use. */
export function trainingCa(config: Config): Promise<DevCa> {
  const dir = keysDir(config);
  let p = caLoads.get(dir);
  if (!p) {
    p = (async () => {
      if (existsSync(identityFilePaths(dir, TRAINING_CA_BASENAME).keyFile)) return loadDevCa(dir, TRAINING_CA_BASENAME);
      const ca = await createTrainingCa();
      await saveDevCa(dir, ca, TRAINING_CA_BASENAME);
      return ca;
    })();
    p.catch(() => caLoads.delete(dir));
    caLoads.set(dir, p);
  }
  return p;
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

/** The agency's sandbox identity: the saved one while it is current and from this training CA, else a new one. */
export function sandboxIdentity(config: Config, agency: SandboxAgency): Promise<SigningIdentity> {
  const dir = keysDir(config);
  const key = `${dir}\u0000${agency.id}`;
  let p = identityLoads.get(key);
  if (!p) {
    p = (async () => {
      const ca = await trainingCa(config);
      const base = sandboxBase(agency.id);
      if (existsSync(identityFilePaths(dir, base).keyFile)) {
        const saved = await loadIdentityFiles(dir, base);
        const notAfter = new x509.X509Certificate(bufferSource(saved.certificate)).notAfter.getTime();
        if (sameBytes(saved.chain[0], ca.certificate) && notAfter - Date.now() > RENEW_BEFORE_MS) return saved;
      }
      const identity = await issueSandboxCertificate(ca, agency);
      await saveIdentityFiles(dir, base, identity);
      // Loaded back so the key is non-extractable in memory, like every other signing key.
      return loadIdentityFiles(dir, base);
    })();
    p.catch(() => identityLoads.delete(key));
    identityLoads.set(key, p);
  }
  return p;
}

/** A signer for the agency's specimens, in the shape issuance uses for real documents. */
export async function sandboxSignerFor(config: Config, agency: SandboxAgency): Promise<AgencySigner> {
  const identity = await sandboxIdentity(config, agency);
  return { signer: await PadesSigner.create(identity), chain: identity.chain, identity, signerName: agency.nameTh + SPECIMEN_SUFFIX };
}

/**
 * `sandboxSignerFor(agencyId)` for issueSpecimen's deps: looks the agency up once and keeps its signer.
 * In open-app: `sandboxSignerFor: sandboxSigners(config, database.db)`.
 */
export function sandboxSigners(config: Config, db: Kysely<Database>): (agencyId: string) => Promise<AgencySigner> {
  const signers = new Map<string, Promise<AgencySigner>>();
  return (agencyId) => {
    let p = signers.get(agencyId);
    if (!p) {
      p = (async () => {
        const agency = await getAgency(db, agencyId);
        if (!agency) throw unknownAgency(agencyId);
        return sandboxSignerFor(config, agency);
      })();
      p.catch(() => signers.delete(agencyId));
      signers.set(agencyId, p);
    }
    return p;
  };
}

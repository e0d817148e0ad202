import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { isPadesLevel, type PadesLevel } from '../issuance/sign-pdf.js';
import { inProcessTimestamper, remoteTimestamper, withFailurePolicy, type Timestamper } from '../issuance/timestamper.js';
import { sameBytes, type CertificatePair, type RevocationDataSource } from '../issuance/validation-data.js';
import { createOcspResponder, loadCaState, recordIssuedCertificate } from '../revocation/ca/index.js';
import { buildOcspRequest, fetchRevocationData } from '../revocation/check/index.js';
import { loadDevCa, identityFilePaths, loadIdentityFiles, saveIdentityFiles } from '../signing/node/index.js';
import type { DevCa } from '../signing/index.js';
import { createTimeStampAuthority, issueTsaCertificate, type TimeStampAuthority } from '../timestamp/authority/index.js';
import { createTsaClient } from '../timestamp/node.js';
import { hasDevRoot, keysDir } from './keys.js';

/** The development TSA's key and certificate, next to the development root. */
const DEV_TSA_BASENAME = 'dev-tsa';

export function hasDevTsa(config: Config): boolean {
  return existsSync(identityFilePaths(keysDir(config), DEV_TSA_BASENAME).keyFile);
}

/** Creates the development TSA identity (critical EKU timeStamping) under the development root, once. */
export async function ensureDevTsa(config: Config): Promise<boolean> {
  if (hasDevTsa(config) || !hasDevRoot(config)) return false;
  const ca = await loadDevCa(keysDir(config));
  const identity = await issueTsaCertificate(ca, { keyAlgorithm: 'P-256' });
  await saveIdentityFiles(keysDir(config), DEV_TSA_BASENAME, identity);
  await recordIssuedCertificate(keysDir(config), identity.certificate);
  return true;
}

export async function builtInAuthority(config: Config): Promise<TimeStampAuthority | undefined> {
  if (!hasDevTsa(config)) return undefined;
  return createTimeStampAuthority({ identity: await loadIdentityFiles(keysDir(config), DEV_TSA_BASENAME) });
}

/** The configured TSA: a remote one when EKASARN_TSA_URL is set, else the built-in development TSA, else none. */
export async function configuredTimestamper(config: Config, builtIn: () => Promise<TimeStampAuthority | undefined>): Promise<Timestamper | undefined> {
  const t = config.tsa;
  let inner: Timestamper | undefined;
  if (t.url) {
    const client = createTsaClient({
      url: t.url,
      ...(t.username !== undefined ? { username: t.username, password: t.password ?? '' } : {}),
      ...(t.clientCertPath ? { clientCertificatePem: await readFile(t.clientCertPath, 'utf8') } : {}),
      ...(t.clientKeyPath ? { clientKeyPem: await readFile(t.clientKeyPath, 'utf8') } : {}),
      ...(t.caPath ? { caPem: await readFile(t.caPath, 'utf8') } : {}),
    });
    inner = remoteTimestamper(client);
  } else {
    const authority = await builtIn();
    if (authority) inner = inProcessTimestamper(authority);
  }
  if (!inner) return undefined;
  return withFailurePolicy(inner, t.onFailure === 'wait' ? { kind: 'wait', maxWaitMs: t.waitSeconds * 1000 } : { kind: 'fail' });
}

export function defaultLevel(config: Config, hasTimestamper: boolean): PadesLevel {
  const v = config.signatureLevel;
  if (v !== undefined) {
    if (!isPadesLevel(v)) throw new Error(`EKASARN_SIGNATURE_LEVEL must be B-B, B-T, B-LT or B-LTA, got "${v}"`);
    return v;
  }
  return hasTimestamper ? 'B-LT' : 'B-B';
}

/** How long one OCSP answer is reused for the DSS of further documents (the responder's answers live an hour). */
const OCSP_REUSE_MS = 10 * 60_000;

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * Revocation data for the DSS. Certificates issued by this instance's development CA are answered in-process by its
 * OCSP responder (the server need not be running for `ekasarn issue`); any other certificate's status is fetched
 * from the CRL and OCSP addresses it carries. Answers are reused for a few minutes: every document of an agency
 * carries the same signer and TSA certificates, and asking again per document would only slow issuance down.
 */
export function revocationSource(config: Config): RevocationDataSource {
  let devCa: Promise<DevCa | null> | null = null;
  const getDevCa = () => (devCa ??= hasDevRoot(config) ? loadDevCa(keysDir(config)) : Promise.resolve(null));
  const cache = new Map<string, { at: number; crls: Uint8Array[]; ocspResponses: Uint8Array[] }>();
  return {
    async collect(pairs: CertificatePair[]) {
      const crls: Uint8Array[] = [];
      const ocspResponses: Uint8Array[] = [];
      const ca = await getDevCa();
      const responder = ca ? createOcspResponder(ca, () => loadCaState(keysDir(config))) : null;
      for (const p of pairs) {
        const key = hex(p.certificate);
        const hit = cache.get(key);
        if (hit && Date.now() - hit.at < OCSP_REUSE_MS) {
          crls.push(...hit.crls);
          ocspResponses.push(...hit.ocspResponses);
          continue;
        }
        let got: { crls: Uint8Array[]; ocspResponses: Uint8Array[] };
        if (ca && responder && sameBytes(p.issuer, ca.certificate)) {
          got = { crls: [], ocspResponses: [await responder.respond(await buildOcspRequest(p.certificate, p.issuer))] };
        } else {
          const data = await fetchRevocationData(p.certificate, p.issuer);
          got = { crls: data.crls, ocspResponses: data.ocspResponses };
        }
        cache.set(key, { at: Date.now(), ...got });
        crls.push(...got.crls);
        ocspResponses.push(...got.ocspResponses);
      }
      return { crls, ocspResponses };
    },
  };
}

// Certification path building and validation (a focused subset of RFC 5280 §6 for document signatures):
// signer → intermediates from the CMS → a trusted root. What does not depend on time (which path, its signatures,
// CA flags, key usage, critical extensions) is cached per certificate set; validity periods are checked on every
// call against the requested time, so a cached result never hides an expiry.
import { BoundedCache } from '../bytes.js';
import { makeCheck, type Check } from '../report.js';
import { OID } from './oids.js';
import { KEY_USAGE, type ParsedCertificate } from './parsed-certificate.js';
import type { TrustStore } from './trust-store.js';
import { verifyRawSignature, type RawVerifyResult } from './verify-raw-signature.js';

/** Longer paths than this are not real document-signing hierarchies; the limit also bounds the search. */
const MAX_PATH_LENGTH = 8;

const SIGNING_EKUS = new Set<string>([
  OID.ekuAny,
  OID.ekuEmailProtection,
  OID.ekuDocumentSigning,
  OID.ekuAdobeAuthenticDocuments,
  OID.ekuMicrosoftDocumentSigning,
]);

export interface ChainOutcome {
  /** Signer first; ends with a trust anchor when `trusted`. Just [signer] when no path was found. */
  path: ParsedCertificate[];
  checks: Check[];
}

interface StructuralResult {
  path: ParsedCertificate[];
  trusted: Check;
  caConstraints: Check;
  signerKeyUsage: Check;
  criticalExtensions: Check;
  signerEku: Check;
}

const pathCache = new BoundedCache<string, Promise<StructuralResult>>(4096);
const signatureCache = new BoundedCache<string, Promise<RawVerifyResult>>(4096);

export function clearChainCache(): void {
  pathCache.clear();
  signatureCache.clear();
}

function certSignedBy(child: ParsedCertificate, issuer: ParsedCertificate): Promise<RawVerifyResult> {
  const key = `${child.fingerprint}>${issuer.fingerprint}`;
  let p = signatureCache.get(key);
  if (!p) {
    p = verifyRawSignature({
      spkiDer: issuer.spki,
      spki: issuer.cert.subjectPublicKeyInfo,
      keyId: issuer.fingerprint,
      algorithm: child.cert.signatureAlgorithm,
      signature: child.cert.signatureValue.valueBlock.valueHexView,
      data: child.cert.tbsView,
    });
    signatureCache.set(key, p);
  }
  return p;
}

/** Candidate issuers: trust anchors first (shortest trusted path), then CMS certificates; key-id matches first. */
function candidatesFor(cert: ParsedCertificate, pool: readonly ParsedCertificate[], store: TrustStore, inPath: Set<string>): ParsedCertificate[] {
  const seen = new Set<string>();
  const out: ParsedCertificate[] = [];
  for (const c of [...store.withSubject(cert.issuerKey), ...pool.filter((p) => p.subjectKey === cert.issuerKey)]) {
    if (seen.has(c.fingerprint) || inPath.has(c.fingerprint)) continue;
    seen.add(c.fingerprint);
    out.push(c);
  }
  const rank = (c: ParsedCertificate): number =>
    cert.authorityKeyId && c.subjectKeyId ? (cert.authorityKeyId === c.subjectKeyId ? 0 : 2) : 1;
  return out.sort((a, b) => rank(a) - rank(b));
}

async function findPath(signer: ParsedCertificate, pool: readonly ParsedCertificate[], store: TrustStore): Promise<{ path?: ParsedCertificate[]; problems: string[] }> {
  const problems: string[] = [];
  const walk = async (path: ParsedCertificate[]): Promise<ParsedCertificate[] | undefined> => {
    const current = path[path.length - 1]!;
    if (store.has(current)) return path;
    if (path.length >= MAX_PATH_LENGTH) {
      problems.push(`path longer than ${MAX_PATH_LENGTH} certificates`);
      return undefined;
    }
    const inPath = new Set(path.map((c) => c.fingerprint));
    const candidates = candidatesFor(current, pool, store, inPath);
    if (candidates.length === 0) {
      problems.push(
        current.selfIssued
          ? `"${current.subjectText}" is self-issued and is not one of the trusted roots`
          : `issuer "${current.issuerText}" of "${current.subjectText}" is neither in the signature nor among the trusted roots`,
      );
      return undefined;
    }
    for (const issuer of candidates) {
      const sig = await certSignedBy(current, issuer);
      if (!sig.ok) {
        problems.push(`"${current.subjectText}" is not validly signed by "${issuer.subjectText}" (${issuer.fingerprint.slice(0, 16)}…): ${sig.detail}`);
        continue;
      }
      const found = store.has(issuer) ? [...path, issuer] : await walk([...path, issuer]);
      if (found) return found;
    }
    return undefined;
  };
  const path = await walk([signer]);
  return path ? { path, problems } : { problems };
}

function describe(c: ParsedCertificate): string {
  return `"${c.subjectText}"`;
}

async function structural(signer: ParsedCertificate, pool: readonly ParsedCertificate[], store: TrustStore): Promise<StructuralResult> {
  const { path: found, problems } = await findPath(signer, pool, store);
  const trustedPath = found !== undefined;
  const path = found ?? [signer];

  let trusted: Check;
  if (store.size === 0) {
    trusted = makeCheck('chain.trusted', 'failed', `no trusted roots configured${store.rejected.length ? ': ' + store.rejected.join('; ') : ''}`);
  } else if (trustedPath) {
    trusted = makeCheck('chain.trusted', 'passed', `path: ${path.map(describe).join(' ← issued by ')}`);
  } else {
    const rejected = store.rejected.length ? ` (ignored trust roots: ${store.rejected.join('; ')})` : '';
    trusted = makeCheck('chain.trusted', 'failed', `no path to a trusted root: ${problems.join('; ')}${rejected}`);
  }

  // Issuers must be CAs allowed to sign certificates, within their path-length limits. Trust anchors without
  // basicConstraints (old v1 roots) are accepted: the anchor is trusted by configuration, not by its extensions.
  let caConstraints: Check;
  if (!trustedPath) {
    caConstraints = makeCheck('chain.ca-constraints', 'skipped', 'no path to check');
  } else {
    const bad: string[] = [];
    for (let i = 1; i < path.length; i++) {
      const issuer = path[i]!;
      const isAnchor = i === path.length - 1 && store.has(issuer);
      if (!issuer.isCA && !(isAnchor && !issuer.hasBasicConstraints)) bad.push(`${describe(issuer)} is not a CA (basicConstraints cA is not true)`);
      if (issuer.keyUsage !== undefined && !(issuer.keyUsage & KEY_USAGE.keyCertSign)) bad.push(`${describe(issuer)} keyUsage lacks keyCertSign`);
      if (issuer.pathLen !== undefined) {
        // Intermediate CA certificates strictly between this issuer and the signer (self-issued ones do not count).
        const below = path.slice(1, i).filter((c) => !c.selfIssued).length;
        if (below > issuer.pathLen) bad.push(`${describe(issuer)} allows ${issuer.pathLen} CA(s) below it, found ${below}`);
      }
    }
    caConstraints = bad.length ? makeCheck('chain.ca-constraints', 'failed', bad.join('; ')) : makeCheck('chain.ca-constraints', 'passed');
  }

  let signerKeyUsage: Check;
  if (signer.keyUsage === undefined) {
    signerKeyUsage = makeCheck('chain.signer-key-usage', 'passed', 'no keyUsage extension: usage is unrestricted (RFC 5280 §4.2.1.3)');
  } else if (signer.keyUsage & (KEY_USAGE.digitalSignature | KEY_USAGE.nonRepudiation)) {
    const names = [signer.keyUsage & KEY_USAGE.digitalSignature ? 'digitalSignature' : '', signer.keyUsage & KEY_USAGE.nonRepudiation ? 'nonRepudiation' : '']
      .filter(Boolean)
      .join(', ');
    signerKeyUsage = makeCheck('chain.signer-key-usage', 'passed', `keyUsage: ${names}`);
  } else {
    signerKeyUsage = makeCheck('chain.signer-key-usage', 'failed', 'keyUsage permits neither digitalSignature nor nonRepudiation');
  }
  // A CA key signing documents is legal but unusual; say so for the expert reading the details.
  if (signer.isCA && signerKeyUsage.status === 'passed') signerKeyUsage.detail += '; note: the signer certificate is a CA certificate';

  // Trust anchors are trusted by configuration; their extensions are not processed (RFC 5280 §6.1.1 (d)).
  const toInspect = trustedPath ? path.slice(0, -1) : path;
  const unknown = toInspect.flatMap((c) => c.unknownCriticalExtensions.map((oid) => `${describe(c)}: ${oid}`));
  const criticalExtensions = unknown.length
    ? makeCheck('chain.critical-extensions', 'failed', `unrecognised critical extensions: ${unknown.join('; ')}`)
    : makeCheck('chain.critical-extensions', 'passed');

  let signerEku: Check;
  if (signer.extKeyUsage === undefined) signerEku = makeCheck('chain.signer-eku', 'passed', 'no extendedKeyUsage: not restricted');
  else if (signer.extKeyUsage.some((e) => SIGNING_EKUS.has(e))) signerEku = makeCheck('chain.signer-eku', 'passed', `extendedKeyUsage: ${signer.extKeyUsage.join(', ')}`);
  else signerEku = makeCheck('chain.signer-eku', 'warning', `extendedKeyUsage ${signer.extKeyUsage.join(', ')} has no document-signing purpose`);

  return { path, trusted, caConstraints, signerKeyUsage, criticalExtensions, signerEku };
}

function validityCheck(path: readonly ParsedCertificate[], at: Date): Check {
  const t = at.getTime();
  const bad: string[] = [];
  for (const c of path) {
    if (t < c.notBefore.getTime()) bad.push(`${describe(c)} is not valid before ${c.notBefore.toISOString()}`);
    else if (t > c.notAfter.getTime()) bad.push(`${describe(c)} expired at ${c.notAfter.toISOString()}`);
  }
  const when = `checked at ${at.toISOString()}`;
  return bad.length ? makeCheck('chain.validity', 'failed', `${bad.join('; ')} (${when})`) : makeCheck('chain.validity', 'passed', when);
}

/**
 * Validate the signer's certification path. Never throws for certificate problems; they become checks.
 * Cache key: the signer, the set of certificates offered by the CMS and the trust-store identity.
 */
export async function validateChain(signer: ParsedCertificate, pool: readonly ParsedCertificate[], store: TrustStore, at: Date): Promise<ChainOutcome> {
  const key = `${signer.fingerprint}|${pool.map((c) => c.fingerprint).sort().join(',')}|${store.id}`;
  let p = pathCache.get(key);
  if (!p) {
    p = structural(signer, pool, store);
    p.catch(() => pathCache.delete(key));
    pathCache.set(key, p);
  }
  const s = await p;
  // Copies, so callers may annotate checks without corrupting the cache.
  const checks = [s.trusted, s.caConstraints, s.signerKeyUsage, s.criticalExtensions, validityCheck(s.path, at), s.signerEku].map((c) => ({ ...c }));
  return { path: s.path, checks };
}

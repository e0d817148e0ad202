// The status list credential secured as a compact JWS (RFC 7515) the way VC-JOSE-COSE secures a credential: the
// payload is the credential JSON itself, protected header typ "vc+jwt" and cty "vc" (the media types of the W3C
// Recommendation), alg RS256 or ES256, and the agency certificate with its chain in x5c (standard base64 DER,
// RFC 7515 §4.1.6). Verification trusts nothing in the header but the certificates, and those only after the
// signature verifies with the first one and it chains to the configured roots (the verify engine's validateChain).
// Browser-safe: WebCrypto only.
import { validateChain } from '../verify/cms/chain.js';
import { getParsedCertificate, summarizeCertificate, type ParsedCertificate } from '../verify/cms/parsed-certificate.js';
import { resolveTrustStore, type TrustStore } from '../verify/cms/trust-store.js';
import type { SignerSummary } from '../verify/report.js';
import { base64Decode, base64Encode, base64UrlDecode, base64UrlEncode } from './base64.js';

export const JWS_TYP = 'vc+jwt';
export const JWS_CTY = 'vc';
export type JwsAlg = 'RS256' | 'ES256';
export const JWS_ALGS: readonly JwsAlg[] = ['RS256', 'ES256'];
/** A list of 16 MiB (the inflate limit) that does not compress at all, in base64url, plus room for the header. */
export const MAX_JWS_LENGTH = 24 * 1024 * 1024;
const MAX_X5C = 10;
const MIN_RSA_BITS = 2048;

export interface JwsHeader {
  alg: JwsAlg;
  typ: string;
  cty?: string;
  /** Signer certificate first, then each certificate certifying the one before it (standard base64 DER). */
  x5c: string[];
}

/** What signs a list: the agency's key and certificate (a SigningIdentity fits). */
export interface StatusListSigner {
  privateKey: CryptoKey;
  certificate: Uint8Array;
  /** Certificates above the signer, issuer first (may end with the root). */
  chain?: readonly Uint8Array[];
}

const subtle = (): SubtleCrypto => {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto (crypto.subtle) is not available in this environment');
  return s;
};
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** JWS algorithm for a WebCrypto private key: RSA PKCS#1 v1.5 with SHA-256 → RS256, ECDSA P-256 → ES256. */
export function jwsAlgOf(key: CryptoKey): JwsAlg {
  const alg = key?.algorithm as (KeyAlgorithm & { hash?: { name?: string }; namedCurve?: string }) | undefined;
  if (alg?.name === 'RSASSA-PKCS1-v1_5' && alg.hash?.name === 'SHA-256') return 'RS256';
  if (alg?.name === 'ECDSA' && alg.namedCurve === 'P-256') return 'ES256';
  throw new Error(
    `privateKey: expected an RSASSA-PKCS1-v1_5/SHA-256 or ECDSA P-256 CryptoKey, got ${alg?.name ?? typeof key}${alg?.namedCurve ? ' ' + alg.namedCurve : ''}${alg?.hash?.name ? ' ' + alg.hash.name : ''}`,
  );
}

const signParams = (alg: JwsAlg): AlgorithmIdentifier | EcdsaParams => (alg === 'RS256' ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash: 'SHA-256' });

/**
 * Sign `credential` (any JSON object; normally from buildStatusListCredential) as a compact JWS.
 * ES256 signatures come out of WebCrypto as raw r‖s, which is exactly the JWS form (RFC 7518 §3.4).
 */
export async function signStatusListCredential(credential: object, signer: StatusListSigner): Promise<string> {
  if (!credential || typeof credential !== 'object' || Array.isArray(credential)) throw new TypeError('credential: expected a JSON object');
  if (!signer || !(signer.certificate instanceof Uint8Array)) throw new TypeError('signer.certificate: expected DER bytes (Uint8Array)');
  if (signer.privateKey?.type !== 'private' || !signer.privateKey.usages.includes('sign')) throw new TypeError('signer.privateKey: expected a private CryptoKey usable for signing');
  const chain = signer.chain ?? [];
  if (!Array.isArray(chain) || !chain.every((c) => c instanceof Uint8Array)) throw new TypeError('signer.chain: expected an array of DER certificates');
  const alg = jwsAlgOf(signer.privateKey);
  const header: JwsHeader = { alg, typ: JWS_TYP, cty: JWS_CTY, x5c: [signer.certificate, ...chain].map(base64Encode) };
  const signingInput = `${base64UrlEncode(utf8.encode(JSON.stringify(header)))}.${base64UrlEncode(utf8.encode(JSON.stringify(credential)))}`;
  const signature = new Uint8Array(await subtle().sign(signParams(alg), signer.privateKey, utf8.encode(signingInput)));
  return `${signingInput}.${base64UrlEncode(signature)}`;
}

export interface VerifiedStatusListJws {
  ok: true;
  header: JwsHeader;
  /** The parsed payload (check it with parseStatusListCredential). */
  payload: unknown;
  signer: SignerSummary;
  /** SHA-256 of the signer certificate DER, lowercase hex: compare with the issuer directory. */
  signerSha256: string;
  /** Subjects from the signer up to the trust anchor. */
  chain: string[];
  /** Non-fatal findings from chain validation (e.g. no document-signing EKU). */
  warnings: string[];
}

export interface RejectedStatusListJws {
  ok: false;
  reason: 'malformed' | 'unsupported' | 'bad-signature' | 'untrusted';
  detail: string;
  signerSha256?: string;
}

export type StatusListJwsResult = VerifiedStatusListJws | RejectedStatusListJws;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function decodeJsonPart(part: string, what: string): unknown {
  const bytes = base64UrlDecode(part, what);
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new Error(`${what}: not UTF-8`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what}: not JSON (${(e as Error).message})`);
  }
}

async function importLeafKey(alg: JwsAlg, leaf: ParsedCertificate): Promise<CryptoKey | string> {
  const params: RsaHashedImportParams | EcKeyImportParams = alg === 'RS256' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: 'P-256' };
  let key: CryptoKey;
  try {
    key = await subtle().importKey('spki', leaf.spki as Uint8Array<ArrayBuffer>, params, false, ['verify']);
  } catch (e) {
    return `the x5c[0] public key is not usable for ${alg} (${alg === 'RS256' ? 'RSA' : 'EC P-256'} expected): ${(e as Error).message}`;
  }
  if (alg === 'RS256') {
    const bits = (key.algorithm as RsaHashedKeyAlgorithm).modulusLength;
    if (bits < MIN_RSA_BITS) return `RSA key of ${bits} bits (minimum ${MIN_RSA_BITS})`;
  }
  return key;
}

/**
 * Verify a status list JWS: structure, accepted algorithm, signature by the x5c[0] certificate, and that
 * certificate's path to `trustRoots` at `now` (validateChain: trusted path, CA constraints, key usage permitting
 * digitalSignature or nonRepudiation, critical extensions, validity). Never throws for bad input.
 */
export async function verifyStatusListJws(jws: unknown, options: { trustRoots: readonly Uint8Array[] | TrustStore; now?: Date }): Promise<StatusListJwsResult> {
  const reject = (reason: RejectedStatusListJws['reason'], detail: string, signerSha256?: string): RejectedStatusListJws =>
    signerSha256 ? { ok: false, reason, detail, signerSha256 } : { ok: false, reason, detail };
  const now = options.now ?? new Date();
  if (typeof jws !== 'string') return reject('malformed', `status list: expected a compact JWS string, got ${typeof jws}`);
  if (jws.length > MAX_JWS_LENGTH) return reject('malformed', `status list: ${jws.length} characters, more than the ${MAX_JWS_LENGTH} accepted`);
  const parts = jws.trim().split('.');
  if (parts.length !== 3) return reject('malformed', `status list: a compact JWS has 3 dot-separated parts, found ${parts.length}`);
  const [h, p, s] = parts as [string, string, string];
  if (!h || !p || !s) return reject('malformed', 'status list: empty JWS header, payload or signature');

  let header: unknown;
  try {
    header = decodeJsonPart(h, 'JWS header');
  } catch (e) {
    return reject('malformed', (e as Error).message);
  }
  if (!isObject(header)) return reject('malformed', 'JWS header: expected a JSON object');
  const alg = header.alg;
  if (typeof alg !== 'string' || !(JWS_ALGS as readonly string[]).includes(alg)) {
    return reject('unsupported', `JWS header alg: ${JSON.stringify(alg)} is not accepted (only ${JWS_ALGS.join(', ')})`);
  }
  // RFC 7515 §4.1.11: extensions listed in crit must be understood; we understand none.
  if (header.crit !== undefined) return reject('unsupported', `JWS header crit: extensions ${JSON.stringify(header.crit)} are not supported`);
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase().replace(/^application\//, '') : header.typ;
  if (typ !== JWS_TYP) return reject('malformed', `JWS header typ: expected "${JWS_TYP}", got ${JSON.stringify(header.typ)}`);
  const x5c = header.x5c;
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > MAX_X5C || !x5c.every((c) => typeof c === 'string')) {
    return reject('malformed', `JWS header x5c: expected 1 to ${MAX_X5C} base64 DER certificates`);
  }
  const certs: ParsedCertificate[] = [];
  for (let i = 0; i < x5c.length; i++) {
    try {
      certs.push(await getParsedCertificate(base64Decode(x5c[i] as string, `x5c[${i}]`)));
    } catch (e) {
      return reject('malformed', `JWS header x5c[${i}]: not a DER certificate (${(e as Error).message})`);
    }
  }
  const leaf = certs[0]!;

  let signature: Uint8Array;
  try {
    signature = base64UrlDecode(s, 'JWS signature');
  } catch (e) {
    return reject('malformed', (e as Error).message);
  }
  if (alg === 'ES256' && signature.length !== 64) return reject('bad-signature', `ES256 signature is ${signature.length} bytes, expected 64 (r‖s)`, leaf.fingerprint);
  const key = await importLeafKey(alg as JwsAlg, leaf);
  if (typeof key === 'string') return reject('unsupported', key, leaf.fingerprint);
  const verifyParams = alg === 'RS256' ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash: 'SHA-256' };
  let valid: boolean;
  try {
    valid = await subtle().verify(verifyParams, key, signature as Uint8Array<ArrayBuffer>, utf8.encode(`${h}.${p}`));
  } catch (e) {
    return reject('bad-signature', `${alg} verification error: ${(e as Error).message}`, leaf.fingerprint);
  }
  if (!valid) return reject('bad-signature', `${alg} signature does not verify with the x5c[0] certificate "${leaf.subjectText}"`, leaf.fingerprint);

  let payload: unknown;
  try {
    payload = decodeJsonPart(p, 'JWS payload');
  } catch (e) {
    return reject('malformed', (e as Error).message, leaf.fingerprint);
  }

  const store = await resolveTrustStore(options.trustRoots);
  const { path, checks } = await validateChain(leaf, certs.slice(1), store, now);
  const failed = checks.filter((c) => c.status === 'failed');
  if (failed.length) {
    return reject('untrusted', `signer certificate "${leaf.subjectText}": ${failed.map((c) => `${c.id}: ${c.detail ?? 'failed'}`).join('; ')}`, leaf.fingerprint);
  }
  const warnings = checks.filter((c) => c.status === 'warning').map((c) => `${c.id}: ${c.detail ?? ''}`);
  const verifiedHeader: JwsHeader = { alg: alg as JwsAlg, typ: header.typ as string, x5c: x5c as string[] };
  if (typeof header.cty === 'string') verifiedHeader.cty = header.cty;
  return {
    ok: true,
    header: verifiedHeader,
    payload,
    signer: summarizeCertificate(leaf),
    signerSha256: leaf.fingerprint,
    chain: path.map((c) => c.subjectText),
    warnings,
  };
}

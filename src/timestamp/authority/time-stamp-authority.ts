/**
 * The built-in RFC 3161 time-stamping authority. It answers DER TimeStampReq with DER TimeStampResp: granted with a
 * token, or rejection with the PKIFailureInfo that names the problem. Isomorphic (WebCrypto + byte assembly), so
 * it can run in a worker as well as behind src/timestamp/server.ts.
 *
 * Speed: everything that does not change per token (algorithm identifiers, signer identifier, certificates, the
 * contentType and signing-certificate-v2 attributes, the policy) is encoded once in createTimeStampAuthority; per
 * token only the TSTInfo, its digest, the signature and a few concatenations are produced — the same approach as
 * src/signing/cms/pades-signer.ts.
 */
import { bufferSource } from '../../signing/bytes.js';
import { ecdsaRawToDer } from '../../signing/cms/ecdsa-signature.js';
import { signingCertificateV2Attribute } from '../../signing/cms/signing-certificate-v2.js';
import { TAG, concatBytes, octetString, oid, sequence, setOf, tlv } from '../../signing/der/der-writer.js';
import { readCertificateFields } from '../../signing/identity/certificate-fields.js';
import { isRsa, signParams } from '../../signing/identity/key-algorithms.js';
import type { SigningIdentity } from '../../signing/identity/signing-identity.js';
import { getParsedCertificate } from '../../verify/cms/parsed-certificate.js';
import { encodeUnsignedBigInt, generalizedTime, singleBitString } from '../der-values.js';
import { TimestampError } from '../errors.js';
import { FAILURE_BIT_OF, TSP_OID, type FailureName } from '../oids.js';
import { RequestRejection, assertPolicyOid, parseTimeStampRequest } from '../request.js';

/**
 * Our TSA policy OID. PLACEHOLDER: 1.3.6.1.4.1.99999 is not a registered private-enterprise arc; replace it with an
 * OID under ekasarn's (or the operating agency's) own arc once one is registered, and publish the policy text.
 */
export const DEFAULT_TSA_POLICY = '1.3.6.1.4.1.99999.3161.1';

/** ETSI EN 319 422 asks for an accuracy of one second or better; an NTP-disciplined clock meets it. */
export const DEFAULT_ACCURACY_MS = 1000;

/** RFC 3161 §2.4.2: serial numbers up to 160 bits must be supported; we never issue larger ones. */
const MAX_SERIAL = (1n << 160n) - 1n;

export interface TimeStampAuthorityOptions {
  /** The TSA key and certificate (issueTsaCertificate or a real one: critical EKU id-kp-timeStamping). */
  identity: SigningIdentity;
  /** Policy OID written into every token; requests asking for another policy are rejected (unacceptedPolicy). */
  policy?: string;
  /** Accuracy claimed in the token, in milliseconds (0 omits the field). Default DEFAULT_ACCURACY_MS. */
  accuracyMs?: number;
  /** Time source. Default: the system clock (keep it NTP-synchronised). */
  clock?: () => Date;
  /**
   * Returns a serial number that was never returned before and is larger than every earlier one. Production: back
   * it by a persisted counter (a database sequence). Default: an in-memory counter seeded from the clock, so it keeps
   * increasing across restarts as long as the clock does and fewer than 65,536 tokens are issued per millisecond.
   */
  nextSerial?: () => Promise<bigint>;
  /** Put the TSA name (directoryName of its certificate subject) into each TSTInfo. Default false. */
  includeTsaName?: boolean;
  /** Called when a token could not be produced (the client then receives systemFailure). */
  onError?: (error: unknown) => void;
}

export interface TimeStampAuthority {
  readonly policy: string;
  /** DER of the TSA certificate. */
  readonly certificate: Uint8Array;
  /** Answers a DER TimeStampReq with a DER TimeStampResp. Never throws: failures become rejection responses. */
  respond(requestDer: Uint8Array): Promise<Uint8Array>;
}

const VERSION_1 = Uint8Array.of(TAG.INTEGER, 1, 1);
/** SignedData version 3: eContentType is not id-data (RFC 5652 §5.1). */
const VERSION_3 = Uint8Array.of(TAG.INTEGER, 1, 3);
const GRANTED_STATUS = sequence(Uint8Array.of(TAG.INTEGER, 1, 0));
const SHA256_LENGTH = 32;

function accuracyDer(ms: number): Uint8Array | undefined {
  if (ms === 0) return undefined;
  const seconds = Math.floor(ms / 1000);
  const millis = ms % 1000;
  const parts: Uint8Array[] = [];
  if (seconds > 0) parts.push(encodeUnsignedBigInt(BigInt(seconds)));
  // millis is [0] IMPLICIT INTEGER (1..999): the INTEGER's content octets under a context tag.
  if (millis > 0) parts.push(tlv(0x80, encodeUnsignedBigInt(BigInt(millis)).subarray(2)));
  return sequence(...parts);
}

/** A rejection TimeStampResp: status 2 (rejection), a statusString and one failInfo bit. */
export function rejectionResponse(failure: FailureName, text: string): Uint8Array {
  const statusString = sequence(tlv(0x0c, new TextEncoder().encode(text.slice(0, 500))));
  return sequence(sequence(Uint8Array.of(TAG.INTEGER, 1, 2), statusString, singleBitString(FAILURE_BIT_OF[failure])));
}

/**
 * RFC 3161 §2.3: the TSA certificate must carry exactly one extended key usage, id-kp-timeStamping, marked
 * critical. Refusing other certificates here (as OpenSSL's TSA does) means we never hand out tokens that every
 * verifier would reject.
 */
async function assertTsaCertificate(certificate: Uint8Array): Promise<void> {
  let cert;
  try {
    cert = await getParsedCertificate(certificate);
  } catch (e) {
    throw new TimestampError('invalid_input', `identity.certificate: not a DER certificate (${(e as Error).message})`);
  }
  const eku = (cert.cert.extensions ?? []).find((e) => e.extnID === TSP_OID.extKeyUsage);
  const purposes = cert.extKeyUsage ?? [];
  if (!eku || !eku.critical || purposes.length !== 1 || purposes[0] !== TSP_OID.kpTimeStamping) {
    throw new TimestampError(
      'invalid_input',
      `identity.certificate: not a time-stamping certificate — it needs a critical extendedKeyUsage with only id-kp-timeStamping (has ${eku ? `${eku.critical ? 'critical' : 'non-critical'} ${purposes.join(', ')}` : 'none'})`,
    );
  }
}

function inMemorySerials(clock: () => Date): () => Promise<bigint> {
  let last = 0n;
  return async () => {
    const seed = BigInt(clock().getTime()) << 16n;
    last = seed > last ? seed : last + 1n;
    return last;
  };
}

export async function createTimeStampAuthority(options: TimeStampAuthorityOptions): Promise<TimeStampAuthority> {
  if (!options || typeof options !== 'object') throw new TimestampError('invalid_input', 'options: expected { identity, policy?, accuracyMs?, clock?, nextSerial? }');
  const identity = options.identity;
  if (!identity || !(identity.certificate instanceof Uint8Array) || !identity.privateKey) {
    throw new TimestampError('invalid_input', 'identity: expected a SigningIdentity { privateKey, certificate, chain, keyAlgorithm }');
  }
  await assertTsaCertificate(identity.certificate);
  const policy = assertPolicyOid(options.policy ?? DEFAULT_TSA_POLICY, 'policy');
  const accuracyMs = options.accuracyMs ?? DEFAULT_ACCURACY_MS;
  if (!Number.isInteger(accuracyMs) || accuracyMs < 0 || accuracyMs > 3_600_000) {
    throw new TimestampError('invalid_input', `accuracyMs: expected an integer from 0 to 3600000, got ${JSON.stringify(options.accuracyMs)}`);
  }
  for (const f of ['clock', 'nextSerial', 'onError'] as const) {
    if (options[f] !== undefined && typeof options[f] !== 'function') throw new TimestampError('invalid_input', `${f}: expected a function`);
  }
  const clock = options.clock ?? (() => new Date());
  const nextSerial = options.nextSerial ?? inMemorySerials(clock);

  const fields = readCertificateFields(identity.certificate);
  const keyAlgorithm = identity.keyAlgorithm;
  const rsa = isRsa(keyAlgorithm);
  const signAlgorithm = signParams(keyAlgorithm);
  const chain = (identity.chain ?? []).filter((c) => !readCertificateFields(c).selfIssued);

  // Constant parts, encoded once.
  const policyDer = oid(policy);
  const accuracy = accuracyDer(accuracyMs);
  const tsaName = options.includeTsaName ? tlv(TAG.CONTEXT_0_CONSTRUCTED, tlv(TAG.CONTEXT_4_CONSTRUCTED, fields.subjectDer)) : undefined;
  const digestAlgorithmId = sequence(oid(TSP_OID.sha256));
  const signatureAlgorithmId = rsa ? sequence(oid(TSP_OID.sha256WithRSAEncryption), Uint8Array.of(TAG.NULL, 0)) : sequence(oid(TSP_OID.ecdsaWithSHA256));
  const sid = sequence(fields.issuerDer, fields.serialNumberDer);
  const tstInfoOid = oid(TSP_OID.tstInfo);
  const constantAttributes = [sequence(oid(TSP_OID.contentType), setOf([tstInfoOid])), await signingCertificateV2Attribute(identity.certificate)];
  const mdOid = oid(TSP_OID.messageDigest);
  const messageDigestPrefix = concatBytes([
    Uint8Array.of(TAG.SEQUENCE, mdOid.length + 4 + SHA256_LENGTH),
    mdOid,
    Uint8Array.of(TAG.SET, 2 + SHA256_LENGTH, TAG.OCTET_STRING, SHA256_LENGTH),
  ]);
  const digestAlgorithms = setOf([digestAlgorithmId]);
  const certificatesField = tlv(TAG.CONTEXT_0_CONSTRUCTED, concatBytes([identity.certificate, ...chain]));
  const signedDataOid = oid(TSP_OID.signedData);
  const subtle = globalThis.crypto.subtle;

  async function grant(requestDer: Uint8Array): Promise<Uint8Array> {
    const request = parseTimeStampRequest(requestDer);
    if (request.policy !== undefined && request.policy !== policy) {
      throw new RequestRejection('unacceptedPolicy', `policy ${request.policy} is not offered (this TSA issues under ${policy})`);
    }
    const serial = await nextSerial();
    if (typeof serial !== 'bigint' || serial <= 0n || serial > MAX_SERIAL) throw new Error(`nextSerial returned ${String(serial)}; expected a positive bigint below 2^160`);
    const genTime = clock();

    const tstInfo = sequence(
      VERSION_1,
      policyDer,
      request.messageImprintDer,
      encodeUnsignedBigInt(serial),
      generalizedTime(genTime),
      ...(accuracy ? [accuracy] : []),
      // ordering DEFAULT FALSE: omitted.
      ...(request.nonceDer ? [request.nonceDer] : []),
      ...(tsaName ? [tsaName] : []),
    );
    const contentDigest = new Uint8Array(await subtle.digest('SHA-256', bufferSource(tstInfo)));
    const signedAttrs = setOf([...constantAttributes, concatBytes([messageDigestPrefix, contentDigest])]);
    const raw = new Uint8Array(await subtle.sign(signAlgorithm, identity.privateKey, bufferSource(signedAttrs)));
    const signature = rsa ? raw : ecdsaRawToDer(raw);
    const signerInfo = sequence(
      VERSION_1,
      sid,
      digestAlgorithmId,
      // In the SignerInfo the signed attributes carry [0] IMPLICIT instead of the SET tag that was signed.
      concatBytes([Uint8Array.of(TAG.CONTEXT_0_CONSTRUCTED), signedAttrs.subarray(1)]),
      signatureAlgorithmId,
      octetString(signature),
    );
    const encapContentInfo = sequence(tstInfoOid, tlv(TAG.CONTEXT_0_CONSTRUCTED, octetString(tstInfo)));
    const signedData = request.certReq
      ? sequence(VERSION_3, digestAlgorithms, encapContentInfo, certificatesField, tlv(TAG.SET, signerInfo))
      : sequence(VERSION_3, digestAlgorithms, encapContentInfo, tlv(TAG.SET, signerInfo));
    const token = sequence(signedDataOid, tlv(TAG.CONTEXT_0_CONSTRUCTED, signedData));
    return sequence(GRANTED_STATUS, token);
  }

  return {
    policy,
    certificate: identity.certificate,
    async respond(requestDer: Uint8Array): Promise<Uint8Array> {
      try {
        return await grant(requestDer);
      } catch (error) {
        if (error instanceof RequestRejection) return rejectionResponse(error.failure, error.message);
        options.onError?.(error);
        return rejectionResponse('systemFailure', 'the time-stamping authority could not issue a token');
      }
    },
  };
}

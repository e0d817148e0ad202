// An OCSP responder (RFC 6960) for the development CA: the CA signs its own answers (no delegated responder),
// responderID byKey, status per CertID from the CA state, nonce echoed. Isomorphic: the HTTP side is elsewhere.
import * as pkijs from 'pkijs';
import type { DevCa } from '../../signing/dev-ca/dev-ca.js';
import { octetString, oid, sequence, tlv, TAG } from '../../signing/der/der-writer.js';
import { assertKeyAlgorithm } from '../../signing/identity/key-algorithms.js';
import { bytesEqual, digest } from '../../verify/bytes.js';
import { getParsedCertificate, type ParsedCertificate } from '../../verify/cms/parsed-certificate.js';
import { certIdInfo, issuerHashes, publicKeyBits, type IssuerHashes } from '../check/cert-id.js';
import { CRL_REASON_CODES } from '../check/crl-reason.js';
import { parseDer } from '../check/der-values.js';
import { REVOCATION_OID, type CertIdHash } from '../check/revocation-oids.js';
import type { CaState } from './ca-state.js';
import { signatureAlgorithmDer, signWithCaKey } from './ca-signing.js';

export interface OcspResponder {
  /** Answers one DER OCSPRequest with a DER OCSPResponse. Never throws: problems become error statuses. */
  respond(requestDer: Uint8Array): Promise<Uint8Array>;
}

export interface OcspResponderOptions {
  /** How long a "good"/"revoked" answer may be relied on (nextUpdate − thisUpdate). Default 1 hour. */
  validityMs?: number;
  /** Put the CA certificate in the response (helps clients that only know the root). Default true. */
  includeCaCertificate?: boolean;
  /** Most CertIDs accepted in one request. Default 64. */
  maxRequests?: number;
  /** Told about internal failures (the client only sees the internalError status). */
  onError?: (error: unknown) => void;
}

const STATUS = { successful: 0, malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6 } as const;

/** An OCSPResponse without responseBytes: only the error status (RFC 6960 §4.2.1). */
export const errorResponse = (status: Exclude<keyof typeof STATUS, 'successful'>): Uint8Array => sequence(Uint8Array.of(0x0a, 1, STATUS[status]));

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** GeneralizedTime in UTC with whole seconds, the form RFC 5280 §4.1.2.5.2 prescribes. */
function generalizedTime(d: Date): Uint8Array {
  const s = `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  return tlv(0x18, new TextEncoder().encode(s));
}

function certStatusDer(state: CaState, serialHex: string, known: boolean): Uint8Array {
  const unknown = Uint8Array.of(0x82, 0); // unknown [2] IMPLICIT NULL
  if (!known) return unknown;
  const revoked = state.revoked[serialHex];
  if (revoked) {
    const parts = [generalizedTime(new Date(revoked.revokedAt))];
    // revocationReason [0] EXPLICIT CRLReason: omitted for "unspecified", as on the CRL.
    if (revoked.reason !== 'unspecified') parts.push(tlv(0xa0, Uint8Array.of(0x0a, 1, CRL_REASON_CODES[revoked.reason])));
    return tlv(0xa1, ...parts); // revoked [1] IMPLICIT RevokedInfo
  }
  if (state.issued[serialHex]) return Uint8Array.of(0x80, 0); // good [0] IMPLICIT NULL
  return unknown;
}

function checkDevCa(ca: DevCa): void {
  if (!ca || !(ca.certificate instanceof Uint8Array) || !ca.privateKey) throw new TypeError('ca: expected a DevCa');
  assertKeyAlgorithm(ca.keyAlgorithm, 'ca.keyAlgorithm');
}

/**
 * `state` may be a snapshot or a function returning the current state (read on every request, so a revocation made
 * by another process — `ekasarn ca revoke` — shows up immediately).
 */
export function createOcspResponder(ca: DevCa, state: CaState | (() => CaState | Promise<CaState>), options: OcspResponderOptions = {}): OcspResponder {
  checkDevCa(ca);
  const validityMs = options.validityMs ?? 3_600_000;
  if (!Number.isFinite(validityMs) || validityMs < 1000) throw new RangeError('validityMs: expected at least 1000 milliseconds');
  const maxRequests = options.maxRequests ?? 64;
  const includeCa = options.includeCaCertificate ?? true;
  const caParsed: Promise<ParsedCertificate> = getParsedCertificate(ca.certificate);
  const hashesByAlg = new Map<CertIdHash, Promise<IssuerHashes>>();
  const hashesFor = (hash: CertIdHash): Promise<IssuerHashes> => {
    let p = hashesByAlg.get(hash);
    if (!p) hashesByAlg.set(hash, (p = caParsed.then((c) => issuerHashes(c, hash))));
    return p;
  };
  const responderKeyHash = caParsed.then((c) => digest('SHA-1', publicKeyBits(c)));
  const sigAlg = signatureAlgorithmDer(ca.keyAlgorithm);

  async function respond(requestDer: Uint8Array): Promise<Uint8Array> {
    let request: pkijs.OCSPRequest;
    try {
      request = new pkijs.OCSPRequest({ schema: parseDer(requestDer, 'OCSP request') });
    } catch {
      return errorResponse('malformedRequest');
    }
    const list = request.tbsRequest.requestList;
    if (list.length === 0 || list.length > maxRequests) return errorResponse('malformedRequest');
    try {
      const current = typeof state === 'function' ? await state() : state;
      const now = new Date(Math.floor(Date.now() / 1000) * 1000);
      const nextUpdate = new Date(now.getTime() + validityMs);
      const singles: Uint8Array[] = [];
      for (const req of list) {
        const id = certIdInfo(req.reqCert);
        let known = false;
        if (id.hash) {
          const h = await hashesFor(id.hash);
          known = bytesEqual(h.nameHash, id.nameHash) && bytesEqual(h.keyHash, id.keyHash);
        }
        singles.push(
          sequence(
            new Uint8Array(req.reqCert.toSchema().toBER(false)),
            certStatusDer(current, id.serialHex, known),
            generalizedTime(now),
            tlv(0xa0, generalizedTime(nextUpdate)),
          ),
        );
      }
      const responseData: Uint8Array[] = [tlv(0xa2, octetString(await responderKeyHash)), generalizedTime(now), sequence(...singles)];
      const nonce = request.tbsRequest.requestExtensions?.find((e) => e.extnID === REVOCATION_OID.ocspNonce);
      if (nonce) {
        // Echo the nonce exactly as sent (RFC 8954 §2.1): same extnValue bytes.
        responseData.push(tlv(0xa1, sequence(sequence(oid(REVOCATION_OID.ocspNonce), octetString(nonce.extnValue.valueBlock.valueHexView)))));
      }
      const tbs = sequence(...responseData);
      const signature = await signWithCaKey(ca.keyAlgorithm, ca.privateKey, tbs);
      const basicParts = [tbs, sigAlg, tlv(TAG.BIT_STRING, Uint8Array.of(0), signature)];
      if (includeCa) basicParts.push(tlv(0xa0, sequence(ca.certificate)));
      const basic = sequence(...basicParts);
      return sequence(Uint8Array.of(0x0a, 1, STATUS.successful), tlv(0xa0, sequence(oid(REVOCATION_OID.ocspBasic), octetString(basic))));
    } catch (e) {
      options.onError?.(e);
      return errorResponse('internalError');
    }
  }
  return { respond };
}

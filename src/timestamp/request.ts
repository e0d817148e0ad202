/**
 * RFC 3161 TimeStampReq: built by the client, parsed by the built-in authority. Isomorphic.
 *
 *   TimeStampReq ::= SEQUENCE { version INTEGER { v1(1) }, messageImprint MessageImprint, reqPolicy OID OPTIONAL,
 *                               nonce INTEGER OPTIONAL, certReq BOOLEAN DEFAULT FALSE, extensions [0] IMPLICIT OPTIONAL }
 *   MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }
 */
import { TAG, octetString, oid, sequence, tlv } from '../signing/der/der-writer.js';
import { childrenOf, decodeOid, readTlv, type Tlv } from '../verify/der.js';
import { integerHex, randomNonce } from './der-values.js';
import { TimestampError } from './errors.js';
import { IMPRINT_HASHES, hashByOid, type FailureName, type TimestampHash } from './oids.js';

export interface TimeStampRequestOptions {
  /** The digest of the data to be timestamped (for PAdES: of the signature value or of the document bytes). */
  imprint: Uint8Array;
  /** Default SHA-256 (what ETDA's TSA expects). Must match the imprint length. */
  hashAlgorithm?: TimestampHash;
  /** Ask for a random nonce to be echoed (default true): it ties the reply to this request, preventing replay. */
  nonce?: boolean;
  /** Ask the TSA to include its certificate in the token (default true): verifiers need it. */
  certReq?: boolean;
  /** Dotted OID of the TSA policy to ask for. */
  policy?: string;
}

export interface BuiltTimeStampRequest {
  der: Uint8Array;
  /** The nonce bytes as encoded (positive, minimal), or undefined when no nonce was requested. */
  nonce?: Uint8Array;
}

const OID_PATTERN = /^[0-2](\.(0|[1-9][0-9]*))+$/;

export function assertPolicyOid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !OID_PATTERN.test(value)) {
    throw new TimestampError('invalid_input', `${field}: expected a dotted object identifier such as "1.3.6.1.4.1.99999.3161.1", got ${JSON.stringify(value)}`);
  }
  return value;
}

export function assertImprint(imprint: unknown, hashAlgorithm: unknown, field = 'imprint'): { imprint: Uint8Array; hash: TimestampHash } {
  const hash = (hashAlgorithm ?? 'SHA-256') as TimestampHash;
  const info = IMPRINT_HASHES[hash];
  if (!info) throw new TimestampError('invalid_input', `hashAlgorithm: expected SHA-256, SHA-384 or SHA-512, got ${JSON.stringify(hashAlgorithm)}`);
  if (!(imprint instanceof Uint8Array)) throw new TimestampError('invalid_input', `${field}: expected the ${hash} digest as a Uint8Array`);
  if (imprint.length !== info.length) {
    throw new TimestampError('invalid_input', `${field}: a ${hash} digest has ${info.length} bytes, got ${imprint.length}`);
  }
  return { imprint, hash };
}

const VERSION_1 = Uint8Array.of(TAG.INTEGER, 1, 1);
const BOOLEAN_TRUE = Uint8Array.of(0x01, 1, 0xff);
const NULL = Uint8Array.of(TAG.NULL, 0);

/**
 * The MessageImprint DER. The hash AlgorithmIdentifier carries NULL parameters, as OpenSSL's and most other
 * clients' requests do: RFC 5754 allows both forms, and TSAs are tested against these clients.
 */
export function messageImprintDer(imprint: Uint8Array, hash: TimestampHash): Uint8Array {
  return sequence(sequence(oid(IMPRINT_HASHES[hash].oid), NULL), octetString(imprint));
}

export function buildTimeStampRequest(options: TimeStampRequestOptions): BuiltTimeStampRequest {
  if (!options || typeof options !== 'object') throw new TimestampError('invalid_input', 'options: expected { imprint, hashAlgorithm?, nonce?, certReq?, policy? }');
  const { imprint, hash } = assertImprint(options.imprint, options.hashAlgorithm);
  for (const flag of ['nonce', 'certReq'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') throw new TimestampError('invalid_input', `${flag}: expected true or false`);
  }
  const parts = [VERSION_1, messageImprintDer(imprint, hash)];
  if (options.policy !== undefined) parts.push(oid(assertPolicyOid(options.policy, 'policy')));
  let nonce: Uint8Array | undefined;
  if (options.nonce !== false) {
    nonce = randomNonce();
    parts.push(tlv(TAG.INTEGER, nonce));
  }
  // certReq DEFAULT FALSE: DER omits a field equal to its default.
  if (options.certReq !== false) parts.push(BOOLEAN_TRUE);
  const der = sequence(...parts);
  return nonce ? { der, nonce } : { der };
}

/** A parsed request, or the reason to reject it with the PKIFailureInfo the authority should answer. */
export interface ParsedTimeStampRequest {
  hashAlgorithm: TimestampHash;
  imprint: Uint8Array;
  /** The MessageImprint exactly as received: RFC 3161 says the token carries the same value. */
  messageImprintDer: Uint8Array;
  policy?: string;
  /** Complete DER INTEGER of the nonce as received (echoed verbatim). */
  nonceDer?: Uint8Array;
  nonceHex?: string;
  certReq: boolean;
}

export class RequestRejection extends Error {
  constructor(readonly failure: FailureName, message: string) {
    super(message);
  }
}

const MAX_NONCE_BYTES = 64;

function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new RequestRejection('badDataFormat', `${what}: expected tag 0x${tag.toString(16)}, found ${t ? '0x' + t.tag.toString(16) : 'nothing'}`);
  return t;
}

/**
 * Reads a DER TimeStampReq. Throws RequestRejection (with the PKIFailureInfo to answer) for anything the TSA
 * must refuse: undecodable data, another version, an unaccepted hash, a digest of the wrong length, extensions.
 */
export function parseTimeStampRequest(der: Uint8Array): ParsedTimeStampRequest {
  if (!(der instanceof Uint8Array) || der.length === 0) throw new RequestRejection('badDataFormat', 'request is empty');
  const top = readTlv(der, 0);
  if (!top || top.tag !== TAG.SEQUENCE || top.end !== der.length) throw new RequestRejection('badDataFormat', 'request is not a single DER SEQUENCE');
  const fields = childrenOf(der, top);
  if (!fields) throw new RequestRejection('badDataFormat', 'request is not DER (indefinite or broken lengths)');
  const content = (t: Tlv): Uint8Array => der.subarray(t.contentStart, t.end);

  const version = expect(fields[0], TAG.INTEGER, 'version');
  if (content(version).length !== 1 || content(version)[0] !== 1) throw new RequestRejection('badRequest', `version ${integerHex(content(version))} is not supported (only v1)`);

  const mi = expect(fields[1], TAG.SEQUENCE, 'messageImprint');
  const miParts = childrenOf(der, mi) ?? [];
  const alg = expect(miParts[0], TAG.SEQUENCE, 'messageImprint.hashAlgorithm');
  const algParts = childrenOf(der, alg) ?? [];
  const algOid = expect(algParts[0], TAG.OID, 'hashAlgorithm.algorithm');
  const params = algParts[1];
  if (algParts.length > 2 || (params && !(params.tag === TAG.NULL && params.end === params.contentStart))) {
    throw new RequestRejection('badAlg', 'hashAlgorithm parameters must be absent or NULL');
  }
  const dotted = decodeOid(content(algOid)) ?? '(malformed OID)';
  const hashAlgorithm = hashByOid(dotted);
  if (!hashAlgorithm) throw new RequestRejection('badAlg', `hash algorithm ${dotted} is not accepted (SHA-256, SHA-384, SHA-512)`);
  const hashed = expect(miParts[1], TAG.OCTET_STRING, 'messageImprint.hashedMessage');
  if (miParts.length !== 2) throw new RequestRejection('badDataFormat', 'messageImprint has extra fields');
  const imprint = content(hashed);
  if (imprint.length !== IMPRINT_HASHES[hashAlgorithm].length) {
    throw new RequestRejection('badDataFormat', `hashedMessage has ${imprint.length} bytes; a ${hashAlgorithm} digest has ${IMPRINT_HASHES[hashAlgorithm].length}`);
  }

  const parsed: ParsedTimeStampRequest = { hashAlgorithm, imprint: imprint.slice(), messageImprintDer: der.slice(mi.start, mi.end), certReq: false };
  let i = 2;
  if (fields[i]?.tag === TAG.OID) {
    const policy = decodeOid(content(fields[i]!));
    if (!policy) throw new RequestRejection('badDataFormat', 'reqPolicy is not a valid OID');
    parsed.policy = policy;
    i++;
  }
  if (fields[i]?.tag === TAG.INTEGER) {
    const nonce = content(fields[i]!);
    if (nonce.length === 0 || nonce.length > MAX_NONCE_BYTES) throw new RequestRejection('badRequest', `nonce of ${nonce.length} bytes (1–${MAX_NONCE_BYTES} accepted)`);
    parsed.nonceDer = der.slice(fields[i]!.start, fields[i]!.end);
    parsed.nonceHex = integerHex(nonce);
    i++;
  }
  if (fields[i]?.tag === 0x01) {
    const value = content(fields[i]!);
    if (value.length !== 1 || (value[0] !== 0 && value[0] !== 0xff)) throw new RequestRejection('badDataFormat', 'certReq is not a DER BOOLEAN');
    parsed.certReq = value[0] === 0xff;
    i++;
  }
  if (fields[i]?.tag === 0xa0) {
    // RFC 3161 §2.4.1: an extension the TSA does not recognise, critical or not, must be refused. We know none.
    throw new RequestRejection('unacceptedExtension', 'request extensions are not supported');
  }
  if (i !== fields.length) throw new RequestRejection('badDataFormat', `unexpected field (tag 0x${fields[i]!.tag.toString(16)}) in the request`);
  return parsed;
}

// Parse an OCSP response (RFC 6960 §4.2) into statuses per certificate. Browser-safe.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toHex } from '../../verify/bytes.js';
import { certIdInfo, type CertIdInfo } from './cert-id.js';
import { ContentCache, parseThrough, type ParseOutcome } from './content-cache.js';
import { crlReasonOfCode, type CrlReason } from './crl-reason.js';
import { parseDer, smallIntegerOf, timeOf } from './der-values.js';
import { extensionValue, nameText } from './parse-crl.js';
import { REVOCATION_OID } from './revocation-oids.js';
import { nameKeyOf } from '../../verify/cms/parsed-certificate.js';

/** OCSPResponseStatus (RFC 6960 §4.2.1); value 4 is not used. */
export const OCSP_RESPONSE_STATUSES = ['successful', 'malformedRequest', 'internalError', 'tryLater', 'unused', 'sigRequired', 'unauthorized'] as const;
export type OcspResponseStatus = Exclude<(typeof OCSP_RESPONSE_STATUSES)[number], 'unused'>;

export type OcspCertStatus = 'good' | 'revoked' | 'unknown';

export interface OcspSingleResponse {
  certId: CertIdInfo;
  status: OcspCertStatus;
  revocationTime?: Date;
  reason?: CrlReason;
  thisUpdate: Date;
  nextUpdate?: Date;
}

export type OcspResponderId = { byKey: string } | { byName: string; nameKey: string };

export interface ParsedOcspResponse {
  status: OcspResponseStatus;
  /** Empty unless status is 'successful'. */
  responses: OcspSingleResponse[];
  producedAt?: Date;
  responderId?: OcspResponderId;
  /** Certificates carried in the response (a delegated responder's certificate and its chain), DER. */
  certificates: Uint8Array[];
  /** Value of the nonce extension, if the responder echoed one. */
  nonce?: Uint8Array;
  raw: Uint8Array;
  /** The parsed BasicOCSPResponse, for signature verification. */
  basic?: pkijs.BasicOCSPResponse;
}

function certStatusOf(el: asn1js.AsnType): Pick<OcspSingleResponse, 'status' | 'revocationTime' | 'reason'> {
  const id = el.idBlock;
  if (id.tagClass !== 3) throw new Error('OCSP: certStatus is not a context-tagged value');
  if (id.tagNumber === 0) return { status: 'good' };
  if (id.tagNumber === 2) return { status: 'unknown' };
  if (id.tagNumber !== 1) throw new Error(`OCSP: unknown certStatus [${id.tagNumber}]`);
  // revoked [1] IMPLICIT RevokedInfo { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }.
  // asn1js sees the implicit tag as a constructed block whose children are still parsed.
  const children = (el as asn1js.Constructed).valueBlock.value ?? [];
  const revocationTime = timeOf(children[0]);
  if (!revocationTime) throw new Error('OCSP: revoked status without a revocationTime');
  const out: Pick<OcspSingleResponse, 'status' | 'revocationTime' | 'reason'> = { status: 'revoked', revocationTime };
  const reasonEl = children[1];
  if (reasonEl) {
    const code = smallIntegerOf((reasonEl as asn1js.Constructed).valueBlock.value?.[0]);
    const reason = code === undefined ? undefined : crlReasonOfCode(code);
    if (!reason) throw new Error('OCSP: invalid revocationReason');
    out.reason = reason;
  }
  return out;
}

/** DER of the certificates in BasicOCSPResponse.certs, exactly as sent (pkijs does not keep them). */
function rawCertificates(basicAsn1: asn1js.AsnType): Uint8Array[] {
  const fields = (basicAsn1 as asn1js.Sequence).valueBlock.value;
  const certsEl = fields.find((f, i) => i >= 3 && f.idBlock.tagClass === 3 && f.idBlock.tagNumber === 0) as asn1js.Constructed | undefined;
  const seq = certsEl?.valueBlock.value[0] as asn1js.Sequence | undefined;
  return (seq?.valueBlock.value ?? []).map((c) => new Uint8Array(c.valueBeforeDecodeView));
}

// Online, every verification of an agency's documents gets the same cached answer bytes from the responder; a DSS
// carries the same responses on every verification of that document.
const parsedResponses = new ContentCache<ParseOutcome<ParsedOcspResponse>>(256, 4 * 1024 * 1024);

/**
 * Parses a DER OCSPResponse. Throws an Error naming what is wrong when the bytes are not one. The result is
 * remembered by content: the same bytes give the same object again, so treat it as read-only (it is frozen).
 */
export function parseOcspResponse(der: Uint8Array): ParsedOcspResponse {
  return parseThrough(parsedResponses, der, decodeOcspResponse);
}

export function clearParsedOcspCache(): void {
  parsedResponses.clear();
}

function decodeOcspResponse(der: Uint8Array): ParsedOcspResponse {
  const asn1 = parseDer(der, 'OCSP response');
  let outer: pkijs.OCSPResponse;
  try {
    outer = new pkijs.OCSPResponse({ schema: asn1 });
  } catch (e) {
    throw new Error(`OCSP response: not an OCSPResponse (${(e as Error).message})`);
  }
  const code = outer.responseStatus.valueBlock.valueDec;
  const status = OCSP_RESPONSE_STATUSES[code];
  if (status === undefined || status === 'unused') throw new Error(`OCSP response: unknown responseStatus ${code}`);
  const parsed: ParsedOcspResponse = { status, responses: [], certificates: [], raw: der };
  if (status !== 'successful') return Object.freeze(parsed);
  if (!outer.responseBytes) throw new Error('OCSP response: successful but without responseBytes');
  if (outer.responseBytes.responseType !== REVOCATION_OID.ocspBasic) {
    throw new Error(`OCSP response: unsupported responseType ${outer.responseBytes.responseType} (only id-pkix-ocsp-basic)`);
  }
  const basicAsn1 = parseDer(outer.responseBytes.response.valueBlock.valueHexView, 'BasicOCSPResponse');
  let basic: pkijs.BasicOCSPResponse;
  try {
    basic = new pkijs.BasicOCSPResponse({ schema: basicAsn1 });
  } catch (e) {
    throw new Error(`OCSP response: BasicOCSPResponse does not parse (${(e as Error).message})`);
  }
  parsed.basic = basic;
  parsed.certificates = rawCertificates(basicAsn1);
  const data = basic.tbsResponseData;
  parsed.producedAt = data.producedAt;
  const rid = data.responderID as unknown;
  if (rid instanceof pkijs.RelativeDistinguishedNames) parsed.responderId = { byName: nameText(rid), nameKey: nameKeyOf(rid) };
  else if (rid instanceof asn1js.OctetString) parsed.responderId = { byKey: toHex(rid.valueBlock.valueHexView) };
  for (const ext of data.responseExtensions ?? []) {
    if (ext.extnID !== REVOCATION_OID.ocspNonce) continue;
    // RFC 8954: the nonce is an OCTET STRING inside extnValue; very old responders put the raw bytes there.
    const inner = extensionValue(ext);
    parsed.nonce = inner instanceof asn1js.OctetString ? inner.valueBlock.valueHexView : ext.extnValue.valueBlock.valueHexView;
  }
  for (const single of data.responses) {
    const one: OcspSingleResponse = { certId: certIdInfo(single.certID), ...certStatusOf(single.certStatus as asn1js.AsnType), thisUpdate: single.thisUpdate };
    if (single.nextUpdate) one.nextUpdate = single.nextUpdate;
    parsed.responses.push(Object.freeze(one));
  }
  Object.freeze(parsed.responses);
  Object.freeze(parsed.certificates);
  return Object.freeze(parsed);
}

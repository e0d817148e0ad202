// Validation material a CMS signature may carry itself: its certificates, the RFC 5652 `crls` field (CRLs and
// OCSP responses as OtherRevocationInfoFormat) and Adobe's signed revocationInfoArchival attribute (what Acrobat
// embeds). PAdES puts such data in the DSS, but a signature made by another tool may carry it here instead.
// Boundaries only, with the DER scanner; anything non-DER is simply not read (this data is optional evidence).
import { childrenOf, oidAt, readTlv, slice, TAG, type Tlv } from '../der.js';

export interface CmsValidationData {
  certificates: Uint8Array[];
  crls: Uint8Array[];
  ocspResponses: Uint8Array[];
}

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
/** id-ri-ocsp-response (RFC 5940): OtherRevocationInfoFormat holding an OCSPResponse. */
const OID_RI_OCSP_RESPONSE = '1.3.6.1.5.5.7.16.2';
/** adbe-revocationInfoArchival (ISO 32000-1 §12.8.3.3.2). */
const OID_ADBE_REVOCATION_ARCHIVAL = '1.2.840.113583.1.1.8';
const CONTEXT_2 = 0xa2;

const children = (buf: Uint8Array, t: Tlv | undefined): Tlv[] => (t ? childrenOf(buf, t) ?? [] : []);

/** RevocationInfoArchival ::= SEQUENCE { crl [0] EXPLICIT SEQUENCE OF CRL OPTIONAL, ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse OPTIONAL, … } */
function readArchival(buf: Uint8Array, value: Tlv, out: CmsValidationData): void {
  for (const part of children(buf, value)) {
    const list = children(buf, children(buf, part)[0]);
    if (part.tag === TAG.CONTEXT_0) out.crls.push(...list.filter((t) => t.tag === TAG.SEQUENCE).map((t) => slice(buf, t)));
    else if (part.tag === TAG.CONTEXT_1) out.ocspResponses.push(...list.filter((t) => t.tag === TAG.SEQUENCE).map((t) => slice(buf, t)));
    else if (part.tag === CONTEXT_2) continue; // OtherRevInfo: no agreed content, ignored
  }
}

/** Never throws: unreadable parts are skipped and an empty result is a valid answer. */
export function readCmsValidationData(cms: Uint8Array): CmsValidationData {
  const out: CmsValidationData = { certificates: [], crls: [], ocspResponses: [] };
  const ci = readTlv(cms, 0);
  if (!ci || ci.tag !== TAG.SEQUENCE) return out;
  const [type, wrapped] = children(cms, ci);
  if (oidAt(cms, type) !== OID_SIGNED_DATA || wrapped?.tag !== TAG.CONTEXT_0) return out;
  const sd = children(cms, wrapped)[0];
  if (sd?.tag !== TAG.SEQUENCE) return out;
  const fields = children(cms, sd);
  let signerInfos: Tlv | undefined;
  for (const f of fields.slice(3)) {
    if (f.tag === TAG.CONTEXT_0) out.certificates.push(...children(cms, f).filter((c) => c.tag === TAG.SEQUENCE).map((c) => slice(cms, c)));
    else if (f.tag === TAG.CONTEXT_1) {
      for (const choice of children(cms, f)) {
        if (choice.tag === TAG.SEQUENCE) out.crls.push(slice(cms, choice));
        else if (choice.tag === TAG.CONTEXT_1) {
          // other [1] IMPLICIT OtherRevocationInfoFormat { otherRevInfoFormat OID, otherRevInfo ANY }
          const [format, info] = children(cms, choice);
          if (oidAt(cms, format) === OID_RI_OCSP_RESPONSE && info?.tag === TAG.SEQUENCE) out.ocspResponses.push(slice(cms, info));
        }
      }
    } else if (f.tag === TAG.SET) signerInfos = f;
  }
  for (const si of children(cms, signerInfos)) {
    const signedAttrs = children(cms, si).find((p) => p.tag === TAG.CONTEXT_0);
    for (const attr of children(cms, signedAttrs)) {
      const [attrType, values] = children(cms, attr);
      if (oidAt(cms, attrType) !== OID_ADBE_REVOCATION_ARCHIVAL) continue;
      for (const v of children(cms, values)) readArchival(cms, v, out);
    }
  }
  return out;
}

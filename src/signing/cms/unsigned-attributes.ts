/**
 * Adds unsigned attributes to the SignerInfo of an existing CMS SignedData, byte-exactly: the signed attributes,
 * signature and certificates are copied untouched, only the enclosing lengths are rewritten. This is how PAdES B-T
 * attaches the RFC 3161 signature-time-stamp token after signing. Isomorphic.
 */
import { contentBytes, elementBytes, readChildren, readElement, type DerElement } from '../der/der-reader.js';
import { TAG, concatBytes, oid, sequence, setOf, tlv } from '../der/der-writer.js';
import { OID } from '../oids.js';

interface SignerInfoLocation {
  contentInfo: DerElement;
  signedData: DerElement;
  signerInfos: DerElement;
  signerInfo: DerElement;
  signerInfoChildren: DerElement[];
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

function locateSignerInfo(cms: Uint8Array): SignerInfoLocation {
  const contentInfo = readElement(cms, 0);
  if (contentInfo.tag !== TAG.SEQUENCE || contentInfo.end !== cms.length) throw new Error('CMS: not a single DER ContentInfo');
  const [type, explicit] = readChildren(cms, contentInfo);
  if (!type || type.tag !== TAG.OID || !sameBytes(elementBytes(cms, type), oid(OID.signedData))) {
    throw new Error('CMS: ContentInfo does not hold SignedData');
  }
  if (!explicit || explicit.tag !== TAG.CONTEXT_0_CONSTRUCTED) throw new Error('CMS: SignedData content is missing');
  const signedData = readElement(cms, explicit.contentStart, explicit.end);
  const parts = readChildren(cms, signedData);
  const signerInfos = parts[parts.length - 1];
  if (!signerInfos || signerInfos.tag !== TAG.SET) throw new Error('CMS: SignedData has no signerInfos SET');
  const infos = readChildren(cms, signerInfos);
  if (infos.length !== 1) throw new Error(`CMS: expected exactly one SignerInfo, found ${infos.length}`);
  const signerInfo = infos[0]!;
  return { contentInfo, signedData, signerInfos, signerInfo, signerInfoChildren: readChildren(cms, signerInfo) };
}

/** The SignerInfo's signature value: what an RFC 3161 signature timestamp's message imprint hashes. */
export function signatureValueOf(cms: Uint8Array): Uint8Array {
  const { signerInfoChildren } = locateSignerInfo(cms);
  const signature = signerInfoChildren.find((e) => e.tag === TAG.OCTET_STRING);
  if (!signature) throw new Error('CMS: SignerInfo has no signature value');
  return contentBytes(cms, signature).slice();
}

/**
 * Returns new CMS DER whose SignerInfo carries `attributes` (each a complete DER Attribute) in its unsignedAttrs,
 * merged with any already present.
 */
export function addUnsignedAttributes(cms: Uint8Array, attributes: readonly Uint8Array[]): Uint8Array {
  const loc = locateSignerInfo(cms);
  const children = loc.signerInfoChildren;
  const last = children[children.length - 1]!;
  const existing = last.tag === TAG.CONTEXT_1_CONSTRUCTED ? readChildren(cms, last).map((e) => elementBytes(cms, e)) : [];
  const kept = existing.length > 0 ? children.slice(0, -1) : children;
  const unsignedSet = setOf([...existing, ...attributes]);
  const unsignedField = concatBytes([Uint8Array.of(TAG.CONTEXT_1_CONSTRUCTED), unsignedSet.subarray(1)]);
  const signerInfo = sequence(...kept.map((e) => elementBytes(cms, e)), unsignedField);
  const signedDataChildren = readChildren(cms, loc.signedData).slice(0, -1).map((e) => elementBytes(cms, e));
  const signedData = sequence(...signedDataChildren, tlv(TAG.SET, signerInfo));
  return sequence(oid(OID.signedData), tlv(TAG.CONTEXT_0_CONSTRUCTED, signedData));
}

/**
 * Adds an RFC 3161 time-stamp token (a DER ContentInfo, as found in a TimeStampResp's timeStampToken) as the
 * id-aa-signatureTimeStampToken unsigned attribute. The caller is responsible for the token's message imprint
 * being the hash of {@link signatureValueOf}(cms).
 */
export function addSignatureTimeStampToken(cms: Uint8Array, timeStampToken: Uint8Array): Uint8Array {
  if (!(timeStampToken instanceof Uint8Array) || timeStampToken.length === 0) {
    throw new TypeError('timeStampToken: expected the DER bytes of a ContentInfo');
  }
  const token = readElement(timeStampToken, 0);
  if (token.tag !== TAG.SEQUENCE || token.end !== timeStampToken.length) {
    throw new Error('timeStampToken: not a single DER SEQUENCE (ContentInfo)');
  }
  const attribute = sequence(oid(OID.signatureTimeStampToken), setOf([timeStampToken]));
  return addUnsignedAttributes(cms, [attribute]);
}

/** The RFC 3161 tokens in the SignerInfo's signature-time-stamp unsigned attributes (none for PAdES B-B). */
export function signatureTimeStampTokensOf(cms: Uint8Array): Uint8Array[] {
  const der = cms.subarray(0, readElement(cms, 0).end); // a PDF /Contents is zero-padded after the DER
  const { signerInfoChildren } = locateSignerInfo(der);
  const last = signerInfoChildren[signerInfoChildren.length - 1]!;
  if (last.tag !== TAG.CONTEXT_1_CONSTRUCTED) return [];
  const tokens: Uint8Array[] = [];
  for (const attr of readChildren(der, last)) {
    const [type, values] = readChildren(der, attr);
    if (!type || !values || !sameBytes(elementBytes(der, type), oid(OID.signatureTimeStampToken))) continue;
    for (const v of readChildren(der, values)) tokens.push(elementBytes(der, v).slice());
  }
  return tokens;
}

/**
 * Builds the detached CMS SignedData that goes into a PAdES B-B signature (ETSI EN 319 142-1, SubFilter
 * ETSI.CAdES.detached). Isomorphic: only WebCrypto and byte assembly.
 *
 * Everything that does not depend on the document — certificates, signer identifier, algorithm identifiers, the
 * contentType and signing-certificate-v2 attributes — is encoded once when the signer is created. Per document only
 * the messageDigest attribute, the signature and the outer lengths are produced, so the cost is the private-key
 * operation plus a few concatenations.
 *
 * Deliberately absent: signing-time (PAdES puts the claimed time in the signature dictionary /M) and eContent
 * (detached: the signed bytes are the PDF's ByteRange).
 */
import { bufferSource } from '../bytes.js';
import { TAG, concatBytes, octetString, oid, sequence, setOf, tlv } from '../der/der-writer.js';
import { readCertificateFields } from '../identity/certificate-fields.js';
import { isRsa, maxSignatureLength, signParams, type KeyAlgorithm } from '../identity/key-algorithms.js';
import type { SigningIdentity } from '../identity/signing-identity.js';
import { OID } from '../oids.js';
import { ecdsaRawToDer } from './ecdsa-signature.js';
import { signingCertificateV2Attribute } from './signing-certificate-v2.js';

export interface PadesSignerOptions {
  /** Put self-issued (root) certificates from the identity's chain into the CMS too. Default false: verifiers
   * must obtain trust anchors out of band, and omitting them saves space. */
  includeRoot?: boolean;
}

const VERSION_1 = Uint8Array.of(TAG.INTEGER, 1, 1);
const SHA256_DIGEST_LENGTH = 32;
const SIGNED_DATA_OID = oid(OID.signedData);

export class PadesSigner {
  readonly keyAlgorithm: KeyAlgorithm;
  /** DER of the certificates placed in the CMS, signer first. */
  readonly certificates: readonly Uint8Array[];

  private readonly privateKey: CryptoKey;
  private readonly signAlgorithm: AlgorithmIdentifier | EcdsaParams;
  private readonly digestAlgorithmId: Uint8Array;
  private readonly signatureAlgorithmId: Uint8Array;
  private readonly sid: Uint8Array;
  private readonly constantAttributes: readonly Uint8Array[];
  private readonly messageDigestPrefix: Uint8Array;
  /** version, digestAlgorithms, encapContentInfo, certificates: the SignedData content before signerInfos. */
  private readonly signedDataHead: Uint8Array;

  private constructor(identity: SigningIdentity, certificates: Uint8Array[], signingCertificateV2: Uint8Array) {
    this.keyAlgorithm = identity.keyAlgorithm;
    this.privateKey = identity.privateKey;
    this.certificates = certificates;
    this.signAlgorithm = signParams(identity.keyAlgorithm);

    const { issuerDer, serialNumberDer } = readCertificateFields(identity.certificate);
    this.sid = sequence(issuerDer, serialNumberDer);
    // RFC 5754: SHA-2 AlgorithmIdentifiers omit the parameters.
    this.digestAlgorithmId = sequence(oid(OID.sha256));
    // RFC 4055: sha256WithRSAEncryption carries NULL parameters; RFC 5758: ecdsa-with-SHA256 carries none.
    this.signatureAlgorithmId = isRsa(identity.keyAlgorithm)
      ? sequence(oid(OID.sha256WithRSAEncryption), Uint8Array.of(TAG.NULL, 0))
      : sequence(oid(OID.ecdsaWithSHA256));

    const contentTypeAttribute = sequence(oid(OID.contentType), setOf([oid(OID.data)]));
    this.constantAttributes = [contentTypeAttribute, signingCertificateV2];
    // SEQUENCE(47) { OID messageDigest (11 bytes), SET(34) { OCTET STRING(32) } }: all lengths are fixed for SHA-256,
    // so only the 32 digest bytes change per document.
    const mdOid = oid(OID.messageDigest);
    this.messageDigestPrefix = concatBytes([
      Uint8Array.of(TAG.SEQUENCE, mdOid.length + 2 + 2 + SHA256_DIGEST_LENGTH),
      mdOid,
      Uint8Array.of(TAG.SET, 2 + SHA256_DIGEST_LENGTH, TAG.OCTET_STRING, SHA256_DIGEST_LENGTH),
    ]);

    this.signedDataHead = concatBytes([
      VERSION_1,
      setOf([this.digestAlgorithmId]),
      sequence(oid(OID.data)),
      // [0] IMPLICIT CertificateSet. Kept in chain order (signer first) rather than DER-sorted: the set is not
      // signed, verifiers find the signer by issuerAndSerialNumber, and signer-first is the conventional order.
      tlv(TAG.CONTEXT_0_CONSTRUCTED, concatBytes(certificates)),
    ]);
  }

  /** Prepares a signer for one identity; reuse it for every document signed with that identity. */
  static async create(identity: SigningIdentity, options: PadesSignerOptions = {}): Promise<PadesSigner> {
    if (!identity || !(identity.certificate instanceof Uint8Array)) {
      throw new TypeError('identity: expected a SigningIdentity with certificate DER bytes');
    }
    const chain = (identity.chain ?? []).filter((c) => options.includeRoot === true || !readCertificateFields(c).selfIssued);
    const signingCertificateV2 = await signingCertificateV2Attribute(identity.certificate);
    return new PadesSigner(identity, [identity.certificate, ...chain], signingCertificateV2);
  }

  /** DER of the signed attributes as they are signed (universal SET tag). */
  signedAttributes(contentDigest: Uint8Array): Uint8Array {
    if (!(contentDigest instanceof Uint8Array) || contentDigest.length !== SHA256_DIGEST_LENGTH) {
      throw new Error(`contentDigest: expected the ${SHA256_DIGEST_LENGTH}-byte SHA-256 digest of the signed content`);
    }
    const messageDigest = concatBytes([this.messageDigestPrefix, contentDigest]);
    return setOf([...this.constantAttributes, messageDigest]);
  }

  /**
   * Signs the SHA-256 digest of the detached content (for PDF: the bytes covered by /ByteRange) and returns the
   * DER of a ContentInfo holding the SignedData.
   */
  async signDigest(contentDigest: Uint8Array): Promise<Uint8Array> {
    const signedAttrs = this.signedAttributes(contentDigest);
    const raw = new Uint8Array(await globalThis.crypto.subtle.sign(this.signAlgorithm, this.privateKey, bufferSource(signedAttrs)));
    return this.assemble(signedAttrs, isRsa(this.keyAlgorithm) ? raw : ecdsaRawToDer(raw));
  }

  /**
   * Builds the ContentInfo from signed attributes (as returned by {@link signedAttributes}) and a signature value
   * over them — PKCS#1 v1.5 bytes for RSA, DER Ecdsa-Sig-Value for ECDSA. Public so that a key held elsewhere
   * (HSM over PKCS#11, remote signing service) can produce the signature value.
   */
  assemble(signedAttrs: Uint8Array, signatureValue: Uint8Array): Uint8Array {
    if (signedAttrs[0] !== TAG.SET) throw new Error('signedAttrs: expected the DER SET returned by signedAttributes()');
    // In SignerInfo the signed attributes carry [0] IMPLICIT instead of the SET tag that was signed.
    const signedAttrsField = concatBytes([Uint8Array.of(TAG.CONTEXT_0_CONSTRUCTED), signedAttrs.subarray(1)]);
    const signerInfo = sequence(
      VERSION_1,
      this.sid,
      this.digestAlgorithmId,
      signedAttrsField,
      this.signatureAlgorithmId,
      octetString(signatureValue),
    );
    const signedData = sequence(this.signedDataHead, tlv(TAG.SET, signerInfo));
    return sequence(SIGNED_DATA_OID, tlv(TAG.CONTEXT_0_CONSTRUCTED, signedData));
  }

  /** Convenience: hashes `content` with SHA-256, then signs. */
  async signContent(content: Uint8Array): Promise<Uint8Array> {
    return this.signDigest(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bufferSource(content))));
  }

  /**
   * An upper bound, in bytes, of the CMS this signer produces, plus `extraUnsignedBytes` for attributes added
   * later (a signature timestamp token is typically 2–6 KB). Use it to size the PDF /Contents placeholder.
   */
  maxCmsLength(extraUnsignedBytes = 0): number {
    const signedAttrs = this.signedAttributes(new Uint8Array(SHA256_DIGEST_LENGTH)).length;
    const signature = maxSignatureLength(this.keyAlgorithm) + 4;
    const signerInfo =
      3 + this.sid.length + this.digestAlgorithmId.length + signedAttrs + this.signatureAlgorithmId.length + signature;
    // Outer headers: SignerInfo, SET, unsigned attrs [1], SignedData, [0], ContentInfo — at most 4 header bytes
    // each for the sizes we handle, plus the contentType OID (11 bytes).
    return this.signedDataHead.length + signerInfo + extraUnsignedBytes + 6 * 6 + 11;
  }
}

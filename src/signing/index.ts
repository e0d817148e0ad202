/**
 * Signing: isomorphic API (WebCrypto only — usable in Node, worker threads and browsers).
 * Node-only file helpers live in ./node/index.js.
 */
export { PadesSigner, type PadesSignerOptions } from './cms/pades-signer.js';
export { addSignatureTimeStampToken, addUnsignedAttributes, signatureTimeStampTokensOf, signatureValueOf } from './cms/unsigned-attributes.js';
export { signingCertificateV2Attribute } from './cms/signing-certificate-v2.js';
export { ecdsaRawToDer } from './cms/ecdsa-signature.js';
export { KEY_ALGORITHMS, assertKeyAlgorithm, isKeyAlgorithm, type KeyAlgorithm } from './identity/key-algorithms.js';
export { readCertificateFields, type CertificateFields } from './identity/certificate-fields.js';
export {
  createSigningIdentity,
  orderChain,
  privateKeyMatchesCertificate,
  type SigningIdentity,
} from './identity/signing-identity.js';
export { exportPkcs8, generateSigningKey } from './identity/generate-signing-key.js';
export { importPkcs8PrivateKey, pkcs1ToPkcs8, privateKeyPemToPkcs8, sec1ToPkcs8 } from './identity/import-private-key.js';
export { loadPemIdentity, type PemIdentityInput } from './identity/load-pem-identity.js';
export { loadPkcs12Identity, type Pkcs12IdentityOptions } from './identity/load-pkcs12-identity.js';
export {
  DEV_AGENCY_ORGANIZATION,
  DEV_ROOT_CA_NAME,
  createDevIntermediateCa,
  createDevRootCa,
  issueAgencySigningCertificate,
  publicKeyOfCertificate,
  type AgencyCertificateRequest,
  type DevCa,
  type IssuedAgencyIdentity,
} from './dev-ca/dev-ca.js';
export {
  bytesToBase64,
  base64ToBytes,
  decodeCertificatesPem,
  decodePemBlocks,
  decodeSinglePem,
  encodeCertificatePem,
  encodePem,
  type PemBlock,
} from './pem.js';

/**
 * The development CA's revocation side (Node): what it issued and revoked, its CRL, its OCSP responder and the HTTP
 * endpoints publishing them. build-crl and ocsp-responder are isomorphic; the rest needs node:fs / node:http.
 */
export {
  CaStateError,
  emptyCaState,
  validateCaState,
  withIssuedCertificate,
  withRevocation,
  type CaState,
  type IssuedRecord,
  type RevokedRecord,
  type RevokeOptions,
} from './ca-state.js';
export { CA_STATE_FILE, caStatePath, loadCaState, recordIssuedCertificate, revokeCertificate, saveCaState, takeNextCrlNumber, updateCaState } from './ca-state-file.js';
export { buildCrl, type CrlTimes } from './build-crl.js';
export { createOcspResponder, errorResponse as ocspErrorResponse, type OcspResponder, type OcspResponderOptions } from './ocsp-responder.js';
export {
  createRevocationHandlers,
  createRevocationHttpServer,
  type RevocationHandlers,
  type RevocationHttpRequest,
  type RevocationHttpResult,
  type RevocationServiceOptions,
} from './revocation-http.js';
export { CA_REVOKE_USAGE, runCaRevokeCommand } from './revoke-command.js';

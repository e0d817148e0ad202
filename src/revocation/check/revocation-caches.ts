// One switch for every memo in this module (tests, and an operator who wants memory back). Browser-safe.
//
// What is remembered, and why it is safe: parsed CRLs and OCSP responses (by exact bytes), CRL/OCSP signature
// outcomes (per parsed object and signer certificates), issuer name/key hashes and OCSP request bytes (per certificate
// fingerprints), certificate URL extensions. None of it depends on the validation time: checkRevocation compares
// thisUpdate/nextUpdate/revocation times with `at` afresh on every call.
import { clearIssuerHashesCache } from './cert-id.js';
import { clearOcspRequestCache } from './ocsp-request.js';
import { clearParsedCrlCache } from './parse-crl.js';
import { clearParsedOcspCache } from './parse-ocsp.js';
import { clearRevocationUrlCache } from './revocation-urls.js';
import { clearCrlVerificationCache } from './verify-crl.js';
import { clearOcspVerificationCache } from './verify-ocsp.js';

export function clearRevocationCaches(): void {
  clearParsedCrlCache();
  clearParsedOcspCache();
  clearCrlVerificationCache();
  clearOcspVerificationCache();
  clearIssuerHashesCache();
  clearOcspRequestCache();
  clearRevocationUrlCache();
}

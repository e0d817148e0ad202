// How the development CA signs revocation data: the algorithm it uses for certificates (SHA-256), as DER
// AlgorithmIdentifier and as WebCrypto parameters. Isomorphic.
import { bufferSource } from '../../signing/bytes.js';
import { ecdsaRawToDer } from '../../signing/cms/ecdsa-signature.js';
import { oid, sequence, TAG } from '../../signing/der/der-writer.js';
import { isRsa, signParams, type KeyAlgorithm } from '../../signing/identity/key-algorithms.js';
import { OID } from '../../signing/oids.js';

/** AlgorithmIdentifier DER: sha256WithRSAEncryption (NULL parameters) or ecdsa-with-SHA256 (no parameters). */
export function signatureAlgorithmDer(alg: KeyAlgorithm): Uint8Array {
  return isRsa(alg) ? sequence(oid(OID.sha256WithRSAEncryption), Uint8Array.of(TAG.NULL, 0)) : sequence(oid(OID.ecdsaWithSHA256));
}

/** X.509-style signature value (DER Ecdsa-Sig-Value for ECDSA, raw for RSA). */
export async function signWithCaKey(alg: KeyAlgorithm, key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  const sig = new Uint8Array(await globalThis.crypto.subtle.sign(signParams(alg), key, bufferSource(data)));
  return isRsa(alg) ? sig : ecdsaRawToDer(sig);
}

/** The WebCrypto algorithm @peculiar/x509 generators expect. */
export function x509SigningAlgorithm(alg: KeyAlgorithm): Algorithm | EcdsaParams {
  return isRsa(alg) ? ({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as Algorithm) : { name: 'ECDSA', hash: 'SHA-256' };
}

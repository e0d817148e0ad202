/**
 * Reads a signing identity from PKCS#12 (.p12/.pfx) bytes with pkijs — the format agencies receive from a CA or
 * export from a token. Written for OpenSSL 3 defaults (PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC, SHA-256 MAC);
 * pkijs also handles other PBES2 ciphers, not the legacy RC2/3DES PKCS#12 PBEs. Isomorphic.
 */
import * as pkijs from 'pkijs';
import { readCertificateFields } from './certificate-fields.js';
import { importPkcs8PrivateKey, pkcs8KeyFamily } from './import-private-key.js';
import { isRsa } from './key-algorithms.js';
import { createSigningIdentity, privateKeyMatchesCertificate, type SigningIdentity } from './signing-identity.js';

const BAG = {
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
} as const;

/**
 * Passwords go to pkijs as UTF-8: PBES2 (RFC 8018) uses those octets as they are (as OpenSSL does), and pkijs turns
 * them into the NUL-terminated BMPString that the PKCS#12 MAC key derivation (RFC 7292 appendix B) needs.
 */
const utf8Password = (password: string): ArrayBuffer => new TextEncoder().encode(password).slice().buffer;

const toBytes = (buffer: ArrayBuffer | ArrayBufferView): Uint8Array =>
  buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength).slice();

const WRONG_PASSWORD = 'PKCS#12: wrong password (or the file is damaged)';

function parsePfx(p12: Uint8Array): pkijs.PFX {
  try {
    return pkijs.PFX.fromBER(p12.slice().buffer);
  } catch (error) {
    throw new Error(`PKCS#12: not a PKCS#12 (.p12/.pfx) file (${(error as Error).message})`);
  }
}

async function decryptShroudedKey(bag: pkijs.PKCS8ShroudedKeyBag, password: ArrayBuffer): Promise<Uint8Array> {
  const encrypted = new pkijs.EncryptedData({
    encryptedContentInfo: new pkijs.EncryptedContentInfo({
      contentType: pkijs.ContentInfo.DATA,
      contentEncryptionAlgorithm: bag.encryptionAlgorithm,
      encryptedContent: bag.encryptedData,
    }),
  });
  try {
    return toBytes(await encrypted.decrypt({ password }));
  } catch {
    throw new Error(WRONG_PASSWORD);
  }
}

export interface Pkcs12IdentityOptions {
  /** Let the imported key be exported again (default false). */
  extractable?: boolean;
}

export async function loadPkcs12Identity(
  p12: Uint8Array,
  password: string,
  options: Pkcs12IdentityOptions = {},
): Promise<SigningIdentity> {
  if (!(p12 instanceof Uint8Array) || p12.length === 0) throw new TypeError('PKCS#12: expected the file bytes (non-empty Uint8Array)');
  if (typeof password !== 'string') throw new TypeError('PKCS#12 password: expected a string');

  const pfx = parsePfx(p12);
  const hasMac = pfx.authSafe.contentType === pkijs.ContentInfo.DATA && pfx.macData !== undefined;
  const passwordBytes = utf8Password(password);
  try {
    await pfx.parseInternalValues({ password: passwordBytes, checkIntegrity: hasMac });
  } catch (error) {
    if (/Integrity/i.test((error as Error).message)) throw new Error(WRONG_PASSWORD);
    throw new Error(`PKCS#12: cannot read the file (${(error as Error).message})`);
  }
  const authenticatedSafe = pfx.parsedValue?.authenticatedSafe;
  if (!authenticatedSafe) throw new Error('PKCS#12: the file holds no authenticated safe');

  const pbesPassword = passwordBytes;
  try {
    await authenticatedSafe.parseInternalValues({
      safeContents: authenticatedSafe.safeContents.map(() => ({ password: pbesPassword })),
    });
  } catch (error) {
    const message = (error as Error).message;
    if (/Unknown|not supported|Unsupported|Incorrect/i.test(message) && !/decrypt/i.test(message)) {
      throw new Error(`PKCS#12: unsupported encryption (${message}); re-export it with OpenSSL 3 defaults (no -legacy)`);
    }
    throw new Error(WRONG_PASSWORD);
  }

  const certificates: Uint8Array[] = [];
  const keys: Uint8Array[] = [];
  for (const safe of authenticatedSafe.parsedValue.safeContents as { value: pkijs.SafeContents }[]) {
    for (const bag of safe.value.safeBags) {
      if (bag.bagId === BAG.certBag) {
        const certBag = bag.bagValue as pkijs.CertBag;
        if (certBag.certId !== BAG.x509Certificate) continue;
        certificates.push(toBytes((certBag.certValue as { valueBlock: { valueHexView: Uint8Array } }).valueBlock.valueHexView));
      } else if (bag.bagId === BAG.pkcs8ShroudedKeyBag) {
        keys.push(await decryptShroudedKey(bag.bagValue as pkijs.PKCS8ShroudedKeyBag, pbesPassword));
      } else if (bag.bagId === BAG.keyBag) {
        keys.push(toBytes((bag.bagValue as pkijs.PrivateKeyInfo).toSchema().toBER(false)));
      }
    }
  }
  if (keys.length === 0) throw new Error('PKCS#12: the file holds no private key');
  if (keys.length > 1) throw new Error(`PKCS#12: the file holds ${keys.length} private keys; expected exactly one`);
  if (certificates.length === 0) throw new Error('PKCS#12: the file holds no certificate');

  const pkcs8 = keys[0]!;
  const family = pkcs8KeyFamily(pkcs8);
  // The signer is whichever certificate carries the key's public half (friendlyName/localKeyId are not trusted).
  for (const certificate of certificates) {
    const alg = readCertificateFields(certificate).keyAlgorithm;
    if (typeof alg !== 'string' || (isRsa(alg) ? 'RSA' : 'EC') !== family) continue;
    const privateKey = await importPkcs8PrivateKey(pkcs8, alg, options.extractable ?? false);
    if (await privateKeyMatchesCertificate(privateKey, certificate, alg)) {
      return createSigningIdentity({ privateKey, certificate, chain: certificates.filter((c) => c !== certificate) });
    }
  }
  throw new Error('PKCS#12: no certificate in the file matches its private key (or the key type is unsupported)');
}

/**
 * Identities made entirely by OpenSSL (keys, CA, leaf, PKCS#12 with OpenSSL 3 defaults) are loaded, used to sign,
 * and the result verified by OpenSSL — so the loaders are tested against the tool agencies actually use.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PadesSigner, loadPemIdentity, loadPkcs12Identity, type SigningIdentity } from '../../src/signing/index.js';
import { loadPemIdentityFiles, loadPkcs12IdentityFile } from '../../src/signing/node/index.js';
import { cmsVerify, opensslOk, read, scratchDir, write } from './tools.js';

let dir: string;
const text = (name: string): string => readFileSync(join(dir, name), 'utf8');

/** root CA (RSA) → leaf certificates for an RSA key and an EC key, all by openssl. */
beforeAll(() => {
  dir = scratchDir('identity');
  write(dir, 'leaf.ext', 'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection,1.3.6.1.5.5.7.3.36\n');
  opensslOk(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-days', '30',
    '-subj', '/C=TH/O=openssl test/CN=OpenSSL Test Root'], { cwd: dir });
  // RSA leaf, PKCS#8 key ("BEGIN PRIVATE KEY").
  opensslOk(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072', '-out', 'rsa.key'], { cwd: dir });
  // EC leaf, SEC1 key with an "EC PARAMETERS" block first, as `openssl ecparam -genkey` writes it.
  opensslOk(['ecparam', '-name', 'prime256v1', '-genkey', '-out', 'ec.key'], { cwd: dir });
  for (const kind of ['rsa', 'ec']) {
    opensslOk(['req', '-new', '-key', `${kind}.key`, '-out', `${kind}.csr`, '-subj', `/C=TH/O=openssl test/CN=${kind} signer`], { cwd: dir });
    opensslOk(['x509', '-req', '-in', `${kind}.csr`, '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-days', '10',
      '-extfile', 'leaf.ext', '-out', `${kind}.pem`], { cwd: dir });
    opensslOk(['pkcs12', '-export', '-inkey', `${kind}.key`, '-in', `${kind}.pem`, '-certfile', 'root.pem',
      '-passout', 'pass:s3cret ทดสอบ', '-out', `${kind}.p12`], { cwd: dir });
  }
  // An encrypted PKCS#8 copy of the EC key, for the Node file loader.
  opensslOk(['pkcs8', '-topk8', '-in', 'ec.key', '-passout', 'pass:keypass', '-out', 'ec-encrypted.key'], { cwd: dir });
});

async function signAndVerify(identity: SigningIdentity, name: string): Promise<boolean> {
  const content = new Uint8Array(randomBytes(2048));
  const signer = await PadesSigner.create(identity);
  write(dir, `${name}.bin`, content);
  write(dir, `${name}.der`, await signer.signContent(content));
  return cmsVerify(dir, `${name}.der`, `${name}.bin`, 'root.pem').ok;
}

describe('PKCS#12 identities (OpenSSL 3 defaults)', () => {
  it('reports the OpenSSL 3 default algorithms in the test file (PBES2/AES-256-CBC, SHA-256 MAC)', () => {
    const info = opensslOk(['pkcs12', '-info', '-in', 'rsa.p12', '-passin', 'pass:s3cret ทดสอบ', '-noout'], { cwd: dir });
    expect(info).toMatch(/MAC: sha256/);
    expect(info).toMatch(/PBES2, PBKDF2, AES-256-CBC/);
  });

  it.each(['rsa', 'ec'])('loads the %s identity, picks the key’s certificate as signer, and the signature verifies', async (kind) => {
    const identity = await loadPkcs12Identity(read(dir, `${kind}.p12`), 's3cret ทดสอบ');
    expect(identity.keyAlgorithm).toBe(kind === 'rsa' ? 'RSA-3072' : 'P-256');
    expect(Buffer.from(identity.certificate).toString('base64')).toBe(text(`${kind}.pem`).replace(/-----[^-]+-----|\s/g, ''));
    expect(identity.chain).toHaveLength(1);
    expect(Buffer.from(identity.chain[0]!).toString('base64')).toBe(text('root.pem').replace(/-----[^-]+-----|\s/g, ''));
    expect(await signAndVerify(identity, `p12-${kind}`)).toBe(true);
  });

  it('says "wrong password" for a wrong password', async () => {
    await expect(loadPkcs12Identity(read(dir, 'rsa.p12'), 'not the password')).rejects.toThrow(/PKCS#12: wrong password/);
  });

  it('says what is wrong with bytes that are not PKCS#12', async () => {
    await expect(loadPkcs12Identity(read(dir, 'rsa.pem'), 'x')).rejects.toThrow(/PKCS#12: not a PKCS#12/);
  });

  it('reads the file through the Node loader', async () => {
    const identity = await loadPkcs12IdentityFile(join(dir, 'ec.p12'), 's3cret ทดสอบ');
    expect(identity.keyAlgorithm).toBe('P-256');
  });
});

describe('PEM identities', () => {
  it('loads a PKCS#8 RSA key with certificate and chain, and the signature verifies', async () => {
    const identity = await loadPemIdentity({ privateKeyPem: text('rsa.key'), certificatePem: text('rsa.pem'), chainPem: text('root.pem') });
    expect(identity.keyAlgorithm).toBe('RSA-3072');
    expect(identity.privateKey.extractable).toBe(false);
    expect(await signAndVerify(identity, 'pem-rsa')).toBe(true);
  });

  it('loads a SEC1 "EC PRIVATE KEY" (after an EC PARAMETERS block) and a full-chain certificate file', async () => {
    expect(text('ec.key')).toContain('BEGIN EC PRIVATE KEY');
    const identity = await loadPemIdentity({ privateKeyPem: text('ec.key'), certificatePem: text('ec.pem') + text('root.pem') });
    expect(identity.keyAlgorithm).toBe('P-256');
    expect(identity.chain).toHaveLength(1);
    expect(await signAndVerify(identity, 'pem-ec')).toBe(true);
  });

  it('loads a PKCS#1 "RSA PRIVATE KEY"', async () => {
    opensslOk(['pkey', '-in', 'rsa.key', '-traditional', '-out', 'rsa-pkcs1.key'], { cwd: dir });
    expect(text('rsa-pkcs1.key')).toContain('BEGIN RSA PRIVATE KEY');
    const identity = await loadPemIdentity({ privateKeyPem: text('rsa-pkcs1.key'), certificatePem: text('rsa.pem') });
    expect(await signAndVerify(identity, 'pem-rsa-pkcs1')).toBe(true);
  });

  it('refuses a key that belongs to another certificate, with a clear error', async () => {
    opensslOk(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072', '-out', 'other-rsa.key'], { cwd: dir });
    await expect(loadPemIdentity({ privateKeyPem: text('other-rsa.key'), certificatePem: text('rsa.pem') })).rejects.toThrow(
      /private key does not match the certificate/,
    );
    opensslOk(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'other-ec.key'], { cwd: dir });
    await expect(loadPemIdentity({ privateKeyPem: text('other-ec.key'), certificatePem: text('ec.pem') })).rejects.toThrow(
      /private key does not match the certificate/,
    );
    await expect(loadPemIdentity({ privateKeyPem: text('ec.key'), certificatePem: text('rsa.pem') })).rejects.toThrow(
      /private key does not match the certificate: the key is an EC key but the certificate holds a RSA-3072 key/,
    );
  });

  it('names the field when PEM input is wrong', async () => {
    await expect(loadPemIdentity({ privateKeyPem: text('rsa.key'), certificatePem: 'nothing here' })).rejects.toThrow(/certificatePem/);
    await expect(loadPemIdentity({ privateKeyPem: text('rsa.pem'), certificatePem: text('rsa.pem') })).rejects.toThrow(
      /private key PEM: found PEM "CERTIFICATE"/,
    );
    await expect(loadPemIdentity({ privateKeyPem: text('ec-encrypted.key'), certificatePem: text('ec.pem') })).rejects.toThrow(/encrypted/);
  });

  it('decrypts an encrypted PKCS#8 key file in the Node loader, and reports a wrong passphrase', async () => {
    const files = { keyFile: join(dir, 'ec-encrypted.key'), certificateFile: join(dir, 'ec.pem'), chainFile: join(dir, 'root.pem') };
    const identity = await loadPemIdentityFiles({ ...files, passphrase: 'keypass' });
    expect(await signAndVerify(identity, 'pem-ec-encrypted')).toBe(true);
    await expect(loadPemIdentityFiles({ ...files, passphrase: 'wrong' })).rejects.toThrow(/wrong passphrase/);
    await expect(loadPemIdentityFiles(files)).rejects.toThrow(/passphrase is required/);
    await expect(loadPemIdentityFiles({ ...files, keyFile: join(dir, 'missing.key') })).rejects.toThrow(/keyFile: cannot read .*ENOENT/);
  });
});

// Test PKI made with the openssl CLI (an independent implementation), in a temp dir.
// Arguments are always arrays: no shell, no string splicing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function openssl(cwd: string, args: string[], input?: string): Buffer {
  return execFileSync('openssl', args, { cwd, input, stdio: ['pipe', 'pipe', 'pipe'] });
}

const EXTENSIONS = `
[root]
basicConstraints=critical,CA:true
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[inter]
basicConstraints=critical,CA:true,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[signer]
basicConstraints=critical,CA:false
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=emailProtection,1.3.6.1.5.5.7.3.36
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
[keyenc]
basicConstraints=critical,CA:false
keyUsage=critical,keyEncipherment
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
`;

// Minimal `openssl ca` configuration: the only OpenSSL 3.0 command that sets arbitrary notBefore/notAfter.
const CA_CONFIG = `
[ca]
default_ca = dev
[dev]
dir = .
database = ca-index.txt
new_certs_dir = ca-new
serial = ca-serial
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[any]
commonName = supplied
organizationName = optional
countryName = optional
`;

export interface Pki {
  dir: string;
  data: Uint8Array;
  rootDer: Uint8Array;
  otherRootDer: Uint8Array;
  interDer: Uint8Array;
  file(name: string): Uint8Array;
  /** `openssl cms -sign` with the given signer; returns DER. */
  sign(opts: { signer: string; key: string; certfile?: string | null; cades?: boolean; md?: string; extra?: string[]; input?: string }): Uint8Array;
  cleanup(): void;
}

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'ekasarn-verify-'));
  const o = (args: string[]) => openssl(dir, args);
  writeFileSync(join(dir, 'ext.cnf'), EXTENSIONS);
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  writeFileSync(join(dir, 'data.bin'), new Uint8Array(Array.from({ length: 30_000 }, (_, i) => (i * 7919) % 251)));

  const selfSigned = (name: string, keyArgs: string[], subj: string, md: string) => {
    o(keyArgs);
    o(['req', '-x509', '-new', '-key', `${name}.key`, `-${md}`, '-days', '3650', '-subj', subj, '-config', 'ext.cnf', '-extensions', 'root', '-out', `${name}.pem`]);
  };
  const issue = (name: string, keyArgs: string[], subj: string, ca: string, ext: string, serial: string, md = 'sha256') => {
    if (keyArgs.length) o(keyArgs);
    o(['req', '-new', '-key', `${name}.key`, '-utf8', '-subj', subj, '-config', 'ext.cnf', '-out', `${name}.csr`]);
    o(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-set_serial', serial, '-days', '825', `-${md}`, '-extfile', 'ext.cnf', '-extensions', ext, '-out', `${name}.pem`]);
  };
  const rsa = (name: string) => ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${name}.key`];
  const ec = (name: string, curve: string) => ['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${curve}`, '-out', `${name}.key`];

  selfSigned('root', ec('root', 'P-384'), '/C=TH/O=Ekasarn Test/CN=Ekasarn Test Root CA', 'sha384');
  selfSigned('other-root', ec('other-root', 'P-256'), '/C=TH/O=Somebody Else/CN=Untrusted Root CA', 'sha256');
  issue('inter', rsa('inter'), '/C=TH/O=Ekasarn Test/CN=Ekasarn Issuing CA', 'root', 'inter', '0x1001', 'sha384');
  issue('signer-rsa', rsa('signer-rsa'), '/C=TH/O=สำนักงาน ก.พ.ร./CN=ผู้ลงนาม ทดสอบ', 'inter', 'signer', '0x1234');
  issue('signer-ec', ec('signer-ec', 'P-256'), '/C=TH/O=กรมทดสอบ/CN=EC Signer', 'inter', 'signer', '0x1235');
  issue('signer-keyenc', rsa('signer-keyenc'), '/C=TH/O=Ekasarn Test/CN=Encryption Only', 'inter', 'keyenc', '0x1236');

  // A forged issuer with the same name as the real intermediate, and a certificate for the real signer's key,
  // same subject and serial, issued by it: the attack signing-certificate-v2 exists to stop.
  o(rsa('fake-inter'));
  o(['req', '-x509', '-new', '-key', 'fake-inter.key', '-sha384', '-days', '3650', '-subj', '/C=TH/O=Ekasarn Test/CN=Ekasarn Issuing CA', '-config', 'ext.cnf', '-extensions', 'root', '-out', 'fake-inter.pem']);
  o(['x509', '-req', '-in', 'signer-rsa.csr', '-CA', 'fake-inter.pem', '-CAkey', 'fake-inter.key', '-set_serial', '0x1234', '-days', '825', '-sha256', '-extfile', 'ext.cnf', '-extensions', 'signer', '-out', 'swapped.pem']);

  // An expired signer certificate (valid only during 2020).
  writeFileSync(join(dir, 'ca-index.txt'), '');
  writeFileSync(join(dir, 'ca-serial'), '2001\n');
  mkdirSync(join(dir, 'ca-new'));
  o(rsa('signer-expired'));
  o(['req', '-new', '-key', 'signer-expired.key', '-subj', '/C=TH/O=Ekasarn Test/CN=Expired Signer', '-out', 'signer-expired.csr']);
  o(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'inter.pem', '-keyfile', 'inter.key', '-in', 'signer-expired.csr', '-startdate', '20200101000000Z', '-enddate', '20201231235959Z', '-extfile', 'ext.cnf', '-extensions', 'signer', '-out', 'signer-expired.pem', '-notext']);

  const der = (pem: string) => new Uint8Array(o(['x509', '-in', pem, '-outform', 'DER']));
  for (const name of ['root', 'other-root', 'inter', 'signer-rsa', 'signer-ec', 'swapped', 'signer-expired', 'signer-keyenc']) {
    writeFileSync(join(dir, `${name}.der`), der(`${name}.pem`));
  }

  const file = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
  return {
    dir,
    data: file('data.bin'),
    rootDer: file('root.der'),
    otherRootDer: file('other-root.der'),
    interDer: file('inter.der'),
    file,
    sign({ signer, key, certfile = 'inter.pem', cades = true, md = 'sha256', extra = [], input = 'data.bin' }) {
      const args = ['cms', '-sign', '-binary', '-in', input, '-signer', signer, '-inkey', key, '-outform', 'DER', '-md', md, '-nosmimecap'];
      if (certfile) args.push('-certfile', certfile);
      if (cades) args.push('-cades');
      return new Uint8Array(o([...args, ...extra]));
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

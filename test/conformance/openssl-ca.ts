/**
 * A test certification authority made with the openssl command line only — a stand-in for the agency's real CA, so
 * the production identity paths (PKCS#12, PEM) are exercised with material ekasarn did not create itself.
 * Every value here is a constant of the test; nothing comes from outside.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolOk } from './tools.js';

export type OpensslKeyKind = 'rsa' | 'ec';

function newKey(dir: string, file: string, kind: OpensslKeyKind): void {
  const args = kind === 'rsa'
    ? ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file]
    : ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file];
  toolOk('openssl', args, { cwd: dir });
}

const CA_EXTENSIONS = [
  'basicConstraints = critical, CA:TRUE',
  'keyUsage = critical, keyCertSign, cRLSign',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid:always',
].join('\n');

/** The document-signing profile NSS accepts: digitalSignature + nonRepudiation, EKU emailProtection. */
const SIGNER_EXTENSIONS = [
  'basicConstraints = critical, CA:FALSE',
  'keyUsage = critical, digitalSignature, nonRepudiation',
  'extendedKeyUsage = emailProtection',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid:always',
].join('\n');

/** Self-signed root: `<name>.key`, `<name>.pem` in dir. */
export function makeRootCa(dir: string, name: string, subject: string): { keyFile: string; certFile: string } {
  newKey(dir, `${name}.key`, 'rsa');
  writeFileSync(join(dir, `${name}.ext`), CA_EXTENSIONS);
  toolOk('openssl', ['req', '-new', '-key', `${name}.key`, '-subj', subject, '-utf8', '-out', `${name}.csr`], { cwd: dir });
  toolOk('openssl', ['x509', '-req', '-in', `${name}.csr`, '-key', `${name}.key`, '-days', '30', '-sha256',
    '-extfile', `${name}.ext`, '-out', `${name}.pem`], { cwd: dir });
  return { keyFile: join(dir, `${name}.key`), certFile: join(dir, `${name}.pem`) };
}

/** A certificate issued by `issuer` (its `<issuer>.key`/`.pem` in dir): a sub-CA or a document signer. */
export function issueCertificate(
  dir: string,
  issuer: string,
  name: string,
  opts: { subject: string; kind: OpensslKeyKind; ca?: boolean },
): { keyFile: string; certFile: string } {
  newKey(dir, `${name}.key`, opts.kind);
  writeFileSync(join(dir, `${name}.ext`), opts.ca ? CA_EXTENSIONS : SIGNER_EXTENSIONS);
  toolOk('openssl', ['req', '-new', '-key', `${name}.key`, '-subj', opts.subject, '-utf8', '-out', `${name}.csr`], { cwd: dir });
  toolOk('openssl', ['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`,
    // A random positive serial (leading 1 keeps it positive and of fixed length).
    '-set_serial', `0x1${randomBytes(8).toString('hex')}`,
    '-days', '30', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`], { cwd: dir });
  return { keyFile: join(dir, `${name}.key`), certFile: join(dir, `${name}.pem`) };
}

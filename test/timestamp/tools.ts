/**
 * Test helpers for the time-stamping suites: OpenSSL run with argument arrays (never a shell string), an OpenSSL
 * CA + TSA certificate, `openssl ts -reply` behind a tiny node:http wrapper, and small servers that misbehave.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeCertificatesPem } from '../../src/signing/pem.js';

const execFileAsync = promisify(execFile);

export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ekasarn-${prefix}-`));
}

export interface RunResult {
  ok: boolean;
  /** stdout followed by stderr (openssl ts -verify prints its verdict on stdout, errors on stderr). */
  output: string;
}

export function openssl(args: string[], cwd: string): RunResult {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { ok: r.status === 0, output: r.stdout + r.stderr };
}

export function opensslOk(args: string[], cwd: string): string {
  const r = openssl(args, cwd);
  if (!r.ok) throw new Error(`openssl ${args.join(' ')} failed:\n${r.output}`);
  return r.output;
}

export const write = (dir: string, name: string, data: string | Uint8Array): string => {
  writeFileSync(join(dir, name), data);
  return name;
};
export const read = (dir: string, name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, name)));
export const pemToDer = (dir: string, name: string): Uint8Array => decodeCertificatesPem(readFileSync(join(dir, name), 'utf8'))[0]!;

export interface OpensslPki {
  dir: string;
  /** root.pem / root.key, tsa.pem / tsa.key, ts.cnf in `dir`. */
  rootDer: Uint8Array;
  tsaDer: Uint8Array;
}

/**
 * An OpenSSL root CA and a TSA certificate issued by it. `extendedKeyUsage` is the openssl extension value;
 * the default is what RFC 3161 requires. `essCertIdAlg` chooses ESS signing-certificate v1 (sha1) or v2.
 */
export function makeOpensslPki(options: { extendedKeyUsage?: string; keyType?: 'ec' | 'rsa'; essCertIdAlg?: 'sha1' | 'sha256'; policy?: string } = {}): OpensslPki {
  const dir = scratchDir('ossl-tsa');
  const keyArgs = options.keyType === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  opensslOk(['req', '-x509', ...keyArgs, '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-days', '30', '-subj', '/C=TH/O=OpenSSL test/CN=OpenSSL test root',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  opensslOk(['req', '-new', ...keyArgs, '-nodes', '-keyout', 'tsa.key', '-out', 'tsa.csr', '-subj', '/C=TH/O=OpenSSL test/CN=OpenSSL test TSA'], dir);
  write(dir, 'ext.cnf', [
    '[tsa_ext]',
    'basicConstraints = CA:FALSE',
    'keyUsage = critical,digitalSignature,nonRepudiation',
    `extendedKeyUsage = ${options.extendedKeyUsage ?? 'critical,timeStamping'}`,
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
    '',
  ].join('\n'));
  opensslOk(['x509', '-req', '-in', 'tsa.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-set_serial', '4242', '-days', '20', '-sha256',
    '-extfile', 'ext.cnf', '-extensions', 'tsa_ext', '-out', 'tsa.pem'], dir);
  write(dir, 'tsaserial', '1000\n');
  write(dir, 'ts.cnf', [
    '[ tsa ]',
    'default_tsa = tsa_config',
    '[ tsa_config ]',
    'dir = .',
    'serial = ./tsaserial',
    'crypto_device = builtin',
    'signer_cert = ./tsa.pem',
    'certs = ./tsa.pem',
    'signer_key = ./tsa.key',
    'signer_digest = sha256',
    `default_policy = ${options.policy ?? '1.2.3.4.1'}`,
    'other_policies = 1.2.3.4.5',
    'digests = sha256, sha384, sha512',
    'accuracy = secs:1, millisecs:500',
    'clock_precision_digits = 3',
    'ordering = no',
    'tsa_name = yes',
    'ess_cert_id_chain = no',
    `ess_cert_id_alg = ${options.essCertIdAlg ?? 'sha256'}`,
    '',
  ].join('\n'));
  return { dir, rootDer: pemToDer(dir, 'root.pem'), tsaDer: pemToDer(dir, 'tsa.pem') };
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(server: http.Server): Promise<RunningServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** `openssl ts -reply` behind HTTP: each request body is written to a file and answered by OpenSSL. */
export function opensslTsaServer(pki: OpensslPki): http.Server {
  let n = 0;
  return http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const id = ++n;
      write(pki.dir, `q${id}.tsq`, body);
      try {
        await execFileAsync('openssl', ['ts', '-reply', '-config', 'ts.cnf', '-queryfile', `q${id}.tsq`, '-out', `r${id}.tsr`], { cwd: pki.dir });
        const reply = read(pki.dir, `r${id}.tsr`);
        res.writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': reply.length });
        res.end(reply);
      } catch (e) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(e));
      }
    })();
  });
}

/** A server whose handler sees the raw request body and answers as told (for misbehaving-TSA tests). */
export function scriptedServer(handler: (body: Buffer, req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>): http.Server {
  return http.createServer((req, res) => {
    void readBody(req).then((body) => handler(body, req, res));
  });
}

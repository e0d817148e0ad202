/**
 * TLS client-certificate authentication (one of the two ways ETDA's TSA authenticates callers): our client presents
 * an OpenSSL-made client certificate to an https server that requires one, and trusts the server via caPem.
 */
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevRootCa } from '../../src/signing/index.js';
import { createTimeStampAuthority, issueTsaCertificate } from '../../src/timestamp/authority/index.js';
import { createTsaClient, createTsaRequestHandler } from '../../src/timestamp/node.js';
import { opensslOk, scratchDir, write } from './tools.js';

describe('client over https with a TLS client certificate', () => {
  const dir = scratchDir('tsa-tls');
  const pem = (name: string): string => readFileSync(join(dir, name), 'utf8');
  let server: https.Server;
  let url: string;

  beforeAll(async () => {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    opensslOk(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=TLS test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'], dir);
    write(dir, 'ext.cnf', '[server]\nsubjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n[client]\nextendedKeyUsage = clientAuth\n');
    for (const who of ['server', 'client']) {
      opensslOk(['req', '-new', ...ec, '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=TLS test ${who}`], dir);
      opensslOk(['x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', who === 'server' ? '2' : '3', '-days', '2',
        '-extfile', 'ext.cnf', '-extensions', who, '-out', `${who}.pem`], dir);
    }
    const ca = await createDevRootCa();
    const handle = createTsaRequestHandler(await createTimeStampAuthority({ identity: await issueTsaCertificate(ca) }));
    server = https.createServer({ key: pem('server.key'), cert: pem('server.pem'), ca: pem('ca.pem'), requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void handle(new Uint8Array(Buffer.concat(chunks)), req.headers).then((reply) => {
          res.writeHead(reply.status, reply.headers);
          res.end(reply.body);
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));

  it('with the client certificate → a token', async () => {
    const client = createTsaClient({ url, caPem: pem('ca.pem'), clientCertificatePem: pem('client.pem'), clientKeyPem: pem('client.key') });
    const { tstInfo } = await client.timestamp(new Uint8Array(32).fill(7));
    client.close();
    expect(tstInfo.imprint.digest).toEqual(new Uint8Array(32).fill(7));
  });

  it('without it the handshake is refused → tsa_unreachable; an untrusted server → tsa_unreachable (TLS)', async () => {
    const anonymous = createTsaClient({ url, caPem: pem('ca.pem') });
    await expect(anonymous.timestamp(new Uint8Array(32))).rejects.toMatchObject({ code: 'tsa_unreachable' });
    anonymous.close();
    const distrustful = createTsaClient({ url, clientCertificatePem: pem('client.pem'), clientKeyPem: pem('client.key') });
    await expect(distrustful.timestamp(new Uint8Array(32))).rejects.toMatchObject({ code: 'tsa_unreachable', message: expect.stringMatching(/TLS connection failed/) });
    distrustful.close();
  });
});

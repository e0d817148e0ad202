import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../errors.js';
import type { BinaryHandler, Services } from '../services.js';

const BINARY_TYPES = ['application/ocsp-request', 'application/timestamp-query', 'application/pkix-crl'];

async function relay(handler: BinaryHandler, prefix: string, req: FastifyRequest, reply: FastifyReply) {
  const url = req.url.split('?')[0]!;
  const body = Buffer.isBuffer(req.body) ? new Uint8Array(req.body.buffer, req.body.byteOffset, req.body.byteLength) : undefined;
  const result = await handler({
    method: req.method,
    path: url.slice(prefix.length) || '/',
    ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
    ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    ...(body ? { body } : {}),
  });
  if (!result) return reply.status(404).send(errorBody('not_found', 'ไม่พบสิ่งที่ขอ', 'Not found'));
  reply.status(result.status).headers(result.headers);
  return reply.send(Buffer.from(result.body.buffer, result.body.byteOffset, result.body.byteLength));
}

/**
 * The development CA's CRL and OCSP endpoints (/pki/…) and the built-in time-stamping authority (/tsa): binary
 * protocols served as they are, in their own plugin scope so their body parsers apply nowhere else.
 */
export async function binaryEndpointRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.addContentTypeParser(BINARY_TYPES, { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));
  const pki = services.pki;
  if (pki) {
    app.route({
      method: ['GET', 'HEAD', 'POST', 'OPTIONS'],
      url: '/pki/*',
      schema: { hide: true },
      handler: (req, reply) => relay(pki, '/pki', req, reply),
    });
  }
  const tsa = services.tsa;
  if (tsa) {
    app.route({ method: ['POST'], url: '/tsa', schema: { hide: true }, handler: (req, reply) => relay(tsa, '/tsa', req, reply) });
  }
}

import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/errors.js';
import { documentIdParam, errorSchema } from '../schemas.js';
import type { Services } from '../services.js';

const notFound = () => new AppError('not_found', 404, { th: 'ไม่พบข้อมูลนี้ในบันทึกสาธารณะ', en: 'Not in the public log' });
const TEXT = 'text/plain; charset=utf-8';

/**
 * The public transparency log under /log: C2SP tlog-tiles (checkpoint, hash tiles, entry bundles — full tiles are
 * immutable and cached for long) and JSON conveniences (proof by document id, consistency, entries by range, key).
 */
export function publicLogRoutes(app: FastifyInstance, services: Services): void {
  const log = services.log;
  const tags = ['transparency log'];

  app.get('/log/checkpoint', { schema: { summary: 'Latest signed checkpoint (C2SP signed note)', tags } }, async (_req, reply) => {
    const cp = await log.checkpoint();
    if (!cp) throw notFound();
    return reply.type(TEXT).header('cache-control', 'no-cache').send(cp.note);
  });

  app.get('/log/key', { schema: { summary: "The log's Ed25519 verifier key (pin it in monitors)", tags } }, async (_req, reply) =>
    reply.type(TEXT).header('cache-control', 'public, max-age=86400').send(`${await log.verifierKey()}\n`),
  );

  app.get('/log/tile/*', { schema: { summary: 'Hash tiles and entry bundles (C2SP tlog-tiles)', tags } }, async (req, reply) => {
    const path = `tile/${(req.params as { '*': string })['*']}`;
    const bytes = await log.tile(path);
    if (!bytes) throw notFound();
    // A full tile never changes; a partial one is replaced by a wider one as the log grows.
    const full = !path.includes('.p/');
    reply.header('cache-control', full ? 'public, max-age=31536000, immutable' : 'public, max-age=60');
    return reply.type('application/octet-stream').send(Buffer.from(bytes));
  });

  app.get(
    '/log/proof/:id',
    {
      schema: {
        summary: "Inclusion proof of a document's issuance in the latest checkpoint / หลักฐานว่าเอกสารถูกบันทึกในบันทึกสาธารณะ",
        description: 'Returns { index, tree_size, leaf, proof: [base64…], checkpoint }. Check it with SHA-256 and the key at /log/key.',
        tags,
        params: documentIdParam,
        response: { 404: errorSchema },
      },
    },
    async (req, reply) => {
      const bundle = await log.proof((req.params as { id: string }).id);
      if (!bundle) throw notFound();
      reply.header('cache-control', 'no-cache');
      return bundle;
    },
  );

  app.get(
    '/log/inclusion',
    {
      schema: {
        summary: 'Inclusion proof of the leaf at an index, in the latest checkpoint',
        tags,
        querystring: { type: 'object', required: ['index'], additionalProperties: false, properties: { index: { type: 'string', pattern: '^[0-9]{1,15}$' } } },
        response: { 404: errorSchema },
      },
    },
    async (req, reply) => {
      const bundle = await log.proofAt(Number((req.query as { index: string }).index));
      if (!bundle) throw notFound();
      reply.header('cache-control', 'no-cache');
      return bundle;
    },
  );

  const sizeQuery = (names: string[]) => ({
    type: 'object',
    required: names,
    additionalProperties: false,
    properties: Object.fromEntries(names.map((n) => [n, { type: 'string', pattern: '^[0-9]{1,15}$' }])),
  });

  app.get('/log/consistency', { schema: { summary: 'Consistency proof between two tree sizes', tags, querystring: sizeQuery(['from', 'to']) } }, async (req) => {
    const q = req.query as { from: string; to: string };
    try {
      return { from: Number(q.from), to: Number(q.to), proof: await log.consistency(Number(q.from), Number(q.to)) };
    } catch (e) {
      if (e instanceof RangeError) throw new AppError('invalid_range', 422, { th: 'ช่วงขนาดไม่ถูกต้อง', en: e.message });
      throw e;
    }
  });

  app.get('/log/entries', { schema: { summary: 'Leaves by index range [start, end), at most 1000', tags, querystring: sizeQuery(['start', 'end']) } }, async (req) => {
    const q = req.query as { start: string; end: string };
    return { entries: await log.entries(Number(q.start), Number(q.end)) };
  });
}

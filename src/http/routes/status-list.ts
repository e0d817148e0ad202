import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/errors.js';
import { errorSchema } from '../schemas.js';
import type { Services } from '../services.js';

const slug = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } as const;

/**
 * GET /status/:agency/:type — the agency's signed Bitstring Status List for one document type. Everyone fetches the
 * same list, so the server learns nothing about which document a verifier checks; caches may keep it for a minute.
 */
export function statusListRoutes(app: FastifyInstance, services: Services): void {
  app.get(
    '/status/:agency/:type',
    {
      schema: {
        summary: 'Signed status list of an agency’s document type (W3C Bitstring Status List, JWS) / รายการสถานะเอกสาร',
        tags: ['public'],
        params: { type: 'object', required: ['agency', 'type'], properties: { agency: slug, type: slug } },
        response: { 404: errorSchema },
      },
    },
    async (req, reply) => {
      const { agency, type } = req.params as { agency: string; type: string };
      const jws = await services.statusList(agency, type);
      if (!jws) throw new AppError('not_found', 404, { th: 'ไม่พบรายการสถานะนี้', en: 'No such status list' });
      return reply.type('application/vc+jwt').header('cache-control', 'public, max-age=60').send(jws);
    },
  );
}

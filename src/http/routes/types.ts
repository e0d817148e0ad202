import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/errors.js';
import type { Services } from '../services.js';

export function typeRoutes(app: FastifyInstance, services: Services): void {
  app.get('/api/v1/types', { schema: { summary: 'Document types this deployment issues', tags: ['public'] } }, async () =>
    [...services.types.values()].map((t) => ({
      id: t.definition.id,
      version: t.definition.version,
      name: t.definition.name,
      legalBasis: t.definition.legalBasis,
      subjectKind: t.definition.subject.kind,
    })),
  );

  app.get(
    '/api/v1/types/:typeId',
    {
      schema: {
        summary: "A document type's definition and JSON Schema",
        tags: ['public'],
        params: { type: 'object', properties: { typeId: { type: 'string', maxLength: 64 } }, required: ['typeId'] },
      },
    },
    async (req) => {
      const t = services.types.get((req.params as { typeId: string }).typeId);
      if (!t) throw new AppError('unknown_type', 404, { th: 'ไม่รู้จักประเภทเอกสารนี้', en: 'Unknown document type' });
      return { definition: t.definition, schema: t.schema };
    },
  );
}

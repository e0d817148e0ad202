import type { FastifyInstance } from 'fastify';
import { STATUS_REASON_CODES } from '../../domain/lifecycle.js';
import { requireCaller } from '../auth.js';
import { documentIdParam, documentView, errorSchema } from '../schemas.js';
import type { Services, StatusChangeBody } from '../services.js';

const reason = { type: 'string', enum: STATUS_REASON_CODES, description: 'Why: issued_in_error, fraud, replaced, holder_request, court_order, other' } as const;
const note = { type: 'string', maxLength: 1000, description: "The agency's internal note (audit trail only; never published)" } as const;
const effectiveAt = { type: 'string', format: 'date-time', description: 'When the change takes effect (default now; not in the future)' } as const;

/** Status changes by the issuing agency (API key scope `documents:status`). */
export function lifecycleRoutes(app: FastifyInstance, services: Services): void {
  const secured = [{ apiKey: [] as string[] }];
  const titles = {
    revoke: 'Revoke a document (final) / เพิกถอนเอกสาร',
    suspend: 'Suspend a document / ระงับเอกสารชั่วคราว',
    reinstate: 'Reinstate a suspended document / คืนสถานะเอกสาร',
  } as const;
  for (const action of ['revoke', 'suspend', 'reinstate'] as const) {
    app.post(
      `/api/v1/documents/:id/${action}`,
      {
        schema: {
          summary: titles[action],
          tags: ['lifecycle'],
          security: secured,
          params: documentIdParam,
          body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason, note, effectiveAt } },
          response: { 200: documentView, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema },
        },
      },
      async (req) => {
        const caller = await requireCaller(services, req, 'documents:status');
        return services.changeStatus(caller, action, (req.params as { id: string }).id, req.body as StatusChangeBody);
      },
    );
  }

  app.post(
    '/api/v1/documents/:id/supersede',
    {
      schema: {
        summary: 'Issue a corrected successor and mark this document superseded / ออกฉบับแก้ไขแทน',
        tags: ['lifecycle'],
        security: secured,
        params: documentIdParam,
        body: {
          type: 'object',
          required: ['data'],
          additionalProperties: false,
          properties: { data: { type: 'object', description: 'The corrected document data (same type)' }, reason, note },
        },
        response: {
          201: { type: 'object', properties: { old: documentView, successor: documentView } },
          401: errorSchema,
          403: errorSchema,
          404: errorSchema,
          409: errorSchema,
          422: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const caller = await requireCaller(services, req, 'documents:status');
      const r = await services.supersede(caller, (req.params as { id: string }).id, req.body as StatusChangeBody & { data: unknown });
      reply.header('location', `/api/v1/documents/${r.successor.id}`);
      return reply.status(201).send(r);
    },
  );
}

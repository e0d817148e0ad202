import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/errors.js';
import { requireCaller } from '../auth.js';
import { documentIdParam, documentView, errorSchema, publicStatusSchema } from '../schemas.js';
import type { IssuedDocumentView, Services } from '../services.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

function withLinks(services: Services, doc: IssuedDocumentView) {
  return {
    ...doc,
    links: {
      self: `${services.publicUrl}/api/v1/documents/${doc.id}`,
      pdf: `${services.publicUrl}/api/v1/documents/${doc.id}/pdf`,
      status: `${services.publicUrl}/api/v1/documents/${doc.id}/status`,
      verify: `${services.publicUrl}/v/${doc.id}`,
    },
  };
}

export function documentRoutes(app: FastifyInstance, services: Services): void {
  const secured = [{ apiKey: [] as string[] }];

  app.post(
    '/api/v1/documents',
    {
      schema: {
        summary: 'Issue one document (render, sign, record) / ออกเอกสารหนึ่งฉบับ',
        tags: ['documents'],
        security: secured,
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', description: 'Same key + same body → the same document; same key + other body → 409' } },
        },
        body: {
          type: 'object',
          required: ['type', 'data'],
          additionalProperties: false,
          properties: {
            type: { type: 'string', minLength: 1, maxLength: 64, description: 'Document type id, e.g. training-certificate' },
            data: { type: 'object', description: "The document's fields, validated against the type's JSON Schema" },
          },
        },
        response: { 200: documentView, 201: documentView, 401: errorSchema, 404: errorSchema, 409: errorSchema, 413: errorSchema, 422: errorSchema },
      },
    },
    async (req, reply) => {
      const caller = await requireCaller(services, req, 'documents:issue');
      const key = req.headers['idempotency-key'];
      if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
        throw new AppError('invalid_idempotency_key', 422, {
          th: 'Idempotency-Key ต้องเป็นตัวอักษรอังกฤษ ตัวเลข หรือ _ . : - ยาว 1–128 ตัว',
          en: 'Idempotency-Key must be 1–128 characters of A–Z, a–z, 0–9, _ . : -',
        });
      }
      const body = req.body as { type: string; data: unknown };
      const { document, created } = await services.issue({ caller, typeId: body.type, data: body.data, idempotencyKey: key });
      reply.header('location', `/api/v1/documents/${document.id}`);
      return reply.status(created ? 201 : 200).send(withLinks(services, document));
    },
  );

  app.get(
    '/api/v1/documents/:id',
    {
      schema: {
        summary: "A document's record, data included (issuing agency only)",
        tags: ['documents'],
        security: secured,
        params: documentIdParam,
        response: {
          200: { ...documentView, properties: { ...documentView.properties, data: { type: 'object', additionalProperties: true } } },
          401: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = await requireCaller(services, req, 'documents:read');
      const doc = await services.getDocument(caller, (req.params as { id: string }).id);
      // Another agency's document answers 404, not 403: its existence is not the caller's business.
      if (!doc) throw new AppError('not_found', 404, { th: 'ไม่พบเอกสาร', en: 'Document not found' });
      return { ...withLinks(services, doc), data: doc.data };
    },
  );

  app.get(
    '/api/v1/documents/:id/pdf',
    {
      schema: {
        summary: 'The signed PDF (issuing agency only)',
        tags: ['documents'],
        security: secured,
        params: documentIdParam,
        response: { 401: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const caller = await requireCaller(services, req, 'documents:read');
      const id = (req.params as { id: string }).id;
      const pdf = await services.getPdf(caller, id);
      if (!pdf) throw new AppError('not_found', 404, { th: 'ไม่พบเอกสาร', en: 'Document not found' });
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${id}.pdf"`)
        .send(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
    },
  );

  app.get(
    '/api/v1/documents/:id/status',
    {
      schema: {
        summary: 'Public status of a document — no personal data / สถานะเอกสาร (ไม่มีข้อมูลส่วนบุคคล)',
        tags: ['public'],
        params: documentIdParam,
        response: { 200: publicStatusSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const status = await services.publicStatus((req.params as { id: string }).id);
      if (!status) throw new AppError('not_found', 404, { th: 'ไม่พบเอกสาร', en: 'Document not found' });
      reply.header('cache-control', 'public, max-age=60');
      return status;
    },
  );
}

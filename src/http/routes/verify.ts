import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/errors.js';
import { errorSchema, reportSchema } from '../schemas.js';
import type { Services } from '../services.js';

/** Registered as its own plugin so the raw-PDF body parser applies to this route only. */
export async function verifyRoutes(app: FastifyInstance, services: Services): Promise<void> {
  // PDFs arrive as raw bytes. Fastify enforces bodyLimit while reading, before anything is parsed.
  app.addContentTypeParser(['application/pdf', 'application/octet-stream'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post(
    '/api/v1/verify',
    {
      schema: {
        summary: 'Verify a PDF (send the file as the body) / ตรวจสอบไฟล์ PDF',
        description: 'Body: the PDF bytes with Content-Type application/pdf. Add ?offline=true to skip the registry status check.',
        tags: ['public'],
        querystring: { type: 'object', properties: { offline: { type: 'string', enum: ['true', 'false'] } }, additionalProperties: false },
        response: { 200: reportSchema, 413: errorSchema, 415: errorSchema },
      },
    },
    async (req) => {
      const body = req.body;
      if (!Buffer.isBuffer(body)) {
        throw new AppError('unsupported_media_type', 415, {
          th: 'ส่งไฟล์ PDF เป็นเนื้อหาของคำขอ (Content-Type: application/pdf)',
          en: 'Send the PDF as the request body with Content-Type: application/pdf',
        });
      }
      if (body.length === 0) {
        throw new AppError('empty_body', 400, { th: 'ไม่ได้แนบไฟล์ PDF มากับคำขอ', en: 'The request body is empty: send the PDF file' });
      }
      const offline = (req.query as { offline?: string }).offline === 'true';
      return services.verify(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), { offline });
    },
  );
}

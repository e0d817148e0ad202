import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/errors.js';
import { digestsSchema, documentIdParam, errorSchema, registryStatusSchema, trustBundleSchema } from '../schemas.js';
import type { Services } from '../services.js';
import type { RegistryDigests } from '../../verify/index.js';

/**
 * What a verifier outside this server needs: the trust bundle (roots and issuer directory) and the registry's answer
 * for a held file's digests. The browser verify page uses exactly these two, so the file never leaves the browser.
 */
export function publicRegistryRoutes(app: FastifyInstance, services: Services): void {
  app.get(
    '/api/v1/trust',
    {
      schema: {
        summary: 'Trust bundle: root certificates and the issuer directory / ใบรับรองหลักและรายชื่อหน่วยงานผู้ออกเอกสาร',
        description: 'Which agency signs with which certificate and may issue which document type. Public facts only.',
        tags: ['public'],
        response: { 200: trustBundleSchema },
      },
    },
    async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return services.trustBundle();
    },
  );

  app.post(
    '/api/v1/documents/:id/check',
    {
      schema: {
        summary: 'Does a held file match the registry? / ตรวจไฟล์กับทะเบียนด้วยค่าแฮช',
        description:
          'Send the SHA-256 of the PDF and of the embedded data fields (never the file). The answer says whether they match ' +
          'the registry and gives the public status (reason, date, successor). Sent as a POST body so digests stay out of URLs and logs.',
        tags: ['public'],
        params: documentIdParam,
        body: digestsSchema,
        response: { 200: registryStatusSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const r = await services.checkDigests((req.params as { id: string }).id, req.body as RegistryDigests);
      if (!r) throw new AppError('not_found', 404, { th: 'ไม่พบเอกสาร', en: 'Document not found' });
      reply.header('cache-control', 'no-store');
      return r;
    },
  );
}

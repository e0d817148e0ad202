import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { progressOf, type BatchProgress } from '../../bulk/bulk-service.js';
import { formatFromContentType } from '../../bulk/input/index.js';
import { resultsCsvStream, zipStream } from '../../bulk/output/index.js';
import { AppError } from '../../domain/errors.js';
import { isPadesLevel } from '../../issuance/sign-pdf.js';
import { requireCaller } from '../auth.js';
import { errorSchema } from '../schemas.js';
import type { Services } from '../services.js';

/** Upload limit for one batch file; the body is streamed, so this bounds disk and time, not memory. */
export const MAX_BATCH_BYTES = (() => {
  const raw = process.env.EKASARN_BULK_MAX_BYTES;
  if (raw === undefined || raw === '') return 1024 ** 3;
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) throw new Error(`EKASARN_BULK_MAX_BYTES must be a whole number of bytes, got "${raw}"`);
  return Number(raw);
})();
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;
const BATCH_ID = '^[A-Za-z0-9_-]{22}$';

const batchIdParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: BATCH_ID } } } as const;

const progressSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    state: { type: 'string', enum: ['receiving', 'queued', 'completed', 'failed'] },
    type: { type: 'string' },
    sourceName: { type: 'string' },
    level: { type: 'string' },
    total: { type: 'integer' },
    issued: { type: 'integer' },
    existing: { type: 'integer', description: 'Rows whose key already had a document with the same data' },
    failed: { type: 'integer' },
    done: { type: 'integer' },
    createdAt: { type: 'string' },
    completedAt: { type: ['string', 'null'] },
    links: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

/** Counts the bytes of an upload as they pass and stops it at the limit with a clear 413. */
async function* limited(source: AsyncIterable<Uint8Array | string>, max: number): AsyncGenerator<Uint8Array | string> {
  let seen = 0;
  for await (const chunk of source) {
    seen += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (seen > max) {
      throw new AppError('payload_too_large', 413, {
        th: `ไฟล์ใหญ่เกิน ${Math.floor(max / 1024 ** 2)} MiB ที่รับได้ต่อหนึ่งชุด`,
        en: `The file exceeds the ${Math.floor(max / 1024 ** 2)} MiB allowed for one batch`,
      });
    }
    yield chunk;
  }
}

function withLinks(services: Services, p: BatchProgress) {
  const base = `${services.publicUrl}/api/v1/batches/${p.id}`;
  return { ...p, links: { self: base, events: `${base}/events`, results: `${base}/results.csv`, documents: `${base}/documents.zip` } };
}

async function ownBatch(services: Services, req: FastifyRequest, scope: string) {
  const caller = await requireCaller(services, req, scope);
  return services.bulk.get((req.params as { id: string }).id, caller.agencyId);
}

/**
 * Bulk issuance over HTTP. The upload is the raw file (text/csv or application/x-ndjson), streamed into the batch as
 * it arrives; the answer comes once every row is stored (202: issuing goes on in the background). Progress: poll the
 * batch, or follow its server-sent events. Results and PDFs stream out, so a 100,000-row batch needs no memory.
 */
export async function batchRoutes(app: FastifyInstance, services: Services): Promise<void> {
  // The raw body stream is handed to the route; nothing is buffered or parsed by Fastify.
  app.addContentTypeParser(['text/csv', 'application/x-ndjson', 'application/jsonl', 'application/x-jsonlines'], (_req, payload, done) => done(null, payload));

  app.post(
    '/api/v1/batches',
    {
      schema: {
        summary: 'Issue a batch: one document per CSV row or JSONL line / ออกเอกสารเป็นชุดจากไฟล์ CSV หรือ JSONL',
        tags: ['batches'],
        security: [{ apiKey: [] }],
        querystring: {
          type: 'object',
          required: ['type'],
          additionalProperties: false,
          properties: {
            type: { type: 'string', minLength: 1, maxLength: 64, description: 'Document type id' },
            keyColumn: { type: 'string', minLength: 1, maxLength: 100, description: "Column whose value is each row's idempotency key" },
            level: { type: 'string', enum: ['B-B', 'B-T', 'B-LT', 'B-LTA'] },
            name: { type: 'string', maxLength: 200, description: 'File name to show in lists and results' },
          },
        },
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', description: 'Same key → the same batch, not a second one' } } },
        response: { 200: progressSchema, 202: progressSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 413: errorSchema, 415: errorSchema },
      },
    },
    async (req, reply) => {
      const caller = await requireCaller(services, req, 'documents:issue');
      const q = req.query as { type: string; keyColumn?: string; level?: string; name?: string };
      const format = formatFromContentType(req.headers['content-type']);
      if (!format) {
        throw new AppError('unsupported_media_type', 415, {
          th: 'ส่งไฟล์เป็น text/csv หรือ application/x-ndjson',
          en: 'Send the file as text/csv or application/x-ndjson',
        });
      }
      const key = req.headers['idempotency-key'];
      if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
        throw new AppError('invalid_idempotency_key', 422, {
          th: 'Idempotency-Key ต้องเป็นตัวอักษรอังกฤษ ตัวเลข หรือ _ . : - ยาว 1–128 ตัว',
          en: 'Idempotency-Key must be 1–128 characters of A–Z, a–z, 0–9, _ . : -',
        });
      }
      const level = q.level && isPadesLevel(q.level) ? q.level : services.defaultLevel;
      const { batch, created } = await services.bulk.submit({
        agencyId: caller.agencyId,
        typeId: q.type,
        format,
        sourceName: q.name ?? `upload.${format}`,
        source: limited(req.body as AsyncIterable<Uint8Array>, MAX_BATCH_BYTES),
        idempotencyColumn: q.keyColumn,
        clientKey: key ? `api:${key}` : undefined,
        level,
        actor: `apikey:${caller.keyId}`,
      });
      // A repeated key returns the earlier batch without reading this upload: drain it so the connection is reusable.
      if (!created) (req.body as NodeJS.ReadableStream).resume();
      reply.header('location', `/api/v1/batches/${batch.id}`);
      return reply.status(created ? 202 : 200).send(withLinks(services, progressOf(batch)));
    },
  );

  app.get(
    '/api/v1/batches/:id',
    { schema: { summary: "A batch's progress / ความคืบหน้าของชุดเอกสาร", tags: ['batches'], security: [{ apiKey: [] }], params: batchIdParam, response: { 200: progressSchema, 401: errorSchema, 404: errorSchema } } },
    async (req) => withLinks(services, progressOf(await ownBatch(services, req, 'documents:read'))),
  );

  app.get(
    '/api/v1/batches/:id/events',
    { schema: { summary: 'Server-sent events: progress until the batch completes', tags: ['batches'], security: [{ apiKey: [] }], params: batchIdParam } },
    async (req, reply) => {
      const batch = await ownBatch(services, req, 'documents:read');
      streamProgress(services, batch.id, reply);
    },
  );

  app.get(
    '/api/v1/batches/:id/results.csv',
    { schema: { summary: 'Every row with its outcome, document id, serial and problems (CSV, UTF-8 with BOM)', tags: ['batches'], security: [{ apiKey: [] }], params: batchIdParam } },
    async (req, reply) => {
      const batch = await ownBatch(services, req, 'documents:read');
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="batch-${batch.id}-results.csv"`);
      return reply.send(resultsCsvStream(services.bulk.results(batch.id)));
    },
  );

  app.get(
    '/api/v1/batches/:id/documents.zip',
    { schema: { summary: 'The PDFs this batch issued, as a streamed zip', tags: ['batches'], security: [{ apiKey: [] }], params: batchIdParam } },
    async (req, reply) => {
      const batch = await ownBatch(services, req, 'documents:read');
      reply.header('content-type', 'application/zip');
      reply.header('content-disposition', `attachment; filename="batch-${batch.id}.zip"`);
      return reply.send(zipStream(services.bulk.pdfs(batch.id)));
    },
  );
}

/**
 * Progress as server-sent events: a `progress` event whenever the counts change (checked twice a second, from the
 * database, so it works whichever server issues the rows) and a final `done` event. Counts and ids only.
 */
export function streamProgress(services: Pick<Services, "bulk">, batchId: string, reply: FastifyReply): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  let last = '';
  let closed = false;
  let ticks = 0;
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const tick = async () => {
    if (closed) return;
    try {
      const p = progressOf(await services.bulk.get(batchId));
      const text = JSON.stringify(p);
      if (text !== last) {
        last = text;
        send('progress', p);
      } else if (++ticks % 30 === 0) res.write(': keep-alive\n\n');
      if (p.state === 'completed' || p.state === 'failed') {
        send('done', p);
        closed = true;
        res.end();
        return;
      }
    } catch {
      closed = true;
      res.end();
      return;
    }
    setTimeout(() => void tick(), 500);
  };
  res.on('close', () => (closed = true));
  void tick();
}

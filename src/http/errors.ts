import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';

/**
 * One error shape for the whole API: { error: { code, message: {th, en}, details? } }. Schema violations of the
 * request envelope become 422 with one entry per field; oversized bodies 413 naming the limit; anything unexpected
 * is logged server-side and answered as a bare 500 — no stack traces leave the server.
 */
export function errorBody(code: string, th: string, en: string, details?: unknown) {
  return { error: { code, message: { th, en }, ...(details === undefined ? {} : { details }) } };
}

export function makeErrorHandler(bodyLimit: number) {
  return function handle(err: FastifyError | AppError, req: FastifyRequest, reply: FastifyReply) {
    if (err instanceof AppError) {
      return reply.status(err.httpStatus).send(errorBody(err.code, err.text.th, err.text.en, err.details));
    }
    if (err.validation) {
      const details = err.validation.map((v) => {
        const field = [err.validationContext, v.instancePath.replace(/^\//, '').replace(/\//g, '.')]
          .concat(v.keyword === 'required' ? [String((v.params as { missingProperty?: string }).missingProperty)] : [])
          .filter(Boolean)
          .join('.');
        const th = v.keyword === 'required' ? `ต้องระบุ ${field}` : v.keyword === 'additionalProperties' ? `มีช่องที่ไม่รู้จักใน ${field || 'คำขอ'}` : `ค่าของ ${field} ไม่ถูกต้อง (${v.keyword})`;
        return { field, problem: v.keyword, message: { th, en: `${field} ${v.message ?? 'is invalid'}` } };
      });
      return reply.status(422).send(errorBody('invalid_request', 'คำขอไม่ถูกต้อง', 'The request is invalid', details));
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
      const mb = (bodyLimit / 1024 / 1024).toFixed(0);
      return reply
        .status(413)
        .send(errorBody('body_too_large', `ข้อมูลที่ส่งมีขนาดเกินกำหนด (สูงสุด ${mb} MB)`, `The request body exceeds the limit of ${bodyLimit} bytes (${mb} MB)`, { limitBytes: bodyLimit }));
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.statusCode === 415) {
      return reply.status(415).send(errorBody('unsupported_media_type', 'ชนิดของข้อมูลไม่รองรับ', `Unsupported Content-Type: ${req.headers['content-type'] ?? 'none'}`));
    }
    if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err.statusCode === 400 && err instanceof SyntaxError)) {
      return reply.status(400).send(errorBody('invalid_json', 'ข้อมูล JSON ไม่ถูกต้อง', 'The body is not valid JSON'));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send(errorBody('bad_request', 'คำขอไม่ถูกต้อง', err.message));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody('internal', 'ระบบขัดข้อง กรุณาลองใหม่ภายหลัง', 'Internal error; please try again later'));
  };
}

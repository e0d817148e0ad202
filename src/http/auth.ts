import type { FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';
import type { Caller, Services } from './services.js';

/** API keys arrive as `Authorization: Bearer ek_…` or `X-API-Key: ek_…`. */
function presentedKey(req: FastifyRequest): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+\S+$/i.test(auth)) return auth.replace(/^Bearer\s+/i, '');
  const key = req.headers['x-api-key'];
  return typeof key === 'string' && key.length > 0 ? key : null;
}

export async function requireCaller(services: Services, req: FastifyRequest, scope: string): Promise<Caller> {
  const key = presentedKey(req);
  if (!key) throw new AppError('unauthenticated', 401, { th: 'ต้องแนบกุญแจ API (Authorization: Bearer …)', en: 'An API key is required (Authorization: Bearer …)' });
  const caller = await services.authenticate(key);
  if (!caller) throw new AppError('unauthenticated', 401, { th: 'กุญแจ API ไม่ถูกต้องหรือถูกยกเลิกแล้ว', en: 'The API key is invalid or revoked' });
  if (!caller.scopes.includes(scope)) {
    throw new AppError('forbidden', 403, { th: `กุญแจ API นี้ไม่มีสิทธิ์ ${scope}`, en: `This API key lacks the scope ${scope}` });
  }
  return caller;
}

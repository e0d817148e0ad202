import type { Kysely } from 'kysely';
import {
  appendAuditEvent,
  createApiKey,
  getAgencyApiKey,
  listApiKeys as listAgencyKeys,
  revokeApiKey as revokeKey,
  withTransaction,
  type ApiKeyInfo,
  type CreatedApiKey,
  type Database,
} from '../../store/index.js';
import { actorOf, notFoundError, requireRole, type ActingOfficer } from './acting-officer.js';
import { inputError } from './input-problems.js';

/** What an agency administrator may grant a key: the API's scopes, nothing else. */
export const API_KEY_SCOPES = ['documents:issue', 'documents:read', 'documents:status', 'webhooks:manage'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const API_KEY = { th: 'กุญแจ API', en: 'API key' };

/** The agency's keys: label, scopes, when created and revoked — never the secret or its hash. */
export async function listApiKeys(db: Kysely<Database>, officer: ActingOfficer): Promise<ApiKeyInfo[]> {
  requireRole(officer, 'agency_admin');
  return listAgencyKeys(db, officer.agencyId);
}

/** Creates a key for the officer's agency; the answer carries the secret, which cannot be shown again. */
export async function createAgencyApiKey(
  db: Kysely<Database>,
  officer: ActingOfficer,
  input: { label: unknown; scopes: unknown },
): Promise<CreatedApiKey> {
  requireRole(officer, 'agency_admin');
  const label = typeof input?.label === 'string' ? input.label.normalize('NFC').trim() : undefined;
  if (!label || label.length > 200 || /[\u0000-\u001f\u007f]/.test(label)) {
    throw inputError('label', { th: 'ต้องระบุชื่อกุญแจ (1–200 ตัวอักษร ไม่มีอักขระควบคุม)', en: 'label must be 1–200 characters without control characters' }, 'label');
  }
  const scopes = input.scopes;
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw inputError('scopes', { th: `ต้องเลือกสิทธิ์อย่างน้อยหนึ่งรายการจาก ${API_KEY_SCOPES.join(', ')}`, en: `choose at least one scope of ${API_KEY_SCOPES.join(', ')}` }, 'required');
  }
  for (const [i, s] of scopes.entries()) {
    if (typeof s !== 'string' || !(API_KEY_SCOPES as readonly string[]).includes(s)) {
      throw inputError(`scopes[${i}]`, { th: `ไม่รู้จักสิทธิ์ "${String(s)}" (ใช้ได้: ${API_KEY_SCOPES.join(', ')})`, en: `unknown scope "${String(s)}" (allowed: ${API_KEY_SCOPES.join(', ')})` }, 'enum');
    }
  }
  return withTransaction(db, async (trx) => {
    const key = await createApiKey(trx, officer.agencyId, label, scopes as string[]);
    // The label is the administrator's free text: the key id and scopes identify the key well enough for the trail.
    await appendAuditEvent(trx, {
      actor: actorOf(officer),
      action: 'api-key.created',
      agencyId: officer.agencyId,
      source: officer.source,
      details: { keyId: key.id, scopes: key.scopes },
    });
    return key;
  });
}

/** Revokes one of the agency's keys; revoking a key already revoked answers it unchanged. */
export async function revokeApiKey(db: Kysely<Database>, officer: ActingOfficer, keyId: string): Promise<ApiKeyInfo> {
  requireRole(officer, 'agency_admin');
  return withTransaction(db, async (trx) => {
    const key = await getAgencyApiKey(trx, officer.agencyId, keyId);
    if (!key) throw notFoundError(API_KEY);
    if (key.revokedAt !== null) return key;
    // The key was read as this agency's inside this transaction, so revoking it by id revokes this agency's key.
    const at = new Date();
    if (!(await revokeKey(trx, key.id, at))) return (await getAgencyApiKey(trx, officer.agencyId, key.id))!;
    await appendAuditEvent(trx, {
      actor: actorOf(officer),
      action: 'api-key.revoked',
      agencyId: officer.agencyId,
      source: officer.source,
      details: { keyId: key.id },
    });
    return { ...key, revokedAt: at.toISOString() };
  });
}

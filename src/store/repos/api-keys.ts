import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Executor } from '../db/transaction.js';
import { nowIso, slug, StoreInputError, text } from '../validate.js';

/**
 * API keys for agencies' systems. The secret is shown once, at creation, as `ek_<keyId>_<secret>`; the database keeps
 * only SHA-256(secret), so a copy of the database does not hand out working keys. A plain (unsalted) hash is enough
 * because the secret is 256 random bits, not a password someone chose.
 */
export interface ApiKeyInfo {
  id: string;
  agencyId: string;
  label: string;
  scopes: string[];
  createdAt: string;
  revokedAt: string | null;
}

export interface CreatedApiKey extends ApiKeyInfo {
  /** The full key to give to the client. Not stored; cannot be shown again. */
  secret: string;
}

export interface AuthenticatedKey {
  keyId: string;
  agencyId: string;
  scopes: string[];
}

const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
// keyId is hex (no "_"), so the first two underscores delimit it even though the secret may contain "_".
const PRESENTED_PATTERN = /^ek_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const SCOPE_PATTERN = /^[a-z][a-z0-9:._-]{0,63}$/;

function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

function checkScopes(scopes: unknown): string[] {
  if (!Array.isArray(scopes) || scopes.length === 0) throw new StoreInputError('apiKey.scopes', 'a non-empty array of scope names');
  for (const [i, s] of scopes.entries()) {
    if (typeof s !== 'string' || !SCOPE_PATTERN.test(s)) {
      throw new StoreInputError(`apiKey.scopes[${i}]`, 'a scope name like "documents:issue" (a-z, 0-9, ":", ".", "_", "-")');
    }
  }
  return [...new Set(scopes as string[])];
}

export async function createApiKey(db: Executor, agencyId: string, label: string, scopes: string[]): Promise<CreatedApiKey> {
  const row = {
    id: randomBytes(8).toString('hex'),
    agency_id: slug('apiKey.agencyId', agencyId),
    label: text('apiKey.label', label, { max: 200 }),
    scopes: checkScopes(scopes).join(' '),
    created_at: nowIso(),
    revoked_at: null,
  };
  const secret = randomBytes(32).toString('base64url');
  await db.insertInto('api_keys').values({ ...row, key_hash: sha256Hex(secret) }).execute();
  return {
    id: row.id,
    agencyId: row.agency_id,
    label: row.label,
    scopes: row.scopes.split(' '),
    createdAt: row.created_at,
    revokedAt: null,
    secret: `ek_${row.id}_${secret}`,
  };
}

/**
 * Checks a presented key. Returns null for anything that is not a live key — malformed, unknown id, wrong secret,
 * revoked — without saying which, so a caller cannot probe for valid key ids. The hash comparison is constant-time.
 */
export async function authenticateApiKey(db: Executor, presented: unknown): Promise<AuthenticatedKey | null> {
  if (typeof presented !== 'string' || presented.length > 100) return null;
  const match = PRESENTED_PATTERN.exec(presented);
  if (!match) return null;
  const [, keyId, secret] = match as unknown as [string, string, string];
  if (!KEY_ID_PATTERN.test(keyId) || !SECRET_PATTERN.test(secret)) return null;
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'agency_id', 'key_hash', 'scopes', 'revoked_at'])
    .where('id', '=', keyId)
    .executeTakeFirst();
  // Hash even when the id is unknown so both paths cost the same.
  const presentedHash = Buffer.from(sha256Hex(secret), 'hex');
  const storedHash = Buffer.from(row?.key_hash ?? '0'.repeat(64), 'hex');
  const equal = storedHash.length === presentedHash.length && timingSafeEqual(storedHash, presentedHash);
  if (!row || !equal || row.revoked_at !== null) return null;
  return { keyId: row.id, agencyId: row.agency_id, scopes: row.scopes.split(' ') };
}

/** Revokes a key (kept for the audit trail). Returns false when no such live key exists. */
export async function revokeApiKey(db: Executor, keyId: string, at: Date = new Date()): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: at.toISOString() })
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function listApiKeys(db: Executor, agencyId: string): Promise<ApiKeyInfo[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'agency_id', 'label', 'scopes', 'created_at', 'revoked_at'])
    .where('agency_id', '=', agencyId)
    .orderBy('created_at')
    .execute();
  return rows.map(toApiKeyInfo);
}

function toApiKeyInfo(r: { id: string; agency_id: string; label: string; scopes: string; created_at: string; revoked_at: string | null }): ApiKeyInfo {
  return { id: r.id, agencyId: r.agency_id, label: r.label, scopes: r.scopes.split(' '), createdAt: r.created_at, revokedAt: r.revoked_at };
}

/** One key of one agency (never the hash); null when absent or another agency's. */
export async function getAgencyApiKey(db: Executor, agencyId: string, keyId: string): Promise<ApiKeyInfo | null> {
  if (typeof keyId !== 'string' || !KEY_ID_PATTERN.test(keyId)) return null;
  const r = await db
    .selectFrom('api_keys')
    .select(['id', 'agency_id', 'label', 'scopes', 'created_at', 'revoked_at'])
    .where('id', '=', keyId)
    .where('agency_id', '=', agencyId)
    .executeTakeFirst();
  return r ? toApiKeyInfo(r) : null;
}

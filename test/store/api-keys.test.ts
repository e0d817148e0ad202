import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from '../../src/store/repos/api-keys.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';
import { AGENCY, seedAgencyAndType } from './fixtures.js';

describeEachDialect('api keys', (dialect) => {
  const t = useTestDatabase(dialect);

  it('create returns ek_<keyid>_<secret> once; the database holds only the SHA-256 of the secret', async () => {
    const { db } = t();
    await seedAgencyAndType(db);
    const key = await createApiKey(db, AGENCY, 'ระบบงานทะเบียน', ['documents:issue', 'documents:read']);
    const match = /^ek_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/.exec(key.secret);
    expect(match).not.toBeNull();
    expect(match![1]).toBe(key.id);
    const row = await db.selectFrom('api_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(createHash('sha256').update(match![2]!).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(match![2]!);
    expect(row.scopes).toBe('documents:issue documents:read');
    const listed = await listApiKeys(db, AGENCY);
    expect(listed).toHaveLength(1);
    expect(listed[0]).not.toHaveProperty('secret');
  });

  it('authenticate: the right key gives agency and scopes; a wrong secret, unknown id or malformed key gives null', async () => {
    const { db } = t();
    const key = await createApiKey(db, AGENCY, 'batch uploader', ['documents:issue']);
    expect(await authenticateApiKey(db, key.secret)).toEqual({ keyId: key.id, agencyId: AGENCY, scopes: ['documents:issue'] });

    const secret = key.secret.slice(20);
    const flipped = secret[0] === 'A' ? `B${secret.slice(1)}` : `A${secret.slice(1)}`;
    expect(await authenticateApiKey(db, `ek_${key.id}_${flipped}`)).toBeNull();
    expect(await authenticateApiKey(db, `ek_0000000000000000_${secret}`)).toBeNull();
    for (const bad of ['', 'ek_', key.secret + 'x', key.secret.slice(0, -1), ` ${key.secret}`, 42, null, undefined, {}]) {
      expect(await authenticateApiKey(db, bad)).toBeNull();
    }
    // Another key's secret does not open this key id.
    const other = await createApiKey(db, AGENCY, 'other', ['documents:read']);
    expect(await authenticateApiKey(db, `ek_${key.id}_${other.secret.slice(20)}`)).toBeNull();
  });

  it('a revoked key no longer authenticates; revoking twice reports false', async () => {
    const { db } = t();
    const key = await createApiKey(db, AGENCY, 'to revoke', ['documents:read']);
    expect(await authenticateApiKey(db, key.secret)).not.toBeNull();
    expect(await revokeApiKey(db, key.id)).toBe(true);
    expect(await authenticateApiKey(db, key.secret)).toBeNull();
    expect(await revokeApiKey(db, key.id)).toBe(false);
    expect((await listApiKeys(db, AGENCY)).find((k) => k.id === key.id)?.revokedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('invalid scopes, label or unknown agency are refused', async () => {
    const { db } = t();
    await expect(createApiKey(db, AGENCY, 'x', [])).rejects.toMatchObject({ field: 'apiKey.scopes' });
    await expect(createApiKey(db, AGENCY, 'x', ['has space'])).rejects.toMatchObject({ field: 'apiKey.scopes[0]' });
    await expect(createApiKey(db, AGENCY, '', ['a'])).rejects.toMatchObject({ field: 'apiKey.label' });
    await expect(createApiKey(db, 'no-such-agency', 'x', ['a'])).rejects.toThrow();
  });
});

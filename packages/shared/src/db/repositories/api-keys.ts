import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../schema.ts';
import type { ApiKeyRow } from '../tables/api-keys.ts';

type Db = Kysely<DB> | Transaction<DB>;

export const hashKey = (key: string): string => hash('sha256', key, 'hex');

/** A new random key: shown once, stored only as its hash. */
export const generateKey = (prefix = 'tzk'): string => `${prefix}_${randomBytes(24).toString('base64url')}`;

/** Constant-time comparison of two keys (through their hashes, so lengths never leak). */
export function sameKey(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(hashKey(a), 'hex'), Buffer.from(hashKey(b), 'hex'));
}

export const apiKeysRepo = {
  async create(db: Db, scope: string, label: string | null): Promise<{ row: ApiKeyRow; key: string }> {
    const key = generateKey();
    const row = await db
      .insertInto('api_keys')
      .values({ id: randomUUID(), hash: hashKey(key), scope, label, revoked_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { row, key };
  },

  /** The key's row when it exists and is not revoked. The lookup is by hash (an index), not by the key. */
  findActive(db: Db, key: string): Promise<ApiKeyRow | undefined> {
    return apiKeysRepo.findActiveByHash(db, hashKey(key));
  },

  /** The same, for a caller that holds only the key's hash (a stream token records the hash of the key that made it). */
  findActiveByHash(db: Db, digest: string): Promise<ApiKeyRow | undefined> {
    return db
      .selectFrom('api_keys')
      .selectAll()
      .where('hash', '=', digest)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  },

  list(db: Db): Promise<ApiKeyRow[]> {
    return db.selectFrom('api_keys').selectAll().orderBy('created_at').execute();
  },

  async revoke(db: Db, id: string): Promise<boolean> {
    const r = await db
      .updateTable('api_keys')
      .set({ revoked_at: sql`now()` })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },
};

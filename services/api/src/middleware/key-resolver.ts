import { timingSafeEqual } from 'node:crypto';
import { apiKeysRepo, hashKey } from '@turbozap/shared/db/repositories/api-keys';
import type { DB } from '@turbozap/shared/db/schema';
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';

export type Principal = { kind: 'admin' } | { kind: 'instance'; instanceId: string };

/**
 * The shape of every key the database can hold: `generateKey()` (api-keys.ts) makes
 * `tzk_` + 24 random bytes in base64url, for `POST /instance/create` and `turbozap keys
 * create` alike. Anything else cannot match a row, so it costs no query.
 */
const databaseKey = /^tzk_[A-Za-z0-9_-]{32}$/;

/** How long an answer from the database stands: a revoked key stops working within it. */
const cacheTtlMs = 10_000;
const cacheEntries = 10_000;

interface Cached {
  principal: Principal | null;
}

/**
 * Resolves keys: admin keys from API_KEY (any string the operator sets; compared first, in
 * constant time, several for rotation with overlap) and keys in the database (admin keys made
 * with `turbozap keys`, instance keys). Database answers, unknown keys included, are cached
 * briefly in a bounded LRU (by the key's hash), so a hot client or a client retrying a wrong
 * key costs no query per request.
 */
export class KeyResolver {
  #db: Kysely<DB>;
  #adminKeys: () => string[];
  /** By the key's hash; the fetch context is the key itself, which the query needs. */
  #cache: LRUCache<string, Cached, string>;
  /** Hashes of the admin keys, so a request hashes only the key it presents. */
  #adminHashes = new Map<string, Buffer>();

  /** `clock` times the cache (a test moves it; performance.now otherwise). */
  constructor(db: Kysely<DB>, adminKeys: () => string[], options: { clock?: { now(): number } } = {}) {
    this.#db = db;
    this.#adminKeys = adminKeys;
    this.#cache = new LRUCache<string, Cached, string>({
      max: cacheEntries,
      ttl: cacheTtlMs,
      ...(options.clock ? { perf: options.clock } : {}),
      // Concurrent requests with one uncached key share one query.
      fetchMethod: async (_digest, _stale, { context: key }) => ({ principal: await this.#lookup(key) }),
    });
  }

  async resolve(key: string): Promise<Principal | null> {
    const digest = hashKey(key);
    const known = this.#known(key, digest);
    if (known !== undefined) return known;
    return (await this.#cache.fetch(digest, { context: key }))?.principal ?? null;
  }

  async #lookup(key: string): Promise<Principal | null> {
    const row = await apiKeysRepo.findActive(this.#db, key);
    if (!row) return null;
    return row.scope === 'admin' ? { kind: 'admin' } : { kind: 'instance', instanceId: row.scope };
  }

  /**
   * The principal of the key with this hash (hex SHA-256), asked of the database now rather
   * than the cache: a stream token minted with a key stops working once the key is revoked.
   */
  async resolveHash(digest: string): Promise<Principal | null> {
    if (!/^[0-9a-f]{64}$/.test(digest)) return null;
    if (this.#isAdmin(Buffer.from(digest, 'hex'))) return { kind: 'admin' };
    const row = await apiKeysRepo.findActiveByHash(this.#db, digest);
    if (!row) return null;
    return row.scope === 'admin' ? { kind: 'admin' } : { kind: 'instance', instanceId: row.scope };
  }

  /** What this replica can answer without the database; `undefined` when only a query would tell. */
  known(key: string): Principal | null | undefined {
    return this.#known(key, hashKey(key));
  }

  #known(key: string, digest: string): Principal | null | undefined {
    if (this.#isAdmin(Buffer.from(digest, 'hex'))) return { kind: 'admin' };
    if (!databaseKey.test(key)) return null;
    return this.#cache.get(digest)?.principal;
  }

  /** Compared through their hashes in constant time (lengths never leak), every candidate every time. */
  #isAdmin(presented: Buffer): boolean {
    let admin = false;
    for (const candidate of this.#adminKeys()) admin = timingSafeEqual(this.#adminHash(candidate), presented) || admin;
    return admin;
  }

  #adminHash(candidate: string): Buffer {
    let hash = this.#adminHashes.get(candidate);
    if (!hash) {
      // Rotation replaces the list: keep only the hashes of keys still configured.
      if (this.#adminHashes.size > 16) this.#adminHashes.clear();
      hash = Buffer.from(hashKey(candidate), 'hex');
      this.#adminHashes.set(candidate, hash);
    }
    return hash;
  }
}

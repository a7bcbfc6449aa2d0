import { timingSafeEqual } from 'node:crypto';
import { apiKeysRepo, hashKey } from '@turbozap/shared/db/repositories/api-keys';
import type { DB } from '@turbozap/shared/db/schema';
import { AppError } from '@turbozap/shared/errors/app-error';
import type { Request } from 'express';
import type { Kysely } from 'kysely';

export type Principal = { kind: 'admin' } | { kind: 'instance'; instanceId: string };

/** `X-API-Key: <key>` or `Authorization: Bearer <key>`. */
export function presentedKey(req: Request): string | undefined {
  const header = req.get('x-api-key');
  if (header) return header.trim();
  const auth = req.get('authorization');
  const m = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  return m?.[1]?.trim();
}

/**
 * Resolves keys: admin keys from API_KEY (compared in constant time, several for rotation
 * with overlap) and keys in the database (admin keys made with `turbozap keys`, instance
 * keys). Database answers are cached briefly so a hot client costs no query per request;
 * a revoked key stops working within `cacheMs`.
 */
export class KeyResolver {
  #db: Kysely<DB>;
  #adminKeys: () => string[];
  #cache = new Map<string, { principal: Principal | null; until: number }>();
  #cacheMs: number;
  /** Hashes of the admin keys, so a request hashes only the key it presents. */
  #adminHashes = new Map<string, Buffer>();

  constructor(db: Kysely<DB>, adminKeys: () => string[], cacheMs = 10_000) {
    this.#db = db;
    this.#adminKeys = adminKeys;
    this.#cacheMs = cacheMs;
  }

  async resolve(key: string): Promise<Principal | null> {
    // Compared through their hashes in constant time (lengths never leak), every candidate every time.
    const presented = Buffer.from(hashKey(key), 'hex');
    let admin = false;
    for (const candidate of this.#adminKeys()) admin = timingSafeEqual(this.#adminHash(candidate), presented) || admin;
    if (admin) return { kind: 'admin' };
    const cached = this.#cache.get(key);
    if (cached && cached.until > Date.now()) return cached.principal;
    const row = await apiKeysRepo.findActive(this.#db, key);
    const principal: Principal | null = row
      ? row.scope === 'admin'
        ? { kind: 'admin' }
        : { kind: 'instance', instanceId: row.scope }
      : null;
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(key, { principal, until: Date.now() + this.#cacheMs });
    return principal;
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

  forget(): void {
    this.#cache.clear();
  }
}

export async function authenticate(req: Request, keys: KeyResolver): Promise<Principal> {
  const key = presentedKey(req);
  if (!key || key.length > 512) throw new AppError('unauthorized', 'missing or invalid API key', 401);
  const principal = await keys.resolve(key);
  if (!principal) throw new AppError('unauthorized', 'missing or invalid API key', 401);
  return principal;
}

export const forbidden = () => new AppError('forbidden', 'this key cannot access this resource', 403);

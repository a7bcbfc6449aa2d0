import { AppError } from '@turbozap/shared/errors/app-error';
import type { Request } from 'express';
import type { FailedAuthLimiter, FailedLookupBudget } from './failed-auth.ts';
import type { KeyResolver, Principal } from './key-resolver.ts';

export type { Principal } from './key-resolver.ts';

/** `X-API-Key: <key>` or `Authorization: Bearer <key>`. */
export function presentedKey(req: Request): string | undefined {
  const header = req.get('x-api-key');
  if (header) return header.trim();
  const auth = req.get('authorization');
  const m = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  return m?.[1]?.trim();
}

/**
 * Checks the request's key, counting failures per client address (`req.ip`: the peer, or the
 * address a proxy on a private network forwarded). Past the limit, the address gets 429
 * `too_many_failed_auth` until its minute ends for every key this replica cannot check without
 * the database; API_KEY admin keys and recently used keys still pass, so one client's mistakes
 * do not lock out a working neighbour behind the same address. Lookups that find nothing are
 * also budgeted for the whole replica (`FailedLookupBudget`): past it, a key only the database
 * could check gets 503 `auth_busy` without a query, whichever address presents it.
 */
export class Authenticator {
  readonly #keys: KeyResolver;
  readonly #failures: FailedAuthLimiter;
  readonly #lookups: FailedLookupBudget;

  constructor(keys: KeyResolver, failures: FailedAuthLimiter, lookups: FailedLookupBudget) {
    this.#keys = keys;
    this.#failures = failures;
    this.#lookups = lookups;
  }

  async authenticate(req: Request): Promise<Principal> {
    const presented = presentedKey(req);
    const key = presented && presented.length <= 512 ? presented : undefined;
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    // What this replica can answer without the database: a principal, null (no), or undefined.
    const known = key ? this.#keys.known(key) : null;
    if (known) return known;
    const blockedFor = this.#failures.blockedFor(address);
    if (blockedFor > 0) {
      throw new AppError(
        'too_many_failed_auth',
        `more than ${this.#failures.limit} failed authentications from this address in a minute`,
        429,
        { retryAfterSeconds: blockedFor },
      );
    }
    if (key && known === undefined) {
      const busyFor = this.#lookups.exhaustedFor();
      if (busyFor > 0) {
        throw new AppError('auth_busy', 'too many unknown keys presented to this server; retry shortly', 503, {
          retryAfterSeconds: busyFor,
        });
      }
      const principal = await this.#keys.resolve(key);
      if (principal) return principal;
      this.#lookups.spend();
    }
    this.#failures.fail(address);
    throw new AppError('unauthorized', 'missing or invalid API key', 401);
  }
}

export const forbidden = () => new AppError('forbidden', 'this key cannot access this resource', 403);

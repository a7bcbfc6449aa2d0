import { AppError } from '@turbozap/shared/errors/app-error';
import type { Request } from 'express';
import type { FailedAuthLimiter } from './failed-auth.ts';
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
 * do not lock out a working neighbour behind the same address.
 */
export class Authenticator {
  readonly #keys: KeyResolver;
  readonly #failures: FailedAuthLimiter;

  constructor(keys: KeyResolver, failures: FailedAuthLimiter) {
    this.#keys = keys;
    this.#failures = failures;
  }

  async authenticate(req: Request): Promise<Principal> {
    const presented = presentedKey(req);
    const key = presented && presented.length <= 512 ? presented : undefined;
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const blockedFor = this.#failures.blockedFor(address);
    if (blockedFor > 0) {
      const known = key ? this.#keys.known(key) : null;
      if (known) return known;
      throw new AppError(
        'too_many_failed_auth',
        `more than ${this.#failures.limit} failed authentications from this address in a minute`,
        429,
        { retryAfterSeconds: blockedFor },
      );
    }
    const principal = key ? await this.#keys.resolve(key) : null;
    if (principal) return principal;
    this.#failures.fail(address);
    throw new AppError('unauthorized', 'missing or invalid API key', 401);
  }
}

export const forbidden = () => new AppError('forbidden', 'this key cannot access this resource', 403);

import { randomBytes, randomUUID } from 'node:crypto';
import { kvKeys, leaseKeys } from '@turbozap/shared/contracts/kv';
import type { Coordination } from '@turbozap/shared/coordination/port';
import { hashKey } from '@turbozap/shared/db/repositories/api-keys';
import { AppError } from '@turbozap/shared/errors/app-error';
import { z } from 'zod';
import type { KeyResolver } from '../middleware/key-resolver.ts';

export const streamTokenTtlMs = 5 * 60_000;

const tokenShape = /^[A-Za-z0-9_-]{20,64}$/;

/** What a token stands for, in the coordination store: the instance and the key that minted it (by hash). */
const grant = z.object({ instance_id: z.string(), key_hash: z.string() });

const invalid = (why: string) => new AppError('unauthorized', `${why}; mint a new one`, 401);

/**
 * Stream tokens stand in for the API key where EventSource cannot send headers. A token opens
 * one stream (a URL with it leaks into logs and history, so a second use is refused) and only
 * while the key that minted it is still valid: revoking the key revokes its tokens.
 */
export class StreamTokens {
  readonly #coordination: Coordination;
  readonly #keys: KeyResolver;

  constructor(coordination: Coordination, keys: KeyResolver) {
    this.#coordination = coordination;
    this.#keys = keys;
  }

  async mint(instanceId: string, key: string): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    const value = JSON.stringify(grant.parse({ instance_id: instanceId, key_hash: hashKey(key) }));
    await this.#coordination.setValue(kvKeys.streamToken(token), value, streamTokenTtlMs);
    return token;
  }

  /** The instance the token opens, if it is `instanceId`'s; the token is used up. */
  async redeem(token: string, opens: (instanceId: string) => Promise<boolean>): Promise<string> {
    if (!tokenShape.test(token)) throw invalid('invalid stream token');
    const stored = await this.#coordination.getValue(kvKeys.streamToken(token));
    const parsed = stored ? grant.safeParse(safeJson(stored)) : undefined;
    if (!parsed?.success || !(await opens(parsed.data.instance_id))) throw invalid('invalid or expired stream token');
    const { instance_id: instanceId, key_hash: keyHash } = parsed.data;
    // SET NX: of two requests with one token, exactly one gets through, on any replica.
    if (!(await this.#coordination.acquireLease(leaseKeys.streamTokenUse(token), randomUUID(), streamTokenTtlMs)))
      throw invalid('stream token already used');
    await this.#coordination.deleteValue(kvKeys.streamToken(token));
    const principal = await this.#keys.resolveHash(keyHash);
    const allowed = principal?.kind === 'admin' || principal?.instanceId === instanceId;
    if (!allowed) throw invalid('the key that minted this stream token was revoked');
    return instanceId;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

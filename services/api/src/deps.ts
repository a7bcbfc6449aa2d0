import { rateKeys } from '@turbozap/shared/contracts/kv';
import { instancesRepo } from '@turbozap/shared/db/repositories/instances';
import type { InstanceRow } from '@turbozap/shared/db/schema';
import { AppError } from '@turbozap/shared/errors/app-error';
import type { ServiceRuntime } from '@turbozap/shared/runtime';
import type { Response } from 'express';
import { type BodyReaders, bodyReaders } from './http/body.ts';
import { InstanceCache, type InstanceLookup } from './instance-cache.ts';
import type { ApiLimits } from './limits.ts';
import { Authenticator } from './middleware/auth.ts';
import { FailedAuthLimiter, FailedLookupBudget } from './middleware/failed-auth.ts';
import { KeyResolver } from './middleware/key-resolver.ts';
import { RpcClient } from './rpc-client.ts';
import { SendPublisher } from './send-publisher.ts';

/** The ports route handlers reach directly; publishing to the broker goes through `publisher`. */
type ApiPorts = Pick<
  ServiceRuntime<'api'>,
  'config' | 'db' | 'coordination' | 'broker' | 'blobs' | 'logger' | 'metrics' | 'registry'
>;

/** Everything route handlers use, built once per app from the process's runtime. */
export interface ApiDeps extends ApiPorts {
  auth: Authenticator;
  /** JSON body readers, run by a route once the request is authenticated. */
  bodies: BodyReaders;
  /** Fresh reads of the instance row. */
  instances: InstanceLookup;
  /** The same, cached briefly, for routes that use only the id and name (see instance-cache.ts). */
  cachedInstances: InstanceCache;
  /** Counts the request against the instance's budget (429 past it). */
  rateLimit(instance: InstanceRow, budget: RateBudget, res: Response): Promise<void>;
  rpc: RpcClient;
  publisher: SendPublisher;
  /** Hold every JSON answer to its route's response schema (an answer that is not is a 500): on in tests. */
  checkResponses: boolean;
}

/**
 * `send`: requests that make WhatsApp work or change state (REDIS_RATE_LIMIT_RPM); `read`: the
 * other GETs (REDIS_READ_RATE_LIMIT_RPM), so a client polling status never starves its sends.
 */
export type RateBudget = 'send' | 'read';

/**
 * How long a replica may reuse an instance row for a send. A deleted instance stops
 * accepting sends when its delete commits whatever this is (the insert's foreign key
 * fails); this bounds only what else a cached row could miss.
 */
export const instanceCacheTtlMs = 5_000;

/** What the authenticator's budgets and caches read the time from; tests pass a clock they move. */
export interface Clock {
  now(): number;
}

export interface DepsOptions {
  clock?: Clock;
  checkResponses?: boolean;
}

export function createDeps(
  runtime: ServiceRuntime<'api'>,
  limits: ApiLimits,
  { clock = performance, checkResponses = false }: DepsOptions = {},
): ApiDeps {
  const { db, config, coordination, broker, blobs, logger, metrics, registry } = runtime;
  const budgets = {
    send: { rpm: config.api.rateLimitRpm, key: rateKeys.send, what: 'requests' },
    read: { rpm: limits.readRateLimitRpm, key: rateKeys.read, what: 'reads' },
  };
  const instances: InstanceLookup = {
    byId: (id) => instancesRepo.byId(db, id),
    byName: (name) => instancesRepo.byName(db, name),
  };
  return {
    config,
    db,
    coordination,
    broker,
    blobs,
    logger,
    metrics,
    registry,
    auth: new Authenticator(
      new KeyResolver(db, () => config.api.adminKeys, { clock }),
      new FailedAuthLimiter(limits.failedAuthPerMinute, { now: () => clock.now() }),
      new FailedLookupBudget(limits.failedLookupsPerMinute, { now: () => clock.now() }),
    ),
    bodies: bodyReaders(config.api.bodyLimit),
    instances,
    cachedInstances: new InstanceCache(instances, { ttlMs: instanceCacheTtlMs, maxEntries: 10_000 }),
    async rateLimit(instance, budget, res) {
      const { rpm, key, what } = budgets[budget];
      if (rpm === 0) return;
      const r = await coordination.rateLimit(key(instance.id), rpm, 60_000);
      res.setHeader('RateLimit-Limit', String(r.limit));
      res.setHeader('RateLimit-Remaining', String(Math.max(0, r.remaining)));
      res.setHeader('RateLimit-Reset', String(Math.ceil(r.retryAfterMs / 1000)));
      if (!r.allowed) {
        throw new AppError('rate_limited', `rate limit of ${rpm} ${what} per minute exceeded`, 429, {
          retryAfterSeconds: Math.max(1, Math.ceil(r.retryAfterMs / 1000)),
        });
      }
    },
    rpc: new RpcClient(coordination, config.api.instanceRequestTimeoutMs),
    publisher: new SendPublisher(runtime),
    checkResponses,
  };
}

import { instancesRepo } from '@turbozap/shared/db/repositories/instances';
import type { InstanceRow } from '@turbozap/shared/db/schema';
import { AppError } from '@turbozap/shared/errors/app-error';
import type { Runtime } from '@turbozap/shared/runtime';
import type { Response } from 'express';
import { InstanceCache, type InstanceLookup } from './instance-cache.ts';
import { KeyResolver } from './middleware/auth.ts';
import { RpcClient } from './rpc-client.ts';
import { SendPublisher } from './send-publisher.ts';

/** Everything route handlers use, built once per app from the process's runtime. */
export interface ApiDeps {
  runtime: Runtime;
  keys: KeyResolver;
  /** Fresh reads of the instance row. */
  instances: InstanceLookup;
  /** The same, cached briefly, for routes that use only the id and name (see instance-cache.ts). */
  cachedInstances: InstanceCache;
  rateLimit(instance: InstanceRow, res: Response): Promise<void>;
  rpc: RpcClient;
  publisher: SendPublisher;
}

/**
 * How long a replica may reuse an instance row for a send. A deleted instance stops
 * accepting sends when its delete commits whatever this is (the insert's foreign key
 * fails); this bounds only what else a cached row could miss.
 */
export const instanceCacheTtlMs = 5_000;

export function createDeps(runtime: Runtime): ApiDeps {
  const { db, config, coordination } = runtime;
  const rpm = config.api.rateLimitRpm;
  const instances: InstanceLookup = {
    byId: (id) => instancesRepo.byId(db, id),
    byName: (name) => instancesRepo.byName(db, name),
  };
  return {
    runtime,
    keys: new KeyResolver(db, () => config.api.adminKeys),
    instances,
    cachedInstances: new InstanceCache(instances, { ttlMs: instanceCacheTtlMs, maxEntries: 10_000 }),
    async rateLimit(instance, res) {
      if (rpm === 0) return;
      const r = await coordination.rateLimit(instance.id, rpm, 60_000);
      res.setHeader('RateLimit-Limit', String(r.limit));
      res.setHeader('RateLimit-Remaining', String(Math.max(0, r.remaining)));
      res.setHeader('RateLimit-Reset', String(Math.ceil(r.retryAfterMs / 1000)));
      if (!r.allowed) {
        throw new AppError('rate_limited', `rate limit of ${rpm} requests per minute exceeded`, 429, {
          retryAfterSeconds: Math.max(1, Math.ceil(r.retryAfterMs / 1000)),
        });
      }
    },
    rpc: new RpcClient(coordination, config.api.instanceRequestTimeoutMs),
    publisher: new SendPublisher(runtime),
  };
}

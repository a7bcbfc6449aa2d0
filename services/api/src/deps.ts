import { instancesRepo } from '@turbozap/shared/db/repositories/instances';
import type { InstanceRow } from '@turbozap/shared/db/schema';
import { AppError } from '@turbozap/shared/errors/app-error';
import type { Runtime } from '@turbozap/shared/runtime';
import type { Response } from 'express';
import { KeyResolver } from './middleware/auth.ts';
import { RpcClient } from './rpc-client.ts';
import { SendPublisher } from './send-publisher.ts';

/** Everything route handlers use, built once per app from the process's runtime. */
export interface ApiDeps {
  runtime: Runtime;
  keys: KeyResolver;
  instances: {
    byId(id: string): Promise<InstanceRow | undefined>;
    byName(name: string): Promise<InstanceRow | undefined>;
  };
  rateLimit(instance: InstanceRow, res: Response): Promise<void>;
  rpc: RpcClient;
  publisher: SendPublisher;
}

export function createDeps(runtime: Runtime): ApiDeps {
  const { db, config, coordination } = runtime;
  const rpm = config.api.rateLimitRpm;
  return {
    runtime,
    keys: new KeyResolver(db, () => config.api.adminKeys),
    instances: {
      byId: (id) => instancesRepo.byId(db, id),
      byName: (name) => instancesRepo.byName(db, name),
    },
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

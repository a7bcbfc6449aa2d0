// TEST-ONLY: a session-worker in its own process, for fault tests that kill -9 it.
// Env: TZ_DATABASE_URL, TZ_DB_SCHEMA, TZ_REDIS_URL, TZ_REDIS_PREFIX, TZ_WORKER_ID, TZ_LEASE_TTL_MS,
// plus the usual SESSION_ENCRYPTION_KEY and WHATSAPP_SIMULATOR_URL. Prints "ready" when started.
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '@turbozap/shared/blobs/fs-blob-store';
import { MemoryBroker } from '@turbozap/shared/broker/memory-broker';
import { loadConfig } from '@turbozap/shared/config/load';
import { RedisCoordination } from '@turbozap/shared/coordination/redis-coordination';
import { openDatabase } from '@turbozap/shared/db/database';
import { createLogger } from '@turbozap/shared/logging/logger';
import { createMetrics } from '@turbozap/shared/metrics/catalog';
import { prom } from '@turbozap/shared/metrics/registry';
import { createSessionWorker } from '../session-worker.ts';

const env = process.env as Record<string, string>;
const config = loadConfig('all', env);
const database = await openDatabase({
  kind: 'postgres',
  url: env.TZ_DATABASE_URL as string,
  schema: env.TZ_DB_SCHEMA,
  poolSize: 4,
});
const registry = new prom.Registry();
const ttl = Number(env.TZ_LEASE_TTL_MS);
const worker = createSessionWorker(
  {
    config,
    db: database.db,
    broker: new MemoryBroker(),
    coordination: await RedisCoordination.connect({
      url: env.TZ_REDIS_URL,
      prefix: env.TZ_REDIS_PREFIX,
      onError: () => {},
    }),
    blobs: await FsBlobStore.open({
      root: await mkdtemp(join(tmpdir(), 'tz-wp-')),
      publicBaseUrl: 'http://127.0.0.1:9',
      secret: randomBytes(16),
    }),
    logger: createLogger({ level: config.logLevel, service: env.TZ_WORKER_ID as string }),
    metrics: createMetrics(registry),
    registry,
    processId: env.TZ_WORKER_ID as string,
  },
  { timings: { leaseTtlMs: ttl, reconcileIntervalMs: 300, unclaimedGraceMs: 2 * ttl, rebalancePerPass: 4 } },
);
await worker.start();
process.stdout.write('ready\n');

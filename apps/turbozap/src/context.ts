import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { type BlobStore, FsBlobStore, S3BlobStore } from '@turbozap/shared/blobs';
import { AmqpBroker, MemoryBroker } from '@turbozap/shared/broker';
import type { Config } from '@turbozap/shared/config';
import { MemoryCoordination, RedisCoordination } from '@turbozap/shared/coordination';
import { deriveKey } from '@turbozap/shared/crypto/derive';
import { databaseAnswers, openDatabase, pendingMigrations } from '@turbozap/shared/db/database';
import { createLogger } from '@turbozap/shared/logging/logger';
import { createMetrics } from '@turbozap/shared/metrics/catalog';
import { createRegistry } from '@turbozap/shared/metrics/registry';
import type { Runtime } from '@turbozap/shared/runtime';

const startupWaitMs = 30_000;

export interface OwnedRuntime extends Runtime {
  readiness(): Promise<Record<string, boolean>>;
  close(): Promise<void>;
}

/**
 * S3 when configured, else files under DATA_DIR/media served by signed `/media/…` links whose
 * key is derived from the newest session key (docs/ARCHITECTURE.md §6): a leaked link key opens no
 * session. Without a keyring (an api-only process) the links live as long as the process.
 */
export function openBlobStore(config: Config, publicUrl: string): BlobStore {
  return config.s3
    ? new S3BlobStore({
        endpoint: config.s3.endpoint,
        bucket: config.s3.bucket,
        region: config.s3.region,
        maxBufferedBytes: config.media.maxBytes,
        accessKeyId: config.s3.accessKey,
        secretAccessKey: config.s3.secretKey,
      })
    : new FsBlobStore({
        root: join(config.dataDir, 'media'),
        publicBaseUrl: publicUrl,
        secret: deriveKey(config.session.keyring[0]?.key ?? randomBytes(32), 'mediaLink'),
      });
}

/**
 * The composition root: one adapter per port for the run mode. Embedded mode uses the
 * in-process adapters and PGlite under DATA_DIR; distributed mode the real services.
 */
export async function buildRuntime(config: Config): Promise<OwnedRuntime> {
  const logger = createLogger({ level: config.logLevel, service: config.role });
  const registry = createRegistry();
  const metrics = createMetrics(registry);
  const processId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const database = await openDatabase(config.database);
  const embedded = config.mode === 'embedded';
  const publicUrl = config.api.publicUrl ?? `http://127.0.0.1:${config.server.port}`;

  // Distributed roles wait (bounded) for the broker and Redis at start, then ride out outages.
  const broker =
    embedded || !config.rabbitmq
      ? new MemoryBroker()
      : await AmqpBroker.connect(
          {
            url: config.rabbitmq.url,
            connectionName: `turbozap ${config.role} ${processId}`,
            onError: (error, context) => logger.warn('broker', { context, error }),
          },
          startupWaitMs,
        );
  const coordination =
    embedded || !config.redisUrl
      ? new MemoryCoordination()
      : await RedisCoordination.connect({ url: config.redisUrl, prefix: config.redisPrefix }, startupWaitMs);
  const blobs = openBlobStore(config, publicUrl);

  const readiness = async (): Promise<Record<string, boolean>> => {
    const checks: Record<string, boolean> = {};
    checks.database = await databaseAnswers(database.db);
    checks.schema = Boolean(checks.database) && (await pendingMigrations(database.db).catch(() => ['?'])).length === 0;
    checks.broker = broker.healthy();
    checks.coordination = coordination.healthy();
    checks.blobs = await blobs.healthy().catch(() => false);
    return checks;
  };

  return {
    config,
    db: database.db,
    broker,
    coordination,
    blobs,
    logger,
    metrics,
    registry,
    processId,
    readiness,
    async close() {
      for (const close of [
        () => broker.close(),
        () => coordination.close(),
        () => blobs.close(),
        () => database.close(),
      ]) {
        await close().catch((error: unknown) => logger.warn('error while closing', { error }));
      }
    },
  };
}

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '@turbozap/shared/blobs';
import { MemoryBroker } from '@turbozap/shared/broker';
import type { Broker } from '@turbozap/shared/broker/port';
import { loadConfig } from '@turbozap/shared/config';
import { MemoryCoordination } from '@turbozap/shared/coordination';
import { messagesRepo, type NewOutboundMessage } from '@turbozap/shared/db/repositories/messages';
import type { InstanceStatus, MessageRow } from '@turbozap/shared/db/schema';
import { silentLogger } from '@turbozap/shared/logging';
import { createMetrics, createRegistry } from '@turbozap/shared/metrics';
import type { Runtime } from '@turbozap/shared/runtime';
import { createTestDatabase, insertTestInstance, insertTestOutbound } from '@turbozap/shared/testing/database';

export interface Harness {
  runtime: Runtime;
  broker: Broker;
  blobs: FsBlobStore;
  newInstance(status?: InstanceStatus): Promise<{ id: string; name: string }>;
  queueMessage(m: Partial<NewOutboundMessage> & { instanceId: string }): Promise<MessageRow>;
  /** Sets a row's timestamps in the past (as if it had been stuck). */
  age(id: string, fields: { updatedAgoMs?: number; createdAgoMs?: number }): Promise<void>;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

/**
 * A sender-worker runtime on a private Postgres schema, an in-process broker (or the one
 * given), a temporary filesystem blob store, private network targets allowed (the test
 * receivers listen on 127.0.0.1).
 */
export async function createHarness(
  options: { broker?: Broker; env?: Record<string, string>; database?: 'postgres' | 'pglite' } = {},
): Promise<Harness> {
  const database = await createTestDatabase(options.database ?? 'postgres');
  const root = await mkdtemp(join(tmpdir(), 'tz-sender-'));
  const blobs = await FsBlobStore.open({
    root,
    publicBaseUrl: 'http://127.0.0.1:1',
    secret: 'sender-worker-test-secret',
  });
  const broker = options.broker ?? new MemoryBroker({ handlerErrorRetryMs: 50 });
  const config = loadConfig('all', { DATA_DIR: root, ALLOW_PRIVATE_NETWORK_TARGETS: 'true', ...options.env });
  const registry = createRegistry();
  const runtime: Runtime = {
    config,
    db: database.db,
    broker,
    coordination: new MemoryCoordination(),
    blobs,
    logger: silentLogger(),
    metrics: createMetrics(registry),
    registry,
    processId: randomUUID(),
  };
  let instances = 0;
  return {
    runtime,
    broker,
    blobs,
    async newInstance(status = 'connected') {
      return insertTestInstance(database.db, { name: `inst-${++instances}`, status });
    },
    async queueMessage(m) {
      const { row } = await insertTestOutbound(database.db, {
        remoteJid: '5511999990000@s.whatsapp.net',
        type: 'text',
        content: { text: 'hello' },
        ...m,
      });
      await messagesRepo.markPublished(database.db, [row.id]);
      return row;
    },
    async age(id, fields) {
      const set: { updated_at?: Date; created_at?: Date } = {};
      if (fields.updatedAgoMs !== undefined) set.updated_at = new Date(Date.now() - fields.updatedAgoMs);
      if (fields.createdAgoMs !== undefined) set.created_at = new Date(Date.now() - fields.createdAgoMs);
      await database.db.updateTable('messages').set(set).where('id', '=', id).execute();
    },
    async metric(name, labels = {}) {
      const metric = registry.getSingleMetric(name);
      if (!metric) return 0;
      const { values } = await metric.get();
      return values
        .filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l))
        .reduce((sum, v) => sum + v.value, 0);
    },
    async close() {
      await broker.close();
      await database.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value other than undefined/false (or throws after timeoutMs). */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

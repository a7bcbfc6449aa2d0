// TEST-ONLY: a session-worker world in one process — the WhatsApp simulator, a private Postgres
// schema, in-memory broker and coordination shared by the workers, blobs in a temp dir.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '@turbozap/shared/blobs/fs-blob-store';
import { MemoryBroker } from '@turbozap/shared/broker/memory-broker';
import { MemoryBrokerServer } from '@turbozap/shared/broker/memory-server';
import type { Delivery } from '@turbozap/shared/broker/port';
import type { Config } from '@turbozap/shared/config/config';
import { loadConfig } from '@turbozap/shared/config/load';
import { type ControlMessage, controlChannel } from '@turbozap/shared/contracts/control';
import type { EventEnvelope } from '@turbozap/shared/contracts/events';
import { exchanges, makeJob, queues } from '@turbozap/shared/contracts/queues';
import { MemoryCoordination, MemoryCoordinationStore } from '@turbozap/shared/coordination/memory-coordination';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import type { DesiredState, InstanceRow, MessageRow } from '@turbozap/shared/db/schema';
import { createLogger } from '@turbozap/shared/logging/logger';
import { createMetrics } from '@turbozap/shared/metrics/catalog';
import { prom } from '@turbozap/shared/metrics/registry';
import type { Runtime } from '@turbozap/shared/runtime';
import { createTestDatabase } from '@turbozap/shared/testing/database';
import { eventually } from '@turbozap/wa-sim/testing/client';
import { startTestSim, type TestSim } from '@turbozap/wa-sim/testing/setup';
import { kvKeys } from '../context.ts';
import { createSessionWorker, type SessionWorker, type SessionWorkerOptions } from '../session-worker.ts';

export { eventually };

/** Polls an async check until it returns something other than undefined/false. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000, label = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface Harness {
  sim: TestSim;
  database: Awaited<ReturnType<typeof createTestDatabase>>;
  coordinationStore: MemoryCoordinationStore;
  brokerServer: MemoryBrokerServer;
  /** A client of the shared coordination store (what the API would use). */
  coordination: MemoryCoordination;
  broker: MemoryBroker;
  /** Every event published to turbozap.events, in order. */
  events: EventEnvelope[];
  config(env?: Record<string, string>): Config;
  runtime(processId: string, env?: Record<string, string>): Runtime;
  startWorker(processId: string, options?: SessionWorkerOptions & { env?: Record<string, string> }): Promise<SessionWorker>;
  /** Workers started so far, oldest first. */
  workersStarted(): SessionWorker[];
  createInstance(name: string, desired?: DesiredState): Promise<string>;
  instance(id: string): Promise<InstanceRow | undefined>;
  /** What the API does for `connect` / `logout` / `restart`: set desired state (and KV), then nudge. */
  command(id: string, action: 'connect' | 'logout' | 'restart', pairingPhone?: string): Promise<void>;
  /** What the API + sender-worker do: commit a text row, move it to ready, hand it to the outbox. */
  sendText(instanceId: string, to: string, text: string): Promise<MessageRow>;
  /** Waits for the instance's QR in coordination and has `phone` scan it. */
  linkByQr(instanceId: string, phone: string): Promise<void>;
  waitStatus(instanceId: string, status: string, timeoutMs?: number): Promise<void>;
  teardown(): Promise<void>;
}

export const fastTimings = { leaseTtlMs: 2_000, reconcileIntervalMs: 300, unclaimedGraceMs: 1_500, rebalancePerPass: 4 };

export async function startHarness(): Promise<Harness> {
  const sim = await startTestSim({ silenceTimeoutMs: 0 });
  const database = await createTestDatabase('postgres');
  const coordinationStore = new MemoryCoordinationStore();
  const brokerServer = new MemoryBrokerServer();
  const coordination = new MemoryCoordination({ store: coordinationStore });
  const broker = new MemoryBroker({ server: brokerServer });
  const blobDir = await mkdtemp(join(tmpdir(), 'tz-sw-'));
  const blobs = await FsBlobStore.open({ root: blobDir, publicBaseUrl: 'http://127.0.0.1:9', secret: randomBytes(16) });
  const key = randomBytes(32).toString('hex');
  const workers: SessionWorker[] = [];
  const runtimes: Runtime[] = [];
  const events: EventEnvelope[] = [];

  await broker.assertTopicExchange(exchanges.events);
  const tap = `test.events.${randomUUID()}`;
  await broker.assertQueue(tap, { exclusive: true });
  await broker.bindQueue(tap, exchanges.events, '#');
  await broker.consume(
    tap,
    async (d: Delivery) => {
      events.push(JSON.parse(d.body.toString()));
      return { kind: 'ack' };
    },
    { prefetch: 100 },
  );

  const config = (env: Record<string, string> = {}) =>
    loadConfig('all', {
      SESSION_ENCRYPTION_KEY: key,
      WHATSAPP_SIMULATOR_URL: sim.handle.url,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
      ...env,
    });

  const runtime = (processId: string, env: Record<string, string> = {}): Runtime => {
    const cfg = config(env);
    const registry = new prom.Registry();
    const rt: Runtime = {
      config: cfg,
      db: database.db,
      broker: new MemoryBroker({ server: brokerServer }),
      coordination: new MemoryCoordination({ store: coordinationStore }),
      blobs,
      logger: createLogger({ level: cfg.logLevel, service: processId }),
      metrics: createMetrics(registry),
      registry,
      processId,
    };
    runtimes.push(rt);
    return rt;
  };

  const harness: Harness = {
    sim,
    database,
    coordinationStore,
    brokerServer,
    coordination,
    broker,
    events,
    config,
    runtime,
    async startWorker(processId, { env, ...options } = {}) {
      const worker = createSessionWorker(runtime(processId, env), { timings: fastTimings, relayIntervalMs: 200, ...options });
      workers.push(worker);
      await worker.start();
      return worker;
    },
    workersStarted: () => [...workers],
    async createInstance(name, desired = 'connected') {
      const id = randomUUID();
      await database.db
        .insertInto('instances')
        .values({ id, name, desired_state: desired, status: 'created', jid: null, lid: null, push_name: null, settings: '{}', owner_worker: null, owner_seen_at: null, last_activity_at: null })
        .execute();
      return id;
    },
    instance: (id) => database.db.selectFrom('instances').selectAll().where('id', '=', id).executeTakeFirst(),
    async command(id, action, pairingPhone) {
      if (action === 'restart') await coordination.setValue(kvKeys.restartRequest(id), '1', 60_000);
      if (pairingPhone) await coordination.setValue(kvKeys.pairingRequest(id), pairingPhone, 60_000);
      await database.db
        .updateTable('instances')
        .set({ desired_state: action === 'logout' ? 'disconnected' : 'connected' })
        .where('id', '=', id)
        .execute();
      const nudge: ControlMessage = { type: 'reconcile', instanceId: id };
      await coordination.publish(controlChannel, JSON.stringify(nudge));
    },
    async sendText(instanceId, to, text) {
      const { row } = await messagesRepo.insertOutbound(database.db, { instanceId, remoteJid: `${to}@s.whatsapp.net`, type: 'text', content: { text } });
      await messagesRepo.transition(database.db, row.id, 'preparing');
      await messagesRepo.transition(database.db, row.id, 'ready');
      await broker.assertQueue(queues.outbox(instanceId), { singleActiveConsumer: true });
      await broker.send(queues.outbox(instanceId), makeJob('message.outbox', { messageId: row.id, instanceId }));
      return row;
    },
    async linkByQr(instanceId, phone) {
      const qr = await eventually(() => coordinationStore.values.get(kvKeys.qr(instanceId))?.value, 15_000, 'QR in coordination');
      // Baileys rc14 emits `https://wa.me/settings/linked_devices#ref,…`; the simulator (for now) wants `ref,…`.
      await sim.sim.scanQr(phone, qr.slice(qr.indexOf('#') + 1));
    },
    async waitStatus(instanceId, status, timeoutMs = 30_000) {
      let last: string | undefined;
      await waitFor(
        async () => {
          last = (await harness.instance(instanceId))?.status;
          return last === status;
        },
        timeoutMs,
        `status ${status}`,
      ).catch(() => {
        throw new Error(`instance ${instanceId} never reached ${status} (last: ${last})`);
      });
    },
    async teardown() {
      await Promise.allSettled(workers.map((w) => w.stop()));
      await Promise.allSettled(runtimes.flatMap((r) => [r.broker.close(), r.coordination.close()]));
      await broker.close().catch(() => {});
      await coordination.close().catch(() => {});
      await sim.teardown();
      await database.close();
      await rm(blobDir, { recursive: true, force: true });
    },
  };
  return harness;
}

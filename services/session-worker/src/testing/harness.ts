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
import type { ControlMessage } from '@turbozap/shared/contracts/control';
import { eventData } from '@turbozap/shared/contracts/event-data';
import type { EventEnvelope } from '@turbozap/shared/contracts/events';
import { channels, kvKeys } from '@turbozap/shared/contracts/kv';
import { exchanges, makeJob, outboxQueueOptions, queues } from '@turbozap/shared/contracts/queues';
import { MemoryCoordination, MemoryCoordinationStore } from '@turbozap/shared/coordination/memory-coordination';
import type { Coordination } from '@turbozap/shared/coordination/port';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import type { DesiredState, InstanceRow, MessageRow } from '@turbozap/shared/db/schema';
import { createLogger } from '@turbozap/shared/logging/logger';
import { createMetrics, type Metrics } from '@turbozap/shared/metrics/catalog';
import { prom } from '@turbozap/shared/metrics/registry';
import type { Runtime } from '@turbozap/shared/runtime';
import { createTestDatabase, insertTestInstance, insertTestOutbound } from '@turbozap/shared/testing/database';
import { type SimHandle, WaSimulator } from '@turbozap/wa-sim';
import type { SimClient } from '@turbozap/wa-sim/testing/client';
import { eventually } from '@turbozap/wa-sim/testing/client';
import { installFastCurve } from '@turbozap/wa-sim/testing/fast-curve';
import { trustSimulatorRoot } from '@turbozap/wa-sim/testing/trust';
import { unrefLongTimers } from '@turbozap/wa-sim/testing/unref-timers';
import type { SessionWorkerOptions } from '../context.ts';
import { createSessionWorker, type SessionWorker } from '../session-worker.ts';
import { waitFor } from './wait.ts';

export { eventually, waitFor };

export interface TestSim {
  sim: WaSimulator;
  handle: SimHandle;
  track(client: SimClient): SimClient;
  teardown(): Promise<void>;
}

/** The simulator on a random loopback port, trusted by this process's Baileys, with the fast curve for Jest. */
async function startSim(): Promise<TestSim> {
  installFastCurve();
  unrefLongTimers();
  const sim = new WaSimulator({
    silenceTimeoutMs: 0,
    ...(process.env.WA_SIM_LOG ? { log: (l: string) => console.log(l) } : {}),
  });
  const handle = await sim.start({ host: '127.0.0.1', port: 0 });
  const restore = trustSimulatorRoot(handle.rootPublicKey);
  const clients: SimClient[] = [];
  return {
    sim,
    handle,
    track: (client) => {
      clients.push(client);
      return client;
    },
    teardown: async () => {
      for (const c of clients) c.end();
      await handle.stop();
      restore();
    },
  };
}

export interface Harness {
  sim: TestSim;
  database: Awaited<ReturnType<typeof createTestDatabase>>;
  coordinationStore: MemoryCoordinationStore;
  brokerServer: MemoryBrokerServer;
  /** A client of the shared coordination (what the API would use). */
  coordination: Coordination;
  broker: MemoryBroker;
  /** Every event published to turbozap.events, in order; teardown fails if one broke its schema. */
  events: EventEnvelope[];
  config(env?: Record<string, string>): Config;
  runtime(processId: string, env?: Record<string, string>): Promise<Runtime>;
  startWorker(
    processId: string,
    options?: SessionWorkerOptions & { env?: Record<string, string> },
  ): Promise<SessionWorker>;
  /** Workers started so far, oldest first. */
  workersStarted(): SessionWorker[];
  /** The metrics of a worker's process. */
  metricsOf(worker: SessionWorker): Metrics;
  createInstance(name: string, desired?: DesiredState): Promise<string>;
  instance(id: string): Promise<InstanceRow | undefined>;
  /** What the API does for `connect` / `logout` / `restart`: set desired state (and KV), then nudge. */
  command(id: string, action: 'connect' | 'logout' | 'disconnect' | 'restart', pairingPhone?: string): Promise<void>;
  /** What the API + sender-worker do: commit a text row, move it to ready, hand it to the outbox. */
  sendText(instanceId: string, to: string, text: string): Promise<MessageRow>;
  /** Waits for the instance's QR in coordination and has `phone` scan it. */
  linkByQr(instanceId: string, phone: string): Promise<void>;
  waitStatus(instanceId: string, status: string, timeoutMs?: number): Promise<void>;
  teardown(): Promise<void>;
}

/** Short enough for quick tests, long enough that a busy CI machine does not lose leases by stalls. */
export const fastTimings = {
  leaseTtlMs: 5_000,
  reconcileIntervalMs: 300,
  unclaimedGraceMs: 2_000,
  rebalancePerPass: 4,
};

export interface HarnessOptions {
  /** Coordination clients (default: in-memory, one shared store); `who` is 'api' or a worker id. */
  coordination?: (who: string) => Promise<Coordination>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sim = await startSim();
  const database = await createTestDatabase('postgres');
  const coordinationStore = new MemoryCoordinationStore();
  const brokerServer = new MemoryBrokerServer();
  const openCoordination = options.coordination ?? (async () => new MemoryCoordination({ store: coordinationStore }));
  const coordination = await openCoordination('api');
  const broker = new MemoryBroker({ server: brokerServer });
  const blobDir = await mkdtemp(join(tmpdir(), 'tz-sw-'));
  const blobs = await FsBlobStore.open({ root: blobDir, publicBaseUrl: 'http://127.0.0.1:9', secret: randomBytes(16) });
  const key = randomBytes(32).toString('hex');
  const workers: SessionWorker[] = [];
  const runtimes: Runtime[] = [];
  const workerMetrics = new Map<SessionWorker, Metrics>();
  const events: EventEnvelope[] = [];
  // The schemas are checked here, against what the workers really emit, not on the hot path.
  const invalidEvents: string[] = [];

  await broker.assertTopicExchange(exchanges.events);
  const tap = `test.events.${randomUUID()}`;
  await broker.assertQueue(tap, { exclusive: true });
  await broker.bindQueue(tap, exchanges.events, '#');
  await broker.consume(
    tap,
    async (d: Delivery) => {
      const event: EventEnvelope = JSON.parse(d.body.toString());
      const parsed = eventData[event.event].safeParse(event.data);
      if (!parsed.success) invalidEvents.push(`${event.event} ${JSON.stringify(event.data)}: ${parsed.error.message}`);
      events.push(event);
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

  const runtime = async (processId: string, env: Record<string, string> = {}): Promise<Runtime> => {
    const cfg = config(env);
    const registry = new prom.Registry();
    const rt: Runtime = {
      config: cfg,
      db: database.db,
      broker: new MemoryBroker({ server: brokerServer }),
      coordination: await openCoordination(processId),
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
      const rt = await runtime(processId, env);
      const worker = createSessionWorker(rt, {
        timings: fastTimings,
        relayIntervalMs: 200,
        ...options,
      });
      workers.push(worker);
      workerMetrics.set(worker, rt.metrics);
      await worker.start();
      return worker;
    },
    workersStarted: () => [...workers],
    metricsOf(worker) {
      const metrics = workerMetrics.get(worker);
      if (!metrics) throw new Error(`worker ${worker.id} was not started by this harness`);
      return metrics;
    },
    async createInstance(name, desired = 'connected') {
      return (await insertTestInstance(database.db, { name, desired_state: desired })).id;
    },
    instance: (id) => database.db.selectFrom('instances').selectAll().where('id', '=', id).executeTakeFirst(),
    async command(id, action, pairingPhone) {
      if (pairingPhone) await coordination.setValue(kvKeys.pairingRequest(id), pairingPhone, 60_000);
      await database.db
        .updateTable('instances')
        .set({
          desired_state: action === 'logout' ? 'logged_out' : action === 'disconnect' ? 'disconnected' : 'connected',
        })
        .where('id', '=', id)
        .execute();
      const nudge: ControlMessage = { type: action === 'restart' ? 'restart' : 'reconcile', instanceId: id };
      await coordination.publish(channels.control, JSON.stringify(nudge));
    },
    async sendText(instanceId, to, text) {
      const { row } = await insertTestOutbound(database.db, {
        instanceId,
        remoteJid: `${to}@s.whatsapp.net`,
        type: 'text',
        content: { text },
      });
      await messagesRepo.transition(database.db, row.id, 'preparing');
      await messagesRepo.transition(database.db, row.id, 'ready');
      await broker.assertQueue(queues.outbox(instanceId), outboxQueueOptions);
      await broker.send(queues.outbox(instanceId), makeJob('message.outbox', { messageId: row.id, instanceId }));
      return row;
    },
    async linkByQr(instanceId, phone) {
      const qr = await waitFor(
        async () => (await coordination.getValue(kvKeys.qr(instanceId))) ?? undefined,
        15_000,
        'QR in coordination',
      );
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
      if (invalidEvents.length > 0) throw new Error(`events that break their schema:\n${invalidEvents.join('\n')}`);
    },
  };
  return harness;
}

import { WORKER_BEAT_INTERVAL_MS } from '@turbozap/shared/coordination/liveness';
import { KeyringCipher } from '@turbozap/shared/crypto/keyring-cipher';
import { EventPublisher } from '@turbozap/shared/events/event-publisher';
import { EVENTS_RELAY_GRACE_MS, EventsRelay } from '@turbozap/shared/events/events-relay';
import type { Component, Runtime } from '@turbozap/shared/runtime';
import { resolveBaileysEnvironment } from './connection/baileys-env.ts';
import { guardLibsignalConsole } from './connection/libsignal-console-guard.ts';
import { defaultReconnectOptions, type ReconnectOptions } from './connection/reconnect-policy.ts';
import type { OwnershipTimings, WorkerContext } from './context.ts';
import { eventsOutboxSink } from './events/event-sink.ts';
import { MessageWrites } from './message-writes.ts';
import { Heartbeat } from './ownership/heartbeat.ts';
import { OwnershipManager } from './ownership/ownership-manager.ts';

/** Knobs tests turn; production derives everything from the config. */
export interface SessionWorkerOptions {
  timings?: Partial<OwnershipTimings>;
  reconnect?: Partial<Omit<ReconnectOptions, 'autoReconnect'>>;
  /** Event relay poll interval (default 1 s). */
  relayIntervalMs?: number;
  /** How old an unpublished event must be before the relay takes it over (default 2 s). */
  relayGraceMs?: number;
}

export function defaultTimings(leaseTtlMs: number): OwnershipTimings {
  return {
    leaseTtlMs,
    reconcileIntervalMs: Math.min(5_000, Math.max(500, Math.floor(leaseTtlMs / 3))),
    unclaimedGraceMs: 2 * leaseTtlMs,
    rebalancePerPass: 2,
  };
}

/** What a running session-worker exposes to tests and the composition root. */
export interface SessionWorker extends Component {
  /** The instances this worker owns now (undefined before start). */
  readonly manager: OwnershipManager | undefined;
  readonly context: WorkerContext | undefined;
}

/**
 * The session-worker role: owns WhatsApp connections for the instances whose lease it holds
 * (ARCHITECTURE §4). Start-up resolves the WhatsApp Web version (≤ 2 s, skipped against the
 * simulator), starts the event relay, the heartbeat and the ownership loop.
 */
export function createSessionWorker(runtime: Runtime, options: SessionWorkerOptions = {}): SessionWorker {
  let context: WorkerContext | undefined;
  let manager: OwnershipManager | undefined;
  let relay: EventsRelay | undefined;
  let publisher: EventPublisher | undefined;
  let heartbeat: Heartbeat | undefined;
  let started = false;

  return {
    name: 'session-worker',
    get manager() {
      return manager;
    },
    get context() {
      return context;
    },

    async start() {
      const { config, logger } = runtime;
      const log = logger.child({ component: 'session-worker' });
      guardLibsignalConsole((line) => log.debug(`libsignal: ${line}`));
      const cipher = new KeyringCipher(config.session.keyring);
      const baileys = await resolveBaileysEnvironment(config.session, log);
      // Events leave right after their commit (publisher); the relay — the same the sender-worker
      // runs — publishes what the publisher could not, once it is older than the grace period.
      const ports = { db: runtime.db, broker: runtime.broker, logger: log, metrics: runtime.metrics };
      publisher = new EventPublisher(ports);
      relay = new EventsRelay({
        ...ports,
        intervalMs: options.relayIntervalMs ?? 1_000,
        batchSize: 200,
        graceMs: options.relayGraceMs ?? EVENTS_RELAY_GRACE_MS,
      });
      const events = eventsOutboxSink(publisher);
      context = {
        config,
        db: runtime.db,
        broker: runtime.broker,
        coordination: runtime.coordination,
        blobs: runtime.blobs,
        logger: log,
        metrics: runtime.metrics,
        workerId: runtime.processId,
        cipher,
        baileys,
        events,
        writes: new MessageWrites(runtime.db),
        timings: { ...defaultTimings(config.session.leaseTtlMs), ...options.timings },
        reconnect: { ...defaultReconnectOptions, ...options.reconnect, autoReconnect: config.session.autoReconnect },
      };
      heartbeat = new Heartbeat({
        coordination: runtime.coordination,
        logger: log,
        id: runtime.processId,
        capacity: config.session.capacity,
        ttlMs: context.timings.leaseTtlMs,
        intervalMs: WORKER_BEAT_INTERVAL_MS,
      });
      manager = new OwnershipManager(context);
      await relay.start();
      await heartbeat.start();
      await manager.start();
      started = true;
      log.info('session-worker started', { worker: runtime.processId, capacity: config.session.capacity });
    },

    async stop() {
      started = false;
      // Leave the live set first, so survivors' placement no longer waits for us, then hand everything back.
      await heartbeat?.stop();
      await manager?.stop();
      await relay?.stop();
      await publisher?.close();
    },

    async readiness() {
      return { 'session-worker': started };
    },
  };
}

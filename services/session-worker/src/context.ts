import { WORKER_BEAT_INTERVAL_MS } from '@turbozap/shared/coordination/liveness';
import { KeyringCipher } from '@turbozap/shared/crypto/keyring-cipher';
import { EventPublisher } from '@turbozap/shared/events/event-publisher';
import { EVENTS_RELAY_GRACE_MS, EventsRelay } from '@turbozap/shared/events/events-relay';
import type { Logger } from '@turbozap/shared/logging/logger';
import type { ServiceRuntime } from '@turbozap/shared/runtime';
import { resolveBaileysEnvironment } from './connection/baileys-env.ts';
import { defaultReconnectOptions, type ReconnectOptions } from './connection/reconnect-policy.ts';
import { eventsOutboxSink } from './events/event-sink.ts';
import { MessageWrites } from './message-writes.ts';
import { type InstancePorts, OwnedInstance } from './owned-instance.ts';
import { Heartbeat } from './ownership/heartbeat.ts';
import { OwnershipManager } from './ownership/ownership-manager.ts';
import { defaultTimings, type OwnershipTimings } from './ownership/timings.ts';

/** Knobs tests turn; production derives everything from the config. */
export interface SessionWorkerOptions {
  timings?: Partial<OwnershipTimings>;
  reconnect?: Partial<Omit<ReconnectOptions, 'autoReconnect'>>;
  /** Event relay poll interval (default 1 s). */
  relayIntervalMs?: number;
  /** How old an unpublished event must be before the relay takes it over (default 2 s). */
  relayGraceMs?: number;
}

/** The session-worker's long-lived parts, in the order they start. */
export interface WorkerParts {
  relay: EventsRelay;
  publisher: EventPublisher;
  heartbeat: Heartbeat;
  manager: OwnershipManager;
}

/**
 * Builds the session-worker from the process's runtime, each part from only what it uses.
 * Resolving the WhatsApp Web version takes up to 2 s (skipped against the simulator).
 */
export async function buildSessionWorker(
  runtime: ServiceRuntime<'session'>,
  options: SessionWorkerOptions,
  log: Logger,
): Promise<WorkerParts> {
  const { config, db, broker, coordination, metrics, processId: workerId } = runtime;
  const { session } = config;
  const timings = { ...defaultTimings(session.leaseTtlMs), ...options.timings };
  // Events leave right after their commit (publisher); the relay — the same the sender-worker
  // runs — publishes what the publisher could not, once it is older than the grace period.
  const publisher = new EventPublisher({ db, broker, logger: log, metrics });
  const relay = new EventsRelay({
    db,
    broker,
    logger: log,
    metrics,
    intervalMs: options.relayIntervalMs ?? 1_000,
    batchSize: 200,
    graceMs: options.relayGraceMs ?? EVENTS_RELAY_GRACE_MS,
  });
  const instancePorts: InstancePorts = {
    db,
    broker,
    coordination,
    blobs: runtime.blobs,
    metrics,
    logger: log,
    workerId,
    cipher: new KeyringCipher(session.keyring),
    baileys: await resolveBaileysEnvironment(session, log),
    events: eventsOutboxSink(publisher),
    writes: new MessageWrites(db),
    leaseTtlMs: timings.leaseTtlMs,
    reconnect: { ...defaultReconnectOptions, ...options.reconnect, autoReconnect: session.autoReconnect },
    session,
    media: config.media,
  };
  const heartbeat = new Heartbeat({
    coordination,
    logger: log,
    id: workerId,
    capacity: session.capacity,
    ttlMs: timings.leaseTtlMs,
    intervalMs: WORKER_BEAT_INTERVAL_MS,
  });
  const manager = new OwnershipManager({
    db,
    coordination,
    logger: log,
    workerId,
    timings,
    capacity: session.capacity,
    autoReconnect: session.autoReconnect,
    own: (instance, token, onGone) => new OwnedInstance(instancePorts, instance, token, onGone),
  });
  return { relay, publisher, heartbeat, manager };
}

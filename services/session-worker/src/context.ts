import type { BlobStore } from '@turbozap/shared/blobs/port';
import type { Broker } from '@turbozap/shared/broker/port';
import type { Config } from '@turbozap/shared/config/config';
import type { Coordination } from '@turbozap/shared/coordination/port';
import type { KeyringCipher } from '@turbozap/shared/crypto/keyring-cipher';
import type { Logger } from '@turbozap/shared/logging/logger';
import type { Metrics } from '@turbozap/shared/metrics/catalog';
import type { BaileysEnvironment } from './connection/baileys-env.ts';
import type { ReconnectOptions } from './connection/reconnect-policy.ts';
import type { Db } from './db-types.ts';
import type { EventSink } from './events/event-sink.ts';
import type { MessageWrites } from './message-writes.ts';

/** Timings of the ownership machinery; defaults derive from LEASE_TTL, tests shorten them. */
export interface OwnershipTimings {
  leaseTtlMs: number;
  /** Desired-state scan period (nudges arrive in between). */
  reconcileIntervalMs: number;
  /** How long an instance must stay unowned before a worker other than its HRW choice takes it. */
  unclaimedGraceMs: number;
  /** At most this many instances handed to their new HRW owner per reconcile pass (scale-up). */
  rebalancePerPass: number;
}

/** Everything the session-worker's parts are built from: the runtime's ports plus what start-up resolved. */
export interface WorkerContext {
  config: Config;
  db: Db;
  broker: Broker;
  coordination: Coordination;
  blobs: BlobStore;
  logger: Logger;
  metrics: Metrics;
  /** This process: lease holder, heartbeat id, owner_worker. */
  workerId: string;
  cipher: KeyringCipher;
  baileys: BaileysEnvironment;
  events: EventSink;
  /** The per-message writes (sent, receipts) of all instances here, group-committed. */
  writes: MessageWrites;
  timings: OwnershipTimings;
  reconnect: ReconnectOptions;
}

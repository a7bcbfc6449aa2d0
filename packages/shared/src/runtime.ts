import type { Kysely } from 'kysely';
import type { BlobStore } from './blobs/port.ts';
import type { Broker } from './broker/port.ts';
import type { Config } from './config/config.ts';
import type { Service, ServiceConfig } from './config/service-config.ts';
import type { Coordination } from './coordination/port.ts';
import type { DB } from './db/schema.ts';
import type { Logger } from './logging/logger.ts';
import type { Metrics } from './metrics/catalog.ts';
import type { MetricsRegistry } from './metrics/registry.ts';

/**
 * What every role is built from: the parsed config and one adapter per port, made by the
 * composition root (apps/turbozap) for the run mode. Services never reach for globals.
 */
export interface Runtime {
  config: Config;
  db: Kysely<DB>;
  broker: Broker;
  coordination: Coordination;
  blobs: BlobStore;
  logger: Logger;
  metrics: Metrics;
  registry: MetricsRegistry;
  /** Unique per process: lease holder and heartbeat id. */
  processId: string;
}

/** What one service is built from: the runtime with only its own sections of the config (configFor). */
export type ServiceRuntime<S extends Service> = Omit<Runtime, 'config'> & { config: ServiceConfig<S> };

/** A long-running part of a process (a consumer, a loop, a server). */
export interface Component {
  name: string;
  start(): Promise<void>;
  /** Finish or hand back in-flight work, then release resources. Bounded in time. */
  stop(): Promise<void>;
  /** Extra readiness checks this component reports on /ready. */
  readiness?(): Promise<Record<string, boolean>>;
}

import { EVENTS_RELAY_GRACE_MS } from '@turbozap/shared/events/events-relay';
import type { ResolveAll } from '@turbozap/shared/net';
import type { BackoffPolicy } from '@turbozap/shared/util/backoff';

/** Tuning knobs of the sender-worker; the defaults suit production, tests shorten them. */
export interface SenderWorkerSettings {
  send: {
    /** Deliveries of one send job before a transient failure ends the message `failed`. */
    maxAttempts: number;
    backoff: BackoffPolicy;
    /** A whole media download. */
    mediaTimeoutMs: number;
  };
  messageRelay: { intervalMs: number; graceMs: number; batchSize: number };
  eventsRelay: { intervalMs: number; batchSize: number; graceMs: number };
  sweeper: { intervalMs: number; staleMs: number; batchSize: number };
  /** The retention pruner (the retentions themselves come from the configuration). */
  pruner: { intervalMs: number; batchSize: number };
  webhooks: {
    pollIntervalMs: number;
    concurrency: number;
    /**
     * Events of `turbozap.webhooks` in flight at once; their delivery rows are written in one
     * statement per batch, so this (not RABBITMQ_WORKER_COUNT) bounds the batch.
     */
    eventPrefetch: number;
    backoff: BackoffPolicy;
    /** Backoff of the event consumer when the database refuses a delivery row. */
    consumerBackoff: BackoffPolicy;
  };
  now: () => number;
  random: () => number;
  /** DNS for the SSRF guard's pre-checks (tests inject one). */
  resolve: ResolveAll | undefined;
}

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends (...args: never[]) => unknown ? T[K] : T[K] extends object ? Partial<T[K]> : T[K];
};
export type SenderWorkerOptions = DeepPartial<SenderWorkerSettings>;

export const defaultSettings: SenderWorkerSettings = {
  send: { maxAttempts: 8, backoff: { baseMs: 1_000, maxMs: 5 * 60_000 }, mediaTimeoutMs: 60_000 },
  messageRelay: { intervalMs: 2_000, graceMs: 5_000, batchSize: 200 },
  eventsRelay: { intervalMs: 1_000, batchSize: 200, graceMs: EVENTS_RELAY_GRACE_MS },
  sweeper: { intervalMs: 30_000, staleMs: 5 * 60_000, batchSize: 500 },
  pruner: { intervalMs: 5 * 60_000, batchSize: 500 },
  webhooks: {
    pollIntervalMs: 1_000,
    concurrency: 32,
    eventPrefetch: 200,
    // ~5 s, 20 s, 80 s, 5 min, 21 min… (each between half of that and all of it), capped at an hour.
    backoff: { baseMs: 5_000, factor: 4, maxMs: 3_600_000 },
    consumerBackoff: { baseMs: 1_000, maxMs: 60_000 },
  },
  now: Date.now,
  random: Math.random,
  resolve: undefined,
};

export function resolveSettings(options: SenderWorkerOptions = {}): SenderWorkerSettings {
  const d = defaultSettings;
  return {
    send: { ...d.send, ...options.send },
    messageRelay: { ...d.messageRelay, ...options.messageRelay },
    eventsRelay: { ...d.eventsRelay, ...options.eventsRelay },
    sweeper: { ...d.sweeper, ...options.sweeper },
    pruner: { ...d.pruner, ...options.pruner },
    webhooks: { ...d.webhooks, ...options.webhooks },
    now: options.now ?? d.now,
    random: options.random ?? d.random,
    resolve: options.resolve ?? d.resolve,
  };
}

import type { Broker } from '../broker/port.ts';
import { type EventType, eventRoutingKey } from '../contracts/events.ts';
import { exchanges } from '../contracts/queues.ts';
import { eventsOutboxRepo } from '../db/repositories/events-outbox.ts';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics/catalog.ts';
import type { Runtime } from '../runtime.ts';
import { PollingLoop } from '../util/polling-loop.ts';
import { envelopeBody } from './envelope.ts';

/** How old an unpublished event must be before a relay takes over from the process that wrote it. */
export const EVENTS_RELAY_GRACE_MS = 2_000;

export interface EventsRelayOptions {
  db: Runtime['db'];
  broker: Broker;
  logger: Logger;
  metrics: Metrics;
  intervalMs: number;
  batchSize: number;
  /**
   * Only rows at least this old: younger ones are being published by the EventPublisher of the
   * process that wrote them. 0 relays everything at once (writers that only poke the relay).
   */
  graceMs?: number;
}

/**
 * Publishes every event written to `events_outbox` (by any process) to the `turbozap.events`
 * topic exchange under `<event>.<instanceId>`, then marks it published. Writers publish their
 * own events right after the commit (EventPublisher); this catches what they could not. The batch stays
 * locked (FOR UPDATE SKIP LOCKED) until marked, so replicas never publish the same row twice.
 */
export class EventsRelay {
  readonly #options: EventsRelayOptions;
  readonly #loop: PollingLoop;

  constructor(options: EventsRelayOptions) {
    this.#options = options;
    this.#loop = new PollingLoop({
      name: 'events relay',
      intervalMs: options.intervalMs,
      logger: options.logger,
      tick: () => this.relayOnce().then((n) => n === options.batchSize),
    });
  }

  async start(): Promise<void> {
    await this.#options.broker.assertTopicExchange(exchanges.events);
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** Publish soon: an event was just written. */
  poke(): void {
    this.#loop.poke();
  }

  /** One batch; returns how many events were published. */
  async relayOnce(): Promise<number> {
    const { db, broker, logger, metrics, batchSize } = this.#options;
    const published = await eventsOutboxRepo.relayUnpublished(
      db,
      { limit: batchSize, olderThanMs: this.#options.graceMs ?? 0 },
      async (rows) => {
        const results = await Promise.allSettled(
          rows.map((row) =>
            broker.publish(
              exchanges.events,
              eventRoutingKey({ event: row.event as EventType, instance: { id: row.instance_id, name: '' } }),
              envelopeBody(row.envelope),
              { messageId: row.id },
            ),
          ),
        );
        const failed = results.find((r) => r.status === 'rejected');
        if (failed)
          logger.warn('events relay could not publish some events', {
            failed: results.filter((r) => r.status === 'rejected').length,
            err: failed.reason,
          });
        const published = rows.filter((_, i) => results[i]?.status === 'fulfilled');
        for (const row of published) metrics.eventsPublished.inc({ event: row.event });
        return published;
      },
    );
    return published.length;
  }
}

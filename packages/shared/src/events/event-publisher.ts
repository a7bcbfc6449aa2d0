import type { Broker } from '../broker/port.ts';
import { type EventEnvelope, eventRoutingKey } from '../contracts/events.ts';
import { exchanges } from '../contracts/queues.ts';
import { eventsOutboxRepo } from '../db/repositories/events-outbox.ts';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics/catalog.ts';
import type { Runtime } from '../runtime.ts';
import { BatchedMarker } from '../util/batched-marker.ts';
import { envelopeBody } from './envelope.ts';

export interface EventPublisherOptions {
  db: Runtime['db'];
  broker: Broker;
  logger: Logger;
  metrics: Metrics;
  /** Longest wait before published events are marked (they are marked sooner in full batches). */
  markDelayMs?: number;
}

/**
 * Publishes events the moment their rows are committed, from the memory of the process that
 * wrote them, and marks them published in batches off the hot path. The events relay only
 * looks at rows older than its grace period, so it is left with what this could not publish
 * (broker down, a crash between commit and publish). Two round trips per event (the relay's
 * claim transaction and mark) become a share of one batched UPDATE. A mark that arrives
 * after the relay's grace means a second publish: delivery is at least once, as documented.
 */
export class EventPublisher {
  readonly #o: EventPublisherOptions;
  #exchange: Promise<void> | undefined;
  readonly #published: BatchedMarker;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: EventPublisherOptions) {
    this.#o = options;
    this.#published = new BatchedMarker({
      mark: (ids) => eventsOutboxRepo.markPublished(options.db, ids),
      onError: (count, error) => options.logger.warn('could not mark events published; will retry', { count, error }),
      ...(options.markDelayMs !== undefined ? { delayMs: options.markDelayMs } : {}),
    });
  }

  /** Publishes committed events; failures are left to the relay (never thrown). */
  publish(envelopes: readonly EventEnvelope[]): void {
    for (const envelope of envelopes) {
      const publishing = this.#publishOne(envelope).finally(() => this.#inFlight.delete(publishing));
      this.#inFlight.add(publishing);
    }
  }

  /** Waits for publishes under way and marks what was published (on shutdown). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
    await this.#published.flush();
  }

  async #publishOne(envelope: EventEnvelope): Promise<void> {
    const { broker, logger, metrics } = this.#o;
    try {
      this.#exchange ??= broker.assertTopicExchange(exchanges.events).catch((error: unknown) => {
        this.#exchange = undefined;
        throw error;
      });
      await this.#exchange;
      await broker.publish(
        exchanges.events,
        eventRoutingKey(envelope),
        envelopeBody(envelope as unknown as Record<string, unknown>),
        { messageId: envelope.id },
      );
      metrics.eventsPublished.inc({ event: envelope.event });
      this.#published.add(envelope.id);
    } catch (error) {
      logger.warn('publishing a committed event failed; the relay will publish it', { event_id: envelope.id, error });
    }
  }
}

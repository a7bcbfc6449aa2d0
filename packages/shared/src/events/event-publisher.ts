import type { Broker } from '../broker/port.ts';
import { type EventEnvelope, eventRoutingKey } from '../contracts/events.ts';
import { exchanges } from '../contracts/queues.ts';
import { eventsOutboxRepo } from '../db/repositories/events-outbox.ts';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics/catalog.ts';
import type { Runtime } from '../runtime.ts';
import { envelopeBody } from './envelope.ts';

export interface EventPublisherOptions {
  db: Runtime['db'];
  broker: Broker;
  logger: Logger;
  metrics: Metrics;
  /** Longest wait before published events are marked (they are marked sooner in full batches). */
  markDelayMs?: number;
}

const MARK_BATCH = 500;
/** Marks that keep failing are dropped past this: the relay then publishes those events again. */
const MAX_UNMARKED = 100_000;

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
  #unmarked: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: EventPublisherOptions) {
    this.#o = options;
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
    await this.#flushing;
    await this.#flush();
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
      this.#unmarked.push(envelope.id);
      if (this.#unmarked.length >= MARK_BATCH) this.#flushing = this.#flushing.then(() => this.#flush());
      else this.#timer ??= setTimeout(() => void this.#flush(), this.#o.markDelayMs ?? 100).unref();
    } catch (error) {
      logger.warn('publishing a committed event failed; the relay will publish it', { event_id: envelope.id, error });
    }
  }

  async #flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const ids = this.#unmarked.splice(0, MARK_BATCH);
    if (ids.length === 0) return;
    try {
      await eventsOutboxRepo.markPublished(this.#o.db, ids);
    } catch (error) {
      this.#unmarked = [...ids, ...this.#unmarked].slice(-MAX_UNMARKED);
      this.#o.logger.warn('could not mark events published; will retry', { count: ids.length, error });
    }
    if (this.#unmarked.length > 0) this.#timer ??= setTimeout(() => void this.#flush(), 500).unref();
  }
}

import type { Broker } from '@turbozap/shared/broker/port';
import { type EventEnvelope, eventRoutingKey } from '@turbozap/shared/contracts/events';
import { exchanges } from '@turbozap/shared/contracts/queues';
import { eventsOutboxRepo } from '@turbozap/shared/db/repositories/events-outbox';
import type { Logger } from '@turbozap/shared/logging/logger';
import type { Metrics } from '@turbozap/shared/metrics/catalog';
import type { Db } from '../db-types.ts';

export interface EventRelayOptions {
  db: Db;
  broker: Broker;
  logger: Logger;
  metrics: Metrics;
  /** Poll interval when nobody kicks the relay (rows written by a crashed process, broker outages). */
  intervalMs?: number;
  batchSize?: number;
}

/**
 * Publishes committed events_outbox rows to the `turbozap.events` topic exchange (routing key
 * `<event>.<instanceId>`), then marks them. Rows are claimed with SKIP LOCKED, so replicas relay
 * side by side; a failed publish rolls the batch back and it is retried (same event ids).
 */
export class EventRelay {
  readonly #o: Required<EventRelayOptions>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;

  constructor(options: EventRelayOptions) {
    this.#o = { intervalMs: 1_000, batchSize: 200, ...options };
  }

  async start(): Promise<void> {
    await this.#o.broker.assertTopicExchange(exchanges.events);
    this.#stopped = false;
    this.kick();
  }

  /** Publish soon (after a commit that added events). Coalesces. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#stopped) return;
      if (this.#again) {
        this.#again = false;
        this.kick();
      } else {
        this.#timer = setTimeout(() => this.kick(), this.#o.intervalMs);
      }
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    // One last pass so events of a clean shutdown leave with it.
    await this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      while ((await this.publishBatch()) === this.#o.batchSize) {
        /* keep going while full batches come back */
      }
    } catch (error) {
      this.#o.logger.warn('event relay: publish failed, will retry', { error });
    }
  }

  /** One batch; returns how many events were published. */
  async publishBatch(): Promise<number> {
    const { db, broker, metrics, batchSize } = this.#o;
    return db.transaction().execute(async (trx) => {
      const rows = await eventsOutboxRepo.claimUnpublished(trx, batchSize);
      if (rows.length === 0) return 0;
      await Promise.all(
        rows.map((row) => {
          const envelope = row.envelope as unknown as EventEnvelope;
          return broker.publish(exchanges.events, eventRoutingKey(envelope), Buffer.from(JSON.stringify(envelope)), {
            messageId: envelope.id,
            headers: { 'x-event': envelope.event },
          });
        }),
      );
      await eventsOutboxRepo.markPublished(
        trx,
        rows.map((r) => r.id),
      );
      for (const row of rows) metrics.eventsPublished.inc({ event: row.event });
      return rows.length;
    });
  }
}

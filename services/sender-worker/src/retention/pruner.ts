import { eventsOutboxRepo } from '@turbozap/shared/db/repositories/events-outbox';
import { pruneSettledDeliveries } from '@turbozap/shared/db/repositories/webhook-deliveries';
import type { Logger } from '@turbozap/shared/logging/logger';
import type { Metrics } from '@turbozap/shared/metrics/catalog';
import type { Runtime } from '@turbozap/shared/runtime';
import { PollingLoop } from '@turbozap/shared/util/polling-loop';

export interface PrunerOptions {
  db: Runtime['db'];
  logger: Logger;
  metrics: Metrics;
  intervalMs: number;
  /** Rows per DELETE: small, so each statement holds its row locks for milliseconds. */
  batchSize: number;
  /** Published events older than this are deleted; 0 keeps them forever. */
  eventsHours: number;
  /** Delivered/failed webhook deliveries older than this are deleted; 0 keeps them forever. */
  webhookDeliveryDays: number;
}

export interface PruneResult {
  events: number;
  deliveries: number;
}

/**
 * Keeps `events_outbox` and the webhook delivery log bounded. Each pass deletes one batch per
 * table and asks for another pass at once while a batch comes back full, so a backlog drains
 * as a series of short statements rather than one long one. Safe in every replica at once:
 * the batches are claimed with `SKIP LOCKED`, so replicas split the work instead of queueing.
 */
export class Pruner {
  readonly #options: PrunerOptions;
  readonly #loop: PollingLoop;

  constructor(options: PrunerOptions) {
    this.#options = options;
    this.#loop = new PollingLoop({
      name: 'retention pruner',
      intervalMs: options.intervalMs,
      logger: options.logger,
      tick: async () => {
        const { events, deliveries } = await this.pruneOnce();
        return events === options.batchSize || deliveries === options.batchSize;
      },
    });
  }

  /** Whether there is anything to prune at all (both retentions 0: the loop is not started). */
  get enabled(): boolean {
    return this.#options.eventsHours > 0 || this.#options.webhookDeliveryDays > 0;
  }

  start(): void {
    if (this.enabled) this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  async pruneOnce(): Promise<PruneResult> {
    const { db, batchSize, eventsHours, webhookDeliveryDays, metrics, logger } = this.#options;
    const events = eventsHours > 0 ? await eventsOutboxRepo.prune(db, eventsHours, batchSize) : 0;
    const deliveries = webhookDeliveryDays > 0 ? await pruneSettledDeliveries(db, webhookDeliveryDays, batchSize) : 0;
    if (events > 0) metrics.retentionPruned.inc({ table: 'events_outbox' }, events);
    if (deliveries > 0) metrics.retentionPruned.inc({ table: 'webhook_deliveries' }, deliveries);
    if (events + deliveries > 0) logger.debug('retention pass', { events, deliveries });
    return { events, deliveries };
  }
}

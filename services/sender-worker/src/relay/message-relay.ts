import type { Broker } from '@turbozap/shared/broker/port';
import { makeJob, queues } from '@turbozap/shared/contracts/queues';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import type { Logger } from '@turbozap/shared/logging/logger';
import type { Runtime } from '@turbozap/shared/runtime';
import { PollingLoop } from '@turbozap/shared/util/polling-loop';

export interface MessageRelayOptions {
  db: Runtime['db'];
  broker: Broker;
  logger: Logger;
  intervalMs: number;
  /** Rows younger than this are left to the API, which publishes right after its commit. */
  graceMs: number;
  batchSize: number;
  now?: () => number;
}

/**
 * Publishes the `message.send` job of every committed row the broker never got (the API
 * crashed or the broker was down between commit and publish), then marks it published.
 * Rows are claimed with FOR UPDATE SKIP LOCKED, so replicas relay disjoint rows.
 */
export class MessageRelay {
  readonly #options: MessageRelayOptions;
  readonly #loop: PollingLoop;

  constructor(options: MessageRelayOptions) {
    this.#options = options;
    this.#loop = new PollingLoop({
      name: 'message relay',
      intervalMs: options.intervalMs,
      logger: options.logger,
      tick: () => this.relayOnce().then((n) => n === options.batchSize),
    });
  }

  async start(): Promise<void> {
    await this.#options.broker.assertQueue(queues.send);
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** One batch; returns how many rows were published. */
  async relayOnce(): Promise<number> {
    const { db, broker, logger, graceMs, batchSize } = this.#options;
    const cutoff = new Date((this.#options.now?.() ?? Date.now()) - graceMs);
    const published = await messagesRepo.relayUnpublished(
      db,
      { createdBefore: cutoff, limit: batchSize },
      async (rows) => {
        const results = await Promise.allSettled(
          rows.map((r) =>
            broker.send(queues.send, makeJob('message.send', { messageId: r.id, instanceId: r.instance_id }), {
              messageId: r.id,
            }),
          ),
        );
        const failed = results.find((r) => r.status === 'rejected');
        if (failed)
          logger.warn('message relay could not publish some rows', {
            failed: results.filter((r) => r.status === 'rejected').length,
            err: failed.reason,
          });
        return rows.filter((_, i) => results[i]?.status === 'fulfilled');
      },
    );
    return published.length;
  }
}

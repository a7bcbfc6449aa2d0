import type { Broker, Consumer, Delivery, HandlerResult } from '@turbozap/shared/broker/port';
import { outboxQueueOptions, queues } from '@turbozap/shared/contracts/queues';
import type { Logger } from '@turbozap/shared/logging/logger';

/**
 * The instance's outbox queue (single active consumer), consumed only while this worker holds
 * the lease AND the socket is logged in. Start/stop calls are serialized, so quick
 * open/close flips never leave two consumers or a dangling one.
 */
export class OutboxConsumer {
  readonly #broker: Broker;
  readonly #queue: string;
  readonly #handle: (delivery: Delivery) => Promise<HandlerResult>;
  readonly #interrupt: () => void;
  readonly #prefetch: number;
  readonly #log: Logger;
  #consumer: Consumer | undefined;
  #chain: Promise<void> = Promise.resolve();
  #wanted = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(options: {
    broker: Broker;
    instanceId: string;
    handle: (delivery: Delivery) => Promise<HandlerResult>;
    /** Called when consuming stops, before the consumer is cancelled (handlers stop waiting). */
    interrupt?: () => void;
    prefetch: number;
    logger: Logger;
  }) {
    this.#broker = options.broker;
    this.#queue = queues.outbox(options.instanceId);
    this.#handle = options.handle;
    this.#interrupt = options.interrupt ?? (() => {});
    this.#prefetch = options.prefetch;
    this.#log = options.logger;
  }

  start(): Promise<void> {
    this.#wanted = true;
    return this.#settle();
  }

  stop(): Promise<void> {
    this.#wanted = false;
    clearTimeout(this.#retry);
    this.#interrupt();
    return this.#settle();
  }

  #settle(): Promise<void> {
    this.#chain = this.#chain.then(async () => {
      try {
        if (this.#wanted && !this.#consumer) {
          await this.#broker.assertQueue(this.#queue, outboxQueueOptions);
          this.#consumer = await this.#broker.consume(this.#queue, this.#handle, { prefetch: this.#prefetch });
        } else if (!this.#wanted && this.#consumer) {
          const consumer = this.#consumer;
          this.#consumer = undefined;
          await consumer.cancel();
        }
      } catch (error) {
        this.#log.error('outbox consumer change failed', { queue: this.#queue, wanted: this.#wanted, error });
        // The broker may be back soon; the messages wait in the queue (and in Postgres) meanwhile.
        clearTimeout(this.#retry);
        this.#retry = setTimeout(() => void this.#settle(), 2_000);
      }
    });
    return this.#chain;
  }
}

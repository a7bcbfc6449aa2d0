import { withDeadline } from '../util/timeout.ts';
import { DEAD_FROM_HEADER, DEAD_REASON_HEADER, deadLetterEnabled, deadQueueName } from './conventions.ts';
import { BrokerClosedError, BrokerError } from './errors.ts';
import { MemoryBrokerServer, type MemoryConsumerState, type MemoryQueue, type StoredMessage } from './memory-server.ts';
import {
  type Broker,
  type ConsumeOptions,
  type Consumer,
  type Delivery,
  type Handler,
  type HandlerResult,
  type PublishOptions,
  type QueueOptions,
  retry,
} from './port.ts';

export interface MemoryBrokerOptions {
  /** Share one in-process "server" between several brokers (connections). Default: a private one. */
  server?: MemoryBrokerServer;
  /** A handler that throws is treated as `retry(handlerErrorRetryMs)` (default 1000 ms). */
  handlerErrorRetryMs?: number;
  /** How long `Consumer.cancel()` / `close()` wait for in-flight handlers (default 10 s). */
  drainTimeoutMs?: number;
  onError?: (err: unknown, context: string) => void;
}

/**
 * The embedded adapter: the same semantics as AmqpBroker (topic routing, prefetch, single active
 * consumer, delayed retry with attempts, `<queue>.dead`, exclusive auto-delete queues), in memory.
 * Embedded mode gets durability from the database and its relay, not from the broker.
 */
export class MemoryBroker implements Broker {
  readonly server: MemoryBrokerServer;
  readonly #ownsServer: boolean;
  readonly #options: MemoryBrokerOptions;
  /** Options of the queues this connection declared (the dead-letter policy is client-side, as in AMQP). */
  readonly #declared = new Map<string, QueueOptions>();
  readonly #consumers = new Set<MemoryConsumer>();
  #closing = false;

  constructor(options: MemoryBrokerOptions = {}) {
    this.#options = options;
    this.#ownsServer = !options.server;
    this.server = options.server ?? new MemoryBrokerServer();
  }

  async assertQueue(queue: string, options: QueueOptions = {}): Promise<void> {
    this.#guard();
    this.server.declareQueue(queue, options, this);
    if (deadLetterEnabled(options)) this.server.declareQueue(deadQueueName(queue), {}, this);
    this.#declared.set(queue, { ...options });
  }

  async assertTopicExchange(exchange: string): Promise<void> {
    this.#guard();
    this.server.declareExchange(exchange);
  }

  /** Not part of the Broker port (topology is long-lived); for cleanup in tests and tooling. */
  async deleteExchange(exchange: string): Promise<void> {
    this.#guard();
    this.server.deleteExchange(exchange);
  }

  async bindQueue(queue: string, exchange: string, pattern: string): Promise<void> {
    this.#guard();
    this.server.bind(queue, exchange, pattern, this);
  }

  async unbindQueue(queue: string, exchange: string, pattern: string): Promise<void> {
    this.#guard();
    this.server.unbind(queue, exchange, pattern);
  }

  async deleteQueue(queue: string): Promise<void> {
    this.#guard();
    if (this.server.hasQueue(queue)) this.server.queue(queue, this);
    this.server.deleteQueue(queue);
    this.#declared.delete(queue);
  }

  async send(queue: string, body: Buffer, options?: PublishOptions): Promise<void> {
    this.#guard();
    if (!this.server.hasQueue(queue))
      throw new BrokerError('BROKER_UNROUTABLE', `no queue '${queue}' to take the message`);
    this.server.enqueue(queue, stored(queue, body, options));
  }

  async publish(exchange: string, routingKey: string, body: Buffer, options?: PublishOptions): Promise<void> {
    this.#guard();
    for (const queue of this.server.route(exchange, routingKey))
      this.server.enqueue(queue, stored(routingKey, body, options));
  }

  async consume(queue: string, handler: Handler, options: ConsumeOptions): Promise<Consumer> {
    this.#guard();
    const q = this.server.queue(queue, this);
    const consumer = new MemoryConsumer(this, q, handler, Math.max(1, options.prefetch));
    this.#consumers.add(consumer);
    q.consumers.push(consumer);
    this.server.pump(q);
    return consumer;
  }

  async depth(queue: string): Promise<number> {
    this.#guard();
    return this.server.depth(this.server.queue(queue, this));
  }

  async purge(queue: string): Promise<number> {
    this.#guard();
    const q = this.server.queue(queue, this);
    const purged = this.server.depth(q);
    q.ready = [];
    return purged;
  }

  healthy(): boolean {
    return !this.#closing;
  }

  /** Cancels the consumers (in-flight handlers finish), drops this connection's exclusive queues. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    await Promise.all([...this.#consumers].map((consumer) => consumer.cancel()));
    for (const [queue, options] of this.#declared) if (options.exclusive) this.server.deleteQueue(queue);
    if (this.#ownsServer) this.server.close();
  }

  #guard(): void {
    if (this.#closing) throw new BrokerClosedError();
  }

  /** @internal */
  report(err: unknown, context: string): void {
    this.#options.onError?.(err, context);
  }

  /** @internal Applies a handler's result, exactly as the AMQP adapter does. */
  settle(queue: MemoryQueue, message: StoredMessage, result: HandlerResult): void {
    if (result.kind === 'retry') {
      const again = { ...message, attempts: message.attempts + 1, redelivered: false, expiresAt: undefined };
      this.server.later(result.delayMs, () => this.server.enqueue(queue.name, again));
    } else if (result.kind === 'dead' && this.#deadLetters(queue.name)) {
      const dead = deadQueueName(queue.name);
      if (this.server.hasQueue(dead)) {
        const headers = { ...message.headers, [DEAD_REASON_HEADER]: result.reason, [DEAD_FROM_HEADER]: queue.name };
        this.server.enqueue(dead, { ...message, headers, redelivered: false, expiresAt: undefined });
      } else {
        // No dead-letter queue to take it: hold it, then hand it back (as the AMQP adapter does).
        this.report(
          new BrokerError('BROKER_UNROUTABLE', `no queue '${dead}'`),
          `dead of a message from '${queue.name}'`,
        );
        const back = { ...message, redelivered: true };
        this.server.later(this.handlerErrorRetryMs, () => this.server.enqueue(queue.name, back, true));
      }
    }
  }

  /** @internal */
  consumerEnded(consumer: MemoryConsumer): void {
    this.#consumers.delete(consumer);
  }

  get handlerErrorRetryMs(): number {
    return this.#options.handlerErrorRetryMs ?? 1_000;
  }

  get drainTimeoutMs(): number {
    return this.#options.drainTimeoutMs ?? 10_000;
  }

  #deadLetters(queue: string): boolean {
    const options = this.#declared.get(queue);
    return options ? deadLetterEnabled(options) : true;
  }
}

function stored(routingKey: string, body: Buffer, options: PublishOptions | undefined): StoredMessage {
  return {
    body: Buffer.from(body),
    routingKey,
    messageId: options?.messageId,
    headers: { ...options?.headers },
    attempts: 0,
    redelivered: false,
    expiresAt: options?.expirationMs === undefined ? undefined : Date.now() + options.expirationMs,
  };
}

class MemoryConsumer implements Consumer, MemoryConsumerState {
  readonly owner: MemoryBroker;
  readonly handler: Handler;
  readonly prefetch: number;
  readonly unacked = new Set<StoredMessage>();
  readonly #queue: MemoryQueue;
  readonly #inflight = new Set<Promise<void>>();
  #cancelling: Promise<void> | null = null;

  constructor(owner: MemoryBroker, queue: MemoryQueue, handler: Handler, prefetch: number) {
    this.owner = owner;
    this.#queue = queue;
    this.handler = handler;
    this.prefetch = prefetch;
  }

  run(delivery: Delivery, message: StoredMessage): void {
    const work = this.#process(delivery, message).catch((err: unknown) =>
      this.owner.report(err, `delivery from '${this.#queue.name}'`),
    );
    this.#inflight.add(work);
    work.finally(() => this.#inflight.delete(work));
  }

  async #process(delivery: Delivery, message: StoredMessage): Promise<void> {
    await Promise.resolve(); // never run the handler inside the publisher's call
    let result: HandlerResult;
    try {
      result = await this.handler(delivery);
    } catch (err) {
      this.owner.report(err, `handler for '${this.#queue.name}'`);
      result = retry(this.owner.handlerErrorRetryMs);
    }
    if (!this.unacked.delete(message)) return; // already handed back (cancel timed out)
    this.owner.settle(this.#queue, message, result);
    this.owner.server.pump(this.#queue);
  }

  cancelledByServer(): void {
    this.owner.report(new BrokerError('BROKER_NOT_FOUND', `queue '${this.#queue.name}' deleted`), 'consume');
    this.cancel().catch(() => {});
  }

  cancel(): Promise<void> {
    this.#cancelling ??= (async () => {
      const { server } = this.owner;
      this.#queue.consumers = this.#queue.consumers.filter((c) => c !== this);
      this.owner.consumerEnded(this);
      server.pump(this.#queue); // single active consumer: the next one takes over
      await withDeadline(Promise.allSettled([...this.#inflight]), this.owner.drainTimeoutMs, undefined);
      // Like closing an AMQP channel: whatever is still unacked goes back to the queue, redelivered.
      for (const message of [...this.unacked].reverse())
        server.enqueue(this.#queue.name, { ...message, redelivered: true }, true);
      this.unacked.clear();
      const current = server.hasQueue(this.#queue.name) ? server.queue(this.#queue.name) : undefined;
      if (current === this.#queue && this.#queue.exclusive && this.#queue.consumers.length === 0)
        server.deleteQueue(this.#queue.name); // auto-delete, as the AMQP adapter's exclusive queues
    })();
    return this.#cancelling;
  }
}

import type { Channel, ChannelModel } from 'amqplib';
import { AmqpConnection, type AmqpConnectionOptions } from './amqp-connection.ts';
import { AmqpConsumer, type ConsumerContext } from './amqp-consumer.ts';
import { publishProperties } from './amqp-message.ts';
import { declareQueue, declareRetryBucket, retryExchangeName, Topology } from './amqp-topology.ts';
import { deadLetterEnabled } from './conventions.ts';
import { BrokerClosedError } from './errors.ts';
import type { Broker, ConsumeOptions, Consumer, Handler, PublishOptions, QueueOptions } from './port.ts';

export interface AmqpBrokerOptions extends AmqpConnectionOptions {
  /** A handler that throws is treated as `retry(handlerErrorRetryMs)` (default 1000 ms). */
  handlerErrorRetryMs?: number;
  /** How long `Consumer.cancel()` / `close()` wait for in-flight handlers (default 10 s). */
  drainTimeoutMs?: number;
}

/**
 * The RabbitMQ adapter. One connection (recovered automatically), a confirm channel for
 * publishes, one channel per consumer. Everything it declared is declared again after a
 * reconnect and its consumers resume by themselves.
 */
export class AmqpBroker implements Broker {
  readonly #conn: AmqpConnection;
  readonly #topology = new Topology();
  readonly #consumers = new Set<AmqpConsumer>();
  /** Exchanges known to exist on this connection: publishing to a missing one would close the confirm channel. */
  readonly #knownExchanges = new Set<string>(['']);
  readonly #consumerContext: ConsumerContext;
  #closing = false;

  constructor(options: AmqpBrokerOptions) {
    const report = (err: unknown, context: string): void => options.onError?.(err, context);
    this.#conn = new AmqpConnection(options, {
      setup: (model) => this.#topology.replay(model, (fn, m) => this.#conn.withChannel(fn, m), report),
      up: (model) => this.#attachAll(model),
      down: () => {
        this.#knownExchanges.clear();
        this.#knownExchanges.add('');
        for (const consumer of this.#consumers) consumer.detach();
      },
    });
    this.#consumerContext = {
      conn: this.#conn,
      ensureQueue: (channel, queue) => this.#ensureQueue(channel, queue),
      deadLetter: (queue) => {
        const options = this.#topology.queues.get(queue);
        return options ? deadLetterEnabled(options) : true;
      },
      retryExchange: (bucketMs) => this.#retryExchange(bucketMs),
      ended: (consumer) => this.#consumerEnded(consumer),
      handlerErrorRetryMs: options.handlerErrorRetryMs ?? 1_000,
      drainTimeoutMs: options.drainTimeoutMs ?? 10_000,
    };
  }

  /** Creates the broker and waits (up to `timeoutMs`) for the first connection. */
  static async connect(options: AmqpBrokerOptions, timeoutMs = 30_000): Promise<AmqpBroker> {
    const broker = new AmqpBroker(options);
    try {
      await broker.waitForConnect(timeoutMs);
    } catch (err) {
      await broker.close();
      throw err;
    }
    return broker;
  }

  /** Resolves once connected; rejects with BrokerUnavailableError after `timeoutMs`. */
  waitForConnect(timeoutMs = 30_000): Promise<void> {
    return this.#conn.waitUntilUp(timeoutMs);
  }

  async assertQueue(queue: string, options: QueueOptions = {}): Promise<void> {
    this.#guard();
    await this.#conn.withChannel((ch) => declareQueue(ch, queue, options));
    this.#topology.queues.set(queue, { ...options });
  }

  async assertTopicExchange(exchange: string): Promise<void> {
    this.#guard();
    await this.#conn.withChannel((ch) => ch.assertExchange(exchange, 'topic', { durable: true }));
    this.#topology.exchanges.add(exchange);
    this.#knownExchanges.add(exchange);
  }

  async bindQueue(queue: string, exchange: string, pattern: string): Promise<void> {
    this.#guard();
    await this.#conn.withChannel((ch) => ch.bindQueue(queue, exchange, pattern));
    this.#topology.addBinding(queue, exchange, pattern);
  }

  async unbindQueue(queue: string, exchange: string, pattern: string): Promise<void> {
    this.#guard();
    await this.#conn.withChannel((ch) => ch.unbindQueue(queue, exchange, pattern));
    this.#topology.removeBinding(queue, exchange, pattern);
  }

  /** Deletes the queue (its consumers are cancelled). `<queue>.dead` is kept: it holds dead-lettered messages. */
  async deleteQueue(queue: string): Promise<void> {
    this.#guard();
    await this.#conn.withChannel((ch) => ch.deleteQueue(queue));
    this.#topology.forgetQueue(queue);
  }

  /** Not part of the Broker port (topology is long-lived); for cleanup in tests and tooling. */
  async deleteExchange(exchange: string): Promise<void> {
    this.#guard();
    await this.#conn.withChannel((ch) => ch.deleteExchange(exchange));
    this.#topology.forgetExchange(exchange);
    this.#knownExchanges.delete(exchange);
  }

  /** Rejects with BROKER_UNROUTABLE when no such queue exists (published `mandatory`). */
  async send(queue: string, body: Buffer, options?: PublishOptions): Promise<void> {
    this.#guard();
    return this.#conn.publish('', queue, body, publishProperties(options), true);
  }

  /** Rejects with BROKER_NOT_FOUND for a missing exchange; a key no queue is bound for is dropped (topic semantics). */
  async publish(exchange: string, routingKey: string, body: Buffer, options?: PublishOptions): Promise<void> {
    this.#guard();
    if (!this.#knownExchanges.has(exchange)) {
      await this.#conn.withChannel((ch) => ch.checkExchange(exchange));
      this.#knownExchanges.add(exchange);
    }
    return this.#conn.publish(exchange, routingKey, body, publishProperties(options), false);
  }

  async consume(queue: string, handler: Handler, options: ConsumeOptions): Promise<Consumer> {
    this.#guard();
    const consumer = new AmqpConsumer(this.#consumerContext, queue, handler, Math.max(1, options.prefetch));
    await consumer.attach(this.#conn.requireUp());
    this.#consumers.add(consumer);
    return consumer;
  }

  async depth(queue: string): Promise<number> {
    this.#guard();
    return (await this.#conn.withChannel((ch) => ch.checkQueue(queue))).messageCount;
  }

  async purge(queue: string): Promise<number> {
    this.#guard();
    return (await this.#conn.withChannel((ch) => ch.purgeQueue(queue))).messageCount;
  }

  healthy(): boolean {
    return !this.#closing && this.#conn.isUp();
  }

  /** Cancels the consumers (letting in-flight handlers finish), waits for pending confirms, disconnects. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    await Promise.all([...this.#consumers].map((consumer) => consumer.cancel()));
    await this.#conn.close();
  }

  #guard(): void {
    if (this.#closing) throw new BrokerClosedError();
  }

  async #attachAll(model: ChannelModel): Promise<void> {
    await Promise.all(
      [...this.#consumers].map((consumer) =>
        consumer.attach(model).catch((err: unknown) => {
          this.#conn.report(err, `re-subscribing to '${consumer.queue}'`);
          consumer.scheduleReattach();
        }),
      ),
    );
  }

  async #ensureQueue(channel: Channel, queue: string): Promise<void> {
    const options = this.#topology.queues.get(queue);
    if (options) await declareQueue(channel, queue, options);
  }

  async #retryExchange(bucketMs: number): Promise<string> {
    if (!this.#topology.retryBuckets.has(bucketMs)) {
      await this.#conn.withChannel((ch) => declareRetryBucket(ch, bucketMs));
      this.#topology.retryBuckets.add(bucketMs);
    }
    return retryExchangeName(bucketMs);
  }

  #consumerEnded(consumer: AmqpConsumer): void {
    this.#consumers.delete(consumer);
    // An exclusive queue is auto-delete: the broker dropped it with its last consumer.
    const options = this.#topology.queues.get(consumer.queue);
    if (options?.exclusive && ![...this.#consumers].some((c) => c.queue === consumer.queue))
      this.#topology.forgetQueue(consumer.queue);
  }
}

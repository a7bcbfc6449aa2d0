import { BrokerError } from './errors.ts';
import type { Delivery, Handler, QueueOptions } from './port.ts';
import { topicMatches } from './topic.ts';

/** A message as stored in a queue of the in-process broker. */
export interface StoredMessage {
  body: Buffer;
  routingKey: string;
  messageId: string | undefined;
  headers: Record<string, unknown>;
  attempts: number;
  redelivered: boolean;
  /** Dropped instead of delivered once past this time (first delivery only, as in RabbitMQ). */
  expiresAt: number | undefined;
}

/** One subscription: `owner` is the connection (MemoryBroker) it belongs to. */
export interface MemoryConsumerState {
  readonly owner: object;
  readonly handler: Handler;
  readonly prefetch: number;
  /** Deliveries handed to the handler and not settled yet. */
  readonly unacked: Set<StoredMessage>;
  /** Called with each delivery; returns once the handler's result is known. */
  run(delivery: Delivery, message: StoredMessage): void;
  /** The broker cancelled the subscription (queue deleted). */
  cancelledByServer(): void;
}

export interface MemoryQueue {
  readonly name: string;
  readonly exclusive: boolean;
  readonly singleActiveConsumer: boolean;
  /** The connection that owns an exclusive queue. */
  readonly owner: object | null;
  ready: StoredMessage[];
  /** In subscription order; with single-active-consumer only the first receives. */
  consumers: MemoryConsumerState[];
  nextConsumer: number;
}

/**
 * The shared state of the embedded broker, the counterpart of one RabbitMQ server: several
 * MemoryBroker "connections" may share it (e.g. two replicas in one test process).
 */
export class MemoryBrokerServer {
  readonly #queues = new Map<string, MemoryQueue>();
  readonly #exchanges = new Map<string, Array<{ queue: string; pattern: string }>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  queue(name: string, owner?: object): MemoryQueue {
    const queue = this.#queues.get(name);
    if (!queue) throw new BrokerError('BROKER_NOT_FOUND', `no queue '${name}'`);
    if (owner !== undefined && queue.owner && queue.owner !== owner)
      throw new BrokerError('BROKER_RESOURCE_LOCKED', `queue '${name}' is exclusive to another connection`);
    return queue;
  }

  hasQueue(name: string): boolean {
    return this.#queues.has(name);
  }

  declareQueue(name: string, options: QueueOptions, owner: object): void {
    const exclusive = options.exclusive ?? false;
    const singleActiveConsumer = options.singleActiveConsumer ?? false;
    const existing = this.#queues.get(name);
    if (existing) {
      this.queue(name, owner);
      if (existing.exclusive !== exclusive || existing.singleActiveConsumer !== singleActiveConsumer)
        throw new BrokerError('BROKER_PRECONDITION_FAILED', `queue '${name}' exists with other options`);
      return;
    }
    this.#queues.set(name, {
      name,
      exclusive,
      singleActiveConsumer,
      owner: exclusive ? owner : null,
      ready: [],
      consumers: [],
      nextConsumer: 0,
    });
  }

  deleteQueue(name: string): void {
    const queue = this.#queues.get(name);
    if (!queue) return;
    this.#queues.delete(name);
    for (const [exchange, bindings] of this.#exchanges)
      this.#exchanges.set(
        exchange,
        bindings.filter((b) => b.queue !== name),
      );
    for (const consumer of queue.consumers.splice(0)) consumer.cancelledByServer();
  }

  declareExchange(name: string): void {
    if (!this.#exchanges.has(name)) this.#exchanges.set(name, []);
  }

  deleteExchange(name: string): void {
    this.#exchanges.delete(name);
  }

  #exchange(name: string): Array<{ queue: string; pattern: string }> {
    const bindings = this.#exchanges.get(name);
    if (!bindings) throw new BrokerError('BROKER_NOT_FOUND', `no exchange '${name}'`);
    return bindings;
  }

  bind(queue: string, exchange: string, pattern: string, owner: object): void {
    this.queue(queue, owner);
    const bindings = this.#exchange(exchange);
    if (!bindings.some((b) => b.queue === queue && b.pattern === pattern)) bindings.push({ queue, pattern });
  }

  unbind(queue: string, exchange: string, pattern: string): void {
    const bindings = this.#exchanges.get(exchange);
    if (bindings)
      this.#exchanges.set(
        exchange,
        bindings.filter((b) => !(b.queue === queue && b.pattern === pattern)),
      );
  }

  /** Queues a topic publish reaches (each at most once, as in RabbitMQ). */
  route(exchange: string, routingKey: string): string[] {
    const names = new Set<string>();
    for (const { queue, pattern } of this.#exchange(exchange)) if (topicMatches(pattern, routingKey)) names.add(queue);
    return [...names];
  }

  enqueue(name: string, message: StoredMessage, front = false): void {
    const queue = this.#queues.get(name);
    if (!queue) return;
    if (front) queue.ready.unshift(message);
    else queue.ready.push(message);
    this.pump(queue);
  }

  /** Hands ready messages to consumers with free prefetch (round-robin, or the single active one). */
  pump(queue: MemoryQueue): void {
    const now = Date.now();
    while (queue.ready.length > 0) {
      const consumer = this.#pick(queue);
      if (!consumer) return;
      const message = queue.ready.shift()!;
      if (message.expiresAt !== undefined && message.expiresAt <= now) continue;
      consumer.unacked.add(message);
      consumer.run(
        {
          body: message.body,
          routingKey: message.routingKey,
          messageId: message.messageId,
          headers: { ...message.headers },
          attempts: message.attempts,
          redelivered: message.redelivered,
        },
        message,
      );
    }
  }

  #pick(queue: MemoryQueue): MemoryConsumerState | undefined {
    const free = (c: MemoryConsumerState | undefined): boolean => c !== undefined && c.unacked.size < c.prefetch;
    if (queue.singleActiveConsumer) return free(queue.consumers[0]) ? queue.consumers[0] : undefined;
    const n = queue.consumers.length;
    for (let i = 0; i < n; i++) {
      const index = (queue.nextConsumer + i) % n;
      const consumer = queue.consumers[index];
      if (free(consumer)) {
        queue.nextConsumer = (index + 1) % n;
        return consumer;
      }
    }
    return undefined;
  }

  /** Ready messages (expired ones are dropped first). */
  depth(queue: MemoryQueue): number {
    const now = Date.now();
    queue.ready = queue.ready.filter((m) => m.expiresAt === undefined || m.expiresAt > now);
    return queue.ready.length;
  }

  /** Runs `fn` after `ms`, unless the server is closed first. */
  later(ms: number, fn: () => void): void {
    if (this.#closed) return;
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        if (!this.#closed) fn();
      },
      Math.max(0, ms),
    );
    this.#timers.add(timer);
  }

  /** Drops everything (pending retries included). */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#queues.clear();
    this.#exchanges.clear();
  }
}

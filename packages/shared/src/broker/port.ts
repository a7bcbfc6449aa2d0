/** What a consumer handler decides for one delivery. */
export type HandlerResult =
  | { kind: 'ack' }
  /** Put it back and deliver again after `delayMs` (transient failure). */
  | { kind: 'retry'; delayMs: number }
  /** Give up: dead-letter it (permanent failure). */
  | { kind: 'dead'; reason: string };

export const ack: HandlerResult = { kind: 'ack' };
export const retry = (delayMs: number): HandlerResult => ({ kind: 'retry', delayMs });
export const dead = (reason: string): HandlerResult => ({ kind: 'dead', reason });

export interface Delivery {
  body: Buffer;
  routingKey: string;
  messageId: string | undefined;
  headers: Record<string, unknown>;
  /** How many times this message was handed back for retry before (0 on the first delivery). */
  attempts: number;
  redelivered: boolean;
}

export type Handler = (delivery: Delivery) => Promise<HandlerResult>;

export interface QueueOptions {
  /** Only one consumer receives at a time; others stand by (per-instance outboxes). */
  singleActiveConsumer?: boolean;
  /** Private to this connection, deleted when it closes (SSE streams of one API replica). */
  exclusive?: boolean;
  /** Dead-letter rejected messages into `<queue>.dead`. Default true for durable queues. */
  deadLetter?: boolean;
  /**
   * Durable queues are replicated (RabbitMQ quorum queues) unless this is false: then a durable
   * queue on one node (classic). For the per-instance outboxes, whose content Postgres also holds
   * (the sweeper re-drives it): thousands of quorum queues — a Raft group each — stall a shared
   * broker at 2,000 instances, and cost a WAL write per job (docs/PERFORMANCE.md).
   */
  replicated?: boolean;
}

export interface PublishOptions {
  messageId?: string;
  headers?: Record<string, string | number>;
  /** Per-message TTL: a request nobody picked up in time is dropped, never run late. */
  expirationMs?: number;
}

export interface ConsumeOptions {
  /** Unacknowledged deliveries in flight for this consumer (RABBITMQ_WORKER_COUNT). */
  prefetch: number;
}

export interface Consumer {
  cancel(): Promise<void>;
}

/**
 * The message broker port. Publishes resolve only once the broker has confirmed them;
 * a publish that cannot be confirmed rejects (never silently dropped).
 */
export interface Broker {
  assertQueue(queue: string, options?: QueueOptions): Promise<void>;
  assertTopicExchange(exchange: string): Promise<void>;
  bindQueue(queue: string, exchange: string, pattern: string): Promise<void>;
  unbindQueue(queue: string, exchange: string, pattern: string): Promise<void>;
  deleteQueue(queue: string): Promise<void>;
  /** Publish straight to a queue (default exchange). */
  send(queue: string, body: Buffer, options?: PublishOptions): Promise<void>;
  /** Publish to a topic exchange. */
  publish(exchange: string, routingKey: string, body: Buffer, options?: PublishOptions): Promise<void>;
  consume(queue: string, handler: Handler, options: ConsumeOptions): Promise<Consumer>;
  /** Messages ready in the queue (not counting unacknowledged ones). */
  depth(queue: string): Promise<number>;
  purge(queue: string): Promise<number>;
  /** True while connected (for /ready). */
  healthy(): boolean;
  close(): Promise<void>;
}

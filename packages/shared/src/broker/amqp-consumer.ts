import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { sleep } from '../util/sleep.ts';
import { withDeadline } from '../util/timeout.ts';
import type { AmqpConnection } from './amqp-connection.ts';
import { mapAmqpError } from './amqp-errors.ts';
import { republishProperties, toDelivery } from './amqp-message.ts';
import { ATTEMPTS_HEADER, DEAD_FROM_HEADER, DEAD_REASON_HEADER, deadQueueName } from './conventions.ts';
import { BrokerError } from './errors.ts';
import { type Consumer, type Handler, type HandlerResult, retry } from './port.ts';
import { retryBucketMs } from './retry-buckets.ts';

export interface ConsumerContext {
  conn: AmqpConnection;
  /** Re-declares the queue if this broker declared it (an exclusive queue vanishes with its connection). */
  ensureQueue(channel: Channel, queue: string): Promise<void>;
  /** Whether `dead` results go to `<queue>.dead` (otherwise they are dropped). */
  deadLetter(queue: string): boolean;
  /** The exchange of the retry rung for `bucketMs`, declared on first use on this connection. */
  retryExchange(bucketMs: number): Promise<string>;
  /** The consumer stopped for good (cancelled by the caller or by the broker). */
  ended(consumer: AmqpConsumer): void;
  handlerErrorRetryMs: number;
  drainTimeoutMs: number;
}

const MAX_REATTACH_DELAY_MS = 10_000;
const MAX_HOLD_MS = 30_000;

/**
 * One consumer on a channel of its own (so its prefetch is its own and a channel error stays
 * local). Survives reconnects: the broker calls `attach` again on every new connection.
 */
export class AmqpConsumer implements Consumer {
  readonly queue: string;
  readonly #ctx: ConsumerContext;
  readonly #handler: Handler;
  readonly #prefetch: number;
  #channel: Channel | null = null;
  #tag: string | null = null;
  readonly #live = new WeakSet<Channel>();
  readonly #inflight = new Set<Promise<void>>();
  #attaching: Promise<void> | null = null;
  #cancelling: Promise<void> | null = null;
  #reattachDelay = 0;
  #reattachTimer: NodeJS.Timeout | undefined;

  constructor(ctx: ConsumerContext, queue: string, handler: Handler, prefetch: number) {
    this.#ctx = ctx;
    this.queue = queue;
    this.#handler = handler;
    this.#prefetch = prefetch;
  }

  /** Subscribes on `model` (no-op when already subscribed or cancelled). */
  attach(model: ChannelModel): Promise<void> {
    if (this.#cancelling || this.#channel) return Promise.resolve();
    this.#attaching ??= this.#subscribe(model).finally(() => {
      this.#attaching = null;
    });
    return this.#attaching;
  }

  async #subscribe(model: ChannelModel): Promise<void> {
    let channel: Channel;
    try {
      channel = await this.#ctx.conn.openChannel(model);
    } catch (err) {
      throw mapAmqpError(err);
    }
    this.#live.add(channel);
    channel.on('close', () => this.#onChannelClosed(channel));
    try {
      await this.#ctx.ensureQueue(channel, this.queue);
      await channel.prefetch(this.#prefetch);
      const { consumerTag } = await channel.consume(this.queue, (msg) => this.#onMessage(channel, msg), {
        noAck: false,
      });
      this.#tag = consumerTag;
      this.#channel = channel;
      this.#reattachDelay = 0;
    } catch (err) {
      channel.close().catch(() => {});
      throw mapAmqpError(err);
    }
  }

  /** The connection dropped: the channel is gone, unacked messages go back to the queue. */
  detach(): void {
    this.#channel = null;
    this.#tag = null;
  }

  /** A failed (re)subscription: try again later, with backoff, while the connection is up. */
  scheduleReattach(): void {
    if (this.#cancelling || this.#reattachTimer) return;
    this.#reattachDelay = Math.min(MAX_REATTACH_DELAY_MS, Math.max(100, this.#reattachDelay * 2));
    this.#reattachTimer = setTimeout(() => {
      this.#reattachTimer = undefined;
      if (this.#cancelling || this.#channel || !this.#ctx.conn.isUp()) return;
      this.attach(this.#ctx.conn.requireUp()).catch((err: unknown) => {
        this.#ctx.conn.report(err, `re-subscribing to '${this.queue}'`);
        this.scheduleReattach();
      });
    }, this.#reattachDelay);
  }

  #onChannelClosed(channel: Channel): void {
    this.#live.delete(channel);
    if (this.#channel !== channel) return;
    this.detach();
    // A channel error while the connection stays up: subscribe again. (If the whole connection
    // went down, the timer finds it down and the reconnect re-attaches instead.)
    if (!this.#cancelling) this.scheduleReattach();
  }

  #onMessage(channel: Channel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled us: the queue was deleted.
      this.#ctx.conn.report(new BrokerError('BROKER_NOT_FOUND', `queue '${this.queue}' deleted`), 'consume');
      this.cancel().catch(() => {});
      return;
    }
    const work = this.#process(channel, message).catch((err: unknown) =>
      this.#ctx.conn.report(err, `delivery from '${this.queue}'`),
    );
    this.#inflight.add(work);
    work.finally(() => this.#inflight.delete(work));
  }

  async #process(channel: Channel, message: ConsumeMessage): Promise<void> {
    const delivery = toDelivery(message);
    let result: HandlerResult;
    try {
      result = await this.#handler(delivery);
    } catch (err) {
      this.#ctx.conn.report(err, `handler for '${this.queue}'`);
      result = retry(this.#ctx.handlerErrorRetryMs);
    }
    try {
      if (result.kind === 'retry') {
        const exchange = await this.#ctx.retryExchange(retryBucketMs(result.delayMs));
        const props = republishProperties(message, { [ATTEMPTS_HEADER]: delivery.attempts + 1 });
        await this.#ctx.conn.publish(exchange, this.queue, message.content, props, true);
      } else if (result.kind === 'dead' && this.#ctx.deadLetter(this.queue)) {
        const props = republishProperties(message, {
          [ATTEMPTS_HEADER]: delivery.attempts,
          [DEAD_REASON_HEADER]: result.reason,
          [DEAD_FROM_HEADER]: this.queue,
        });
        await this.#ctx.conn.publish('', deadQueueName(this.queue), message.content, props, true);
      }
      // Acked only once the retry / dead-letter copy is confirmed: at-least-once, never lost.
      this.#settle(channel, message, true);
    } catch (err) {
      this.#ctx.conn.report(err, `${result.kind} of a message from '${this.queue}'`);
      // Could not publish the retry or dead-letter copy: hold it for the delay, then hand it back to this queue.
      const holdMs = result.kind === 'retry' ? result.delayMs : this.#ctx.handlerErrorRetryMs;
      await sleep(Math.min(holdMs, MAX_HOLD_MS));
      this.#settle(channel, message, false);
    }
  }

  #settle(channel: Channel, message: ConsumeMessage, ack: boolean): void {
    if (!this.#live.has(channel)) return; // channel gone: the broker redelivers the message
    try {
      if (ack) channel.ack(message);
      else channel.nack(message, false, true);
    } catch (err) {
      this.#ctx.conn.report(err, `settling a message from '${this.queue}'`);
    }
  }

  /** Stops new deliveries, lets in-flight handlers finish (up to drainTimeoutMs), closes the channel. */
  cancel(): Promise<void> {
    this.#cancelling ??= (async () => {
      clearTimeout(this.#reattachTimer);
      await this.#attaching?.catch(() => {});
      const channel = this.#channel;
      const tag = this.#tag;
      if (channel && tag && this.#live.has(channel)) await channel.cancel(tag).catch(() => {});
      this.#ctx.ended(this);
      await withDeadline(Promise.allSettled([...this.#inflight]), this.#ctx.drainTimeoutMs, undefined);
      this.detach();
      if (channel && this.#live.has(channel)) await channel.close().catch(() => {});
    })();
    return this.#cancelling;
  }
}

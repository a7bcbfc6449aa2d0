import type { Channel, ChannelModel, Options } from 'amqplib';
import { deadLetterEnabled, deadQueueName } from './conventions.ts';
import { BrokerUnavailableError } from './errors.ts';
import type { QueueOptions } from './port.ts';

export const retryExchangeName = (bucketMs: number): string => `turbozap.retry.${bucketMs}ms`;

const quorum = (args: Record<string, unknown> = {}): Options.AssertQueue => ({
  durable: true,
  arguments: { 'x-queue-type': 'quorum', ...args },
});

const classic = (args: Record<string, unknown> = {}): Options.AssertQueue => ({
  durable: true,
  arguments: { 'x-queue-type': 'classic', 'x-queue-version': 2, ...args },
});

/**
 * Durable queues are quorum queues (classic on one node when `replicated: false`); exclusive
 * ones are classic, auto-delete, gone with the connection.
 */
export async function declareQueue(channel: Channel, name: string, options: QueueOptions): Promise<void> {
  const sac = options.singleActiveConsumer ? { 'x-single-active-consumer': true } : {};
  const durable = options.replicated === false ? classic : quorum;
  if (options.exclusive) {
    await channel.assertQueue(name, {
      exclusive: true,
      autoDelete: true,
      durable: false,
      arguments: { 'x-queue-type': 'classic', ...sac },
    });
  } else {
    await channel.assertQueue(name, durable(sac));
  }
  if (deadLetterEnabled(options)) await channel.assertQueue(deadQueueName(name), durable());
}

/**
 * One retry rung: a fanout exchange and a quorum queue of the same name whose messages expire
 * after `bucketMs` and are dead-lettered, at-least-once, to the default exchange with their
 * original routing key, i.e. back into the queue they came from. Shared by every queue.
 */
export async function declareRetryBucket(channel: Channel, bucketMs: number): Promise<string> {
  const name = retryExchangeName(bucketMs);
  await channel.assertExchange(name, 'fanout', { durable: true });
  await channel.assertQueue(
    name,
    quorum({
      'x-message-ttl': bucketMs,
      'x-dead-letter-exchange': '',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    }),
  );
  await channel.bindQueue(name, name, '');
  return name;
}

interface Binding {
  queue: string;
  exchange: string;
  pattern: string;
}

type WithChannel = <T>(fn: (channel: Channel) => Promise<T>, model: ChannelModel) => Promise<T>;

/** What this broker declared, so it can be declared again on a new connection. */
export class Topology {
  readonly queues = new Map<string, QueueOptions>();
  readonly exchanges = new Set<string>();
  readonly #bindings = new Map<string, Binding>();
  /** Retry rungs declared on the current connection. */
  readonly retryBuckets = new Set<number>();

  addBinding(queue: string, exchange: string, pattern: string): void {
    this.#bindings.set(JSON.stringify([queue, exchange, pattern]), { queue, exchange, pattern });
  }

  removeBinding(queue: string, exchange: string, pattern: string): void {
    this.#bindings.delete(JSON.stringify([queue, exchange, pattern]));
  }

  forgetExchange(exchange: string): void {
    this.exchanges.delete(exchange);
    for (const [key, binding] of this.#bindings) if (binding.exchange === exchange) this.#bindings.delete(key);
  }

  forgetQueue(queue: string): void {
    this.queues.delete(queue);
    for (const [key, binding] of this.#bindings) if (binding.queue === queue) this.#bindings.delete(key);
  }

  /**
   * Declares everything again. A declaration the broker refuses is reported and skipped (one bad
   * queue must not keep the whole connection down); losing the connection aborts the replay.
   */
  async replay(model: ChannelModel, withChannel: WithChannel, report: (err: unknown, context: string) => void) {
    this.retryBuckets.clear();
    const steps: Array<[string, (channel: Channel) => Promise<unknown>]> = [];
    for (const exchange of this.exchanges)
      steps.push([`exchange ${exchange}`, (ch) => ch.assertExchange(exchange, 'topic', { durable: true })]);
    for (const [queue, options] of this.queues)
      steps.push([`queue ${queue}`, (ch) => declareQueue(ch, queue, options)]);
    for (const { queue, exchange, pattern } of this.#bindings.values())
      steps.push([`binding ${queue} <- ${exchange} ${pattern}`, (ch) => ch.bindQueue(queue, exchange, pattern)]);
    for (const [what, step] of steps) {
      try {
        await withChannel(step, model);
      } catch (err) {
        if (err instanceof BrokerUnavailableError) throw err;
        report(err, `re-declaring ${what}`);
      }
    }
  }
}

import type { Channel, ChannelModel, Options, RecoveringChannelModel } from 'amqplib';
import amqplib from 'amqplib';
import { sleep } from '../util/sleep.ts';
import { mapAmqpError } from './amqp-errors.ts';
import { ConfirmPublisher } from './amqp-publisher.ts';
import { BrokerClosedError, BrokerUnavailableError } from './errors.ts';

export interface ReconnectOptions {
  /** First reconnect delay (default 100 ms); doubles (`factor`) up to `maxDelayMs` (default 10 s), ±20% jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  factor?: number;
}

export interface AmqpConnectionOptions {
  /** amqp://user:pass@host:port/vhost */
  url: string;
  reconnect?: ReconnectOptions;
  /** AMQP heartbeat, so a silently dead peer is noticed (default 10 s). Ignored if the URL sets one. */
  heartbeatSeconds?: number;
  /** A publish without a confirm after this long rejects with BROKER_TIMEOUT (default 30 s). */
  publishTimeoutMs?: number;
  /** Shown in the RabbitMQ management UI. */
  connectionName?: string;
  /** Errors that have no caller to reject (handler failures, reconnect attempts, topology replay). */
  onError?: (err: unknown, context: string) => void;
}

export interface ConnectionHooks {
  /** Runs on every (re)connect before the connection counts as up: re-declare topology. Throwing retries. */
  setup(model: ChannelModel): Promise<void>;
  /** Runs right after the connection is marked up: re-create consumers. */
  up(model: ChannelModel): Promise<void>;
  /** The connection dropped (consumers lose their channels). */
  down(): void;
}

type State = 'connecting' | 'up' | 'down' | 'closed';

/**
 * One AMQP connection with automatic recovery (amqplib's opt-in `recovery`: exponential backoff
 * with jitter, forever). Owns the confirm channel for publishes and a small pool of channels for
 * declarations. While not up, every operation rejects at once with BrokerUnavailableError.
 */
export class AmqpConnection {
  readonly #options: AmqpConnectionOptions;
  readonly #hooks: ConnectionHooks;
  readonly #recovering: Promise<RecoveringChannelModel>;
  #state: State = 'connecting';
  #model: ChannelModel | null = null;
  readonly #publisher: ConfirmPublisher;
  #pool: Channel[] = [];
  #upWaiters: Array<(err?: Error) => void> = [];

  constructor(options: AmqpConnectionOptions, hooks: ConnectionHooks) {
    this.#options = options;
    this.#hooks = hooks;
    this.#publisher = new ConfirmPublisher(options.publishTimeoutMs ?? 30_000, (model) =>
      this.openChannel(model, true),
    );
    const { initialDelayMs = 100, maxDelayMs = 10_000, factor = 2 } = options.reconnect ?? {};
    const url = new URL(options.url);
    if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(options.heartbeatSeconds ?? 10));
    this.#recovering = amqplib.connect(url.toString(), {
      timeout: 5_000,
      clientProperties: { connection_name: options.connectionName ?? 'turbozap' },
      recovery: {
        initialDelay: initialDelayMs,
        maxDelay: maxDelayMs,
        factor,
        jitter: 0.2,
        maxRetries: Number.POSITIVE_INFINITY,
        waitForConnect: false,
        setup: (model: ChannelModel) => this.#setup(model),
      },
    });
    this.#recovering.then(
      (recovering) => {
        recovering.on('error', (err: Error) => this.report(err, 'connection'));
        recovering.on('connect-failed', (err: Error) => this.report(err, 'connect'));
      },
      (err: unknown) => this.report(err, 'connect'),
    );
  }

  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  isUp(): boolean {
    return this.#state === 'up';
  }

  /** The live connection, or a BrokerUnavailableError / BrokerClosedError. */
  requireUp(): ChannelModel {
    if (this.#state === 'closed') throw new BrokerClosedError();
    if (this.#state !== 'up' || !this.#model)
      throw new BrokerUnavailableError(`message broker unavailable (${this.#state})`);
    return this.#model;
  }

  /** Resolves once connected (the first time, or again after a drop). */
  waitUntilUp(timeoutMs = 30_000): Promise<void> {
    if (this.#state === 'up') return Promise.resolve();
    if (this.#state === 'closed') return Promise.reject(new BrokerClosedError());
    return new Promise((resolve, reject) => {
      const waiter = (err?: Error): void => {
        clearTimeout(timer);
        this.#upWaiters = this.#upWaiters.filter((w) => w !== waiter);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(
        () => waiter(new BrokerUnavailableError(`message broker not reachable within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#upWaiters.push(waiter);
    });
  }

  report(err: unknown, context: string): void {
    this.#options.onError?.(err, context);
  }

  /** Runs `fn` on a channel of its own (pooled), so a channel error cannot take other operations with it. */
  async withChannel<T>(fn: (channel: Channel) => Promise<T>, model: ChannelModel = this.requireUp()): Promise<T> {
    let channel: Channel;
    try {
      channel = this.#pool.pop() ?? (await this.openChannel(model));
    } catch (err) {
      throw mapAmqpError(err);
    }
    let failed = false;
    try {
      return await fn(channel);
    } catch (err) {
      failed = true;
      throw mapAmqpError(err);
    } finally {
      if (!failed && model === this.#model && this.#pool.length < 4) this.#pool.push(channel);
      else channel.close().catch(() => {});
    }
  }

  async openChannel(model: ChannelModel, confirm = false): Promise<Channel> {
    const channel = confirm ? await model.createConfirmChannel() : await model.createChannel();
    channel.on('error', (err: Error) => this.report(err, 'channel'));
    channel.on('close', () => {
      this.#pool = this.#pool.filter((c) => c !== channel);
    });
    return channel;
  }

  /**
   * Publishes with publisher confirms (see ConfirmPublisher). Rejects at once while not connected.
   */
  publish(
    exchange: string,
    routingKey: string,
    body: Buffer,
    properties: Options.Publish,
    mandatory = false,
  ): Promise<void> {
    try {
      return this.#publisher.publish(this.requireUp(), exchange, routingKey, body, properties, mandatory);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async #setup(model: ChannelModel): Promise<void> {
    let closed = false;
    model.on('error', (err: Error) => this.report(err, 'connection'));
    model.on('close', () => {
      closed = true;
      this.#onModelClosed(model);
    });
    if (this.#isClosed()) return;
    await this.#hooks.setup(model);
    await this.#publisher.prepare(model);
    // close() may have run meanwhile (the state changes across awaits).
    if (this.#isClosed()) throw new BrokerClosedError();
    if (closed) throw new BrokerUnavailableError('connection closed during setup');
    this.#model = model;
    this.#state = 'up';
    for (const waiter of this.#upWaiters.splice(0)) waiter();
    await this.#hooks.up(model);
    if (closed) throw new BrokerUnavailableError('connection closed during setup');
  }

  #onModelClosed(model: ChannelModel): void {
    this.#publisher.reset();
    this.#pool = [];
    if (this.#model !== model) return;
    this.#model = null;
    if (this.#state === 'up') this.#state = 'down';
    this.#publisher.failAll(
      new BrokerUnavailableError('connection to the broker lost before the publish was confirmed'),
    );
    this.#hooks.down();
  }

  /** Waits (up to `drainMs`) for unconfirmed publishes, then closes the connection for good. */
  async close(drainMs = 5_000): Promise<void> {
    if (this.#state === 'closed') return;
    const deadline = Date.now() + drainMs;
    while (this.#publisher.unconfirmed > 0 && Date.now() < deadline) await sleep(10);
    this.#state = 'closed';
    for (const waiter of [...this.#upWaiters]) waiter(new BrokerClosedError());
    this.#publisher.failAll(new BrokerClosedError());
    this.#publisher.reset();
    this.#model = null;
    this.#pool = [];
    const recovering = await this.#recovering.catch(() => null);
    await recovering?.close().catch((err: unknown) => this.report(err, 'close'));
  }
}

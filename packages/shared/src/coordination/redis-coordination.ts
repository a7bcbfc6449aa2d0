import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { exponentialDelay } from '../util/backoff.ts';
import type { Coordination, LiveWorker, RateLimitResult, Unsubscribe, WorkerBeat } from './port.ts';
import { ACQUIRE, HEARTBEAT, LIVE_WORKERS, RATE_LIMIT, RELEASE, REMOVE_WORKER, RENEW } from './redis-scripts.ts';
import { nonEmpty, rateLimitArgs, ttlMs } from './validation.ts';

export interface RedisCoordinationOptions {
  /** `redis://[user:password@]host:port[/db]` (default `redis://127.0.0.1:6379`). */
  url?: string;
  /** Prepended to every key and pub/sub channel (default `turbozap:`). */
  prefix?: string;
  /** A command without a reply after this long rejects (default 1500 ms). */
  commandTimeoutMs?: number;
  /** A TCP connect attempt is abandoned after this long (default 3000 ms). */
  connectTimeoutMs?: number;
  /** Reconnect backoff doubles from 50 ms up to this cap (default 1000 ms); it never gives up. */
  maxReconnectDelayMs?: number;
  /**
   * A connection with a command pending that receives nothing for this long is torn down and
   * reconnected (half-open sockets; default 5000 ms).
   */
  socketTimeoutMs?: number;
  /**
   * Right after construction, calls wait up to this long for the first connection (so
   * `new RedisCoordination()` is usable at once); from then on they fail fast. Default 3000 ms.
   */
  startupWaitMs?: number;
  /** Connection errors and throwing subscribers end up here (default: console.warn, throttled). */
  onError?: (error: unknown, source: 'connection' | 'subscriber' | 'resubscribe') => void;
  /** Extra ioredis options (TLS, sentinels, ...). The fail-fast options above win over these. */
  redisOptions?: RedisOptions;
}

/** A Lua script run by SHA, falling back to EVAL after a restart emptied the script cache. */
interface ChannelEntry {
  handlers: Set<(message: string) => void>;
  /** Settles when the server confirmed SUBSCRIBE for this channel. */
  subscribed: Promise<unknown>;
}

function throttledWarn(): NonNullable<RedisCoordinationOptions['onError']> {
  let last = '';
  let lastAt = 0;
  return (error, source) => {
    const message = `${source}: ${error instanceof Error ? error.message : String(error)}`;
    const now = Date.now();
    if (message === last && now - lastAt < 10_000) return;
    last = message;
    lastAt = now;
    console.warn(`[coordination] redis ${message}`);
  };
}

/**
 * Coordination on Redis. Commands fail fast while Redis is unreachable (no offline queue, a
 * command timeout) and both connections reconnect by themselves forever; subscriptions are
 * re-established after every reconnect. `await RedisCoordination.connect()` fails when Redis
 * is not there; `new RedisCoordination()` starts anyway, its first calls waiting up to
 * `startupWaitMs` for the first connection.
 */
export class RedisCoordination implements Coordination {
  readonly prefix: string;
  /** Commands, scripts and PUBLISH. */
  readonly client: Redis;
  /** SUBSCRIBE only (a subscribed connection cannot be shared). */
  readonly subscriber: Redis;
  readonly #channels = new Map<string, ChannelEntry>();
  readonly #onError: NonNullable<RedisCoordinationOptions['onError']>;
  #closed = false;
  /** Aborted by close(): ends any wait for a connection. */
  readonly #lifetime = new AbortController();
  /** Pending until the first connection is ready or `startupWaitMs` passed; never rejects. */
  #startup: Promise<void> | undefined;

  static async connect(options: RedisCoordinationOptions = {}, readyTimeoutMs = 5000): Promise<RedisCoordination> {
    const coordination = new RedisCoordination(options);
    try {
      await coordination.waitUntilReady(readyTimeoutMs);
    } catch (error) {
      await coordination.close();
      throw error;
    }
    return coordination;
  }

  constructor(options: RedisCoordinationOptions = {}) {
    this.prefix = options.prefix ?? 'turbozap:';
    this.#onError = options.onError ?? throttledWarn();
    const maxDelay = options.maxReconnectDelayMs ?? 1000;
    const redisOptions: RedisOptions = {
      ...options.redisOptions,
      // Fail fast: nothing waits for a connection that is not there.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 1500,
      connectTimeout: options.connectTimeoutMs ?? 3000,
      socketTimeout: options.socketTimeoutMs ?? 5000,
      retryStrategy: (times) => exponentialDelay({ baseMs: 50, maxMs: maxDelay }, times - 1),
      // Resubscription is done here, from our own channel map, on every `ready`.
      autoResubscribe: false,
      lazyConnect: false,
      // Only used by disconnect() (never-connected or broken sockets): do not hold the process 2 s.
      disconnectTimeout: 200,
    };
    this.client = new Redis(options.url ?? 'redis://127.0.0.1:6379', { ...redisOptions, connectionName: 'tz-coord' });
    this.subscriber = new Redis(options.url ?? 'redis://127.0.0.1:6379', {
      ...redisOptions,
      connectionName: 'tz-coord-sub',
    });
    this.client.on('error', (error) => this.#onError(error, 'connection'));
    this.subscriber.on('error', (error) => this.#onError(error, 'connection'));
    this.subscriber.on('message', (channel: string, message: string) => this.#dispatch(channel, message));
    this.subscriber.on('ready', () => this.#resubscribe());
    const startup = this.waitUntilReady(options.startupWaitMs ?? 3000).catch(() => undefined);
    this.#startup = startup.then(() => {
      this.#startup = undefined;
    });
  }

  /** The command connection, once start-up is over (see `startupWaitMs`). */
  async #conn(): Promise<Redis> {
    if (this.#startup) await this.#startup;
    return this.client;
  }

  /** Resolves once both connections are ready; rejects after `timeoutMs`. */
  async waitUntilReady(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const connection of [this.client, this.subscriber]) {
      await waitForReady(connection, Math.max(0, deadline - Date.now()), this.#lifetime.signal);
    }
  }

  #key(kind: string, key: string): string {
    return `${this.prefix}${kind}:${key}`;
  }

  get #workerKeys(): string[] {
    return [`${this.prefix}workers`, `${this.prefix}workers:info`, `${this.prefix}workers:beat`];
  }

  async acquireLease(key: string, holder: string, ttl: number): Promise<boolean> {
    nonEmpty(holder, 'holder');
    const ms = ttlMs(ttl);
    const client = await this.#conn();
    return (await ACQUIRE.run(client, [this.#key('lease', key)], [holder, ms])) === 1;
  }

  async renewLease(key: string, holder: string, ttl: number): Promise<boolean> {
    const ms = ttlMs(ttl);
    const client = await this.#conn();
    return (await RENEW.run(client, [this.#key('lease', key)], [holder, ms])) === 1;
  }

  async releaseLease(key: string, holder: string): Promise<boolean> {
    const client = await this.#conn();
    return (await RELEASE.run(client, [this.#key('lease', key)], [holder])) === 1;
  }

  async leaseHolder(key: string): Promise<string | null> {
    const client = await this.#conn();
    return await client.get(this.#key('lease', key));
  }

  async heartbeat(beat: WorkerBeat, ttl: number): Promise<void> {
    nonEmpty(beat.id, 'beat.id');
    const ms = ttlMs(ttl);
    const client = await this.#conn();
    await HEARTBEAT.run(client, this.#workerKeys, [beat.id, ms, JSON.stringify(beat.info ?? {})]);
  }

  async removeWorker(id: string): Promise<void> {
    const client = await this.#conn();
    await REMOVE_WORKER.run(client, this.#workerKeys, [id]);
  }

  async liveWorkers(): Promise<LiveWorker[]> {
    const client = await this.#conn();
    const flat = (await LIVE_WORKERS.run(client, this.#workerKeys, [])) as (string | number)[];
    const workers: LiveWorker[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const age = Number(flat[i + 2]);
      workers.push({ id: String(flat[i]), info: JSON.parse(String(flat[i + 1])), beatAgeMs: age >= 0 ? age : null });
    }
    return workers;
  }

  async rateLimit(key: string, rawLimit: number, rawWindowMs: number): Promise<RateLimitResult> {
    const { limit, windowMs } = rateLimitArgs(rawLimit, rawWindowMs);
    const client = await this.#conn();
    const reply = (await RATE_LIMIT.run(client, [this.#key('ratelimit', key)], [limit, windowMs, randomUUID()])) as [
      number,
      number,
      number,
    ];
    return { allowed: reply[0] === 1, limit, remaining: Number(reply[1]), retryAfterMs: Number(reply[2]) };
  }

  async setValue(key: string, value: string, ttl?: number): Promise<void> {
    const ms = ttl === undefined ? undefined : ttlMs(ttl);
    const client = await this.#conn();
    if (ms === undefined) await client.set(this.#key('kv', key), value);
    else await client.set(this.#key('kv', key), value, 'PX', ms);
  }

  async getValue(key: string): Promise<string | null> {
    const client = await this.#conn();
    return await client.get(this.#key('kv', key));
  }

  async deleteValue(key: string): Promise<void> {
    const client = await this.#conn();
    await client.del(this.#key('kv', key));
  }

  async addCounts(key: string, counts: Readonly<Record<string, number>>, ttl: number): Promise<void> {
    const ms = ttlMs(ttl);
    const client = await this.#conn();
    const name = this.#key('counts', key);
    const batch = client.multi();
    for (const [field, n] of Object.entries(counts)) batch.hincrby(name, field, n);
    await batch.pexpire(name, ms).exec();
  }

  async readCounts(keys: readonly string[]): Promise<Record<string, number>[]> {
    if (keys.length === 0) return [];
    const client = await this.#conn();
    const batch = client.pipeline();
    for (const key of keys) batch.hgetall(this.#key('counts', key));
    const replies = (await batch.exec()) ?? [];
    return replies.map(([error, hash]) => {
      if (error) throw error;
      return Object.fromEntries(Object.entries(hash as Record<string, string>).map(([f, v]) => [f, Number(v)]));
    });
  }

  async publish(channel: string, message: string): Promise<void> {
    const client = await this.#conn();
    await client.publish(this.#key('pubsub', channel), message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    if (this.#startup) await this.#startup;
    if (this.#closed) throw new Error('coordination client is closed');
    const name = this.#key('pubsub', channel);
    let entry = this.#channels.get(name);
    if (!entry) {
      const created: ChannelEntry = { handlers: new Set(), subscribed: this.subscriber.subscribe(name) };
      created.subscribed.catch(() => {
        // Forget a channel whose SUBSCRIBE failed, unless it was replaced meanwhile.
        if (this.#channels.get(name) === created) this.#channels.delete(name);
      });
      this.#channels.set(name, created);
      entry = created;
    }
    // A wrapper per call, so subscribing the same function twice gives two independent subscriptions.
    const handler = (message: string) => onMessage(message);
    entry.handlers.add(handler);
    try {
      await entry.subscribed;
    } catch (error) {
      entry.handlers.delete(handler);
      throw error;
    }
    const subscribed = entry;
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      subscribed.handlers.delete(handler);
      if (subscribed.handlers.size > 0 || this.#channels.get(name) !== subscribed) return;
      this.#channels.delete(name);
      // Not connected: nothing to undo, the channel is no longer resubscribed after reconnect.
      if (this.subscriber.status === 'ready') await this.subscriber.unsubscribe(name).catch(() => undefined);
    };
  }

  #dispatch(channel: string, message: string): void {
    const entry = this.#channels.get(channel);
    if (!entry) return;
    for (const handler of [...entry.handlers]) {
      if (!entry.handlers.has(handler)) continue; // unsubscribed by an earlier handler
      try {
        handler(message);
      } catch (error) {
        this.#onError(error, 'subscriber');
      }
    }
  }

  /** After a (re)connect the server knows none of our channels: subscribe them all again. */
  #resubscribe(): void {
    const names = [...this.#channels.keys()];
    if (names.length === 0) return;
    this.subscriber.subscribe(...names).catch((error: unknown) => {
      // The connection dropped again; the next `ready` retries.
      this.#onError(error, 'resubscribe');
    });
  }

  healthy(): boolean {
    return !this.#closed && this.client.status === 'ready' && this.subscriber.status === 'ready';
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#lifetime.abort();
    this.#channels.clear();
    await Promise.all([shutdown(this.client), shutdown(this.subscriber)]);
  }
}

function waitForReady(connection: Redis, timeoutMs: number, signal: AbortSignal): Promise<void> {
  if (connection.status === 'ready') return Promise.resolve();
  if (signal.aborted) return Promise.reject(new Error('coordination client is closed'));
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      connection.off('ready', onReady);
      connection.off('end', onEnd);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      cleanup();
      reject(new Error('coordination client is closed'));
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onEnd = () => {
      cleanup();
      reject(new Error('redis connection closed before it was ready'));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`redis not ready after ${timeoutMs} ms (status ${connection.status})`));
    }, timeoutMs);
    connection.on('ready', onReady);
    connection.on('end', onEnd);
    signal.addEventListener('abort', onAbort);
  });
}

async function shutdown(connection: Redis): Promise<void> {
  if (connection.status === 'end') return;
  if (connection.status === 'ready') {
    try {
      await connection.quit();
      return;
    } catch {
      // fall through to a hard disconnect
    }
  }
  connection.disconnect();
}

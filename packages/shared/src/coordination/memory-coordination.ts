import type { Coordination, LiveWorker, RateLimitResult, Unsubscribe, WorkerBeat } from './port.ts';
import { nonEmpty, rateLimitArgs, ttlMs } from './validation.ts';

interface Expiring {
  /** Epoch ms (store clock); Infinity when it never expires. */
  expiresAt: number;
}
interface LeaseEntry extends Expiring {
  holder: string;
}
interface WorkerEntry extends Expiring {
  beat: WorkerBeat;
  /** Store clock at the last beat. */
  beatAt: number;
}
interface ValueEntry extends Expiring {
  value: string;
}
interface CountsEntry extends Expiring {
  counts: Record<string, number>;
}
interface Subscription {
  owner: MemoryCoordination;
  onMessage: (message: string) => void;
  active: boolean;
}

export interface MemoryCoordinationStoreOptions {
  /** Clock in epoch milliseconds (default `Date.now`); tests may inject a fake one. */
  now?: () => number;
  /** How often expired entries are swept out, lazily on the next call (default 10 s). No timers run. */
  sweepIntervalMs?: number;
}

/**
 * The shared state behind one or more `MemoryCoordination` clients (one per simulated replica).
 * Expiry is decided by timestamps on every read; nothing here starts a timer.
 */
export class MemoryCoordinationStore {
  readonly now: () => number;
  readonly leases = new Map<string, LeaseEntry>();
  readonly workers = new Map<string, WorkerEntry>();
  /** Per key: timestamps of the hits inside the window, oldest first, and the last window used. */
  readonly hits = new Map<string, { stamps: number[]; windowMs: number }>();
  readonly values = new Map<string, ValueEntry>();
  readonly counts = new Map<string, CountsEntry>();
  readonly channels = new Map<string, Set<Subscription>>();
  readonly #sweepIntervalMs: number;
  #lastSweep: number;

  constructor(options: MemoryCoordinationStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 10_000;
    this.#lastSweep = this.now();
  }

  /** Drops expired entries now and then, so keys nobody reads again do not pile up. */
  maybeSweep(now: number): void {
    if (now - this.#lastSweep < this.#sweepIntervalMs) return;
    this.#lastSweep = now;
    for (const map of [this.leases, this.workers, this.values, this.counts] as Map<string, Expiring>[]) {
      for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
    }
    // Like the Redis key's PEXPIRE: gone once its newest hit has left the window.
    for (const [key, { stamps, windowMs }] of this.hits) {
      if ((stamps.at(-1) ?? Number.NEGATIVE_INFINITY) <= now - windowMs) this.hits.delete(key);
    }
  }
}

export interface MemoryCoordinationOptions extends MemoryCoordinationStoreOptions {
  /** Share state with other clients (simulated replicas in one process). Default: a private store. */
  store?: MemoryCoordinationStore;
  /** Called when a subscriber throws (default: console.error). */
  onError?: (error: unknown) => void;
}

const live = <T extends Expiring>(entry: T | undefined, now: number): T | undefined =>
  entry !== undefined && entry.expiresAt > now ? entry : undefined;

/**
 * The embedded, in-process Coordination adapter: same semantics as Redis (a lease is one
 * holder until its TTL passes; expired entries are invisible), pub/sub delivered in-process.
 */
export class MemoryCoordination implements Coordination {
  readonly store: MemoryCoordinationStore;
  readonly #onError: (error: unknown) => void;
  readonly #subscriptions = new Set<{ channel: string; subscription: Subscription }>();
  #closed = false;

  constructor(options: MemoryCoordinationOptions = {}) {
    this.store = options.store ?? new MemoryCoordinationStore(options);
    this.#onError = options.onError ?? ((error) => console.error('[coordination] subscriber failed', error));
  }

  #tick(): number {
    if (this.#closed) throw new Error('coordination client is closed');
    const now = this.store.now();
    this.store.maybeSweep(now);
    return now;
  }

  async acquireLease(key: string, holder: string, ttl: number): Promise<boolean> {
    nonEmpty(holder, 'holder');
    const ms = ttlMs(ttl);
    const now = this.#tick();
    const current = live(this.store.leases.get(key), now);
    if (current && current.holder !== holder) return false;
    this.store.leases.set(key, { holder, expiresAt: now + ms });
    return true;
  }

  async renewLease(key: string, holder: string, ttl: number): Promise<boolean> {
    const ms = ttlMs(ttl);
    const now = this.#tick();
    const current = live(this.store.leases.get(key), now);
    if (!current || current.holder !== holder) return false;
    current.expiresAt = now + ms;
    return true;
  }

  async releaseLease(key: string, holder: string): Promise<boolean> {
    const now = this.#tick();
    const current = live(this.store.leases.get(key), now);
    if (!current || current.holder !== holder) return false;
    this.store.leases.delete(key);
    return true;
  }

  async leaseHolder(key: string): Promise<string | null> {
    return live(this.store.leases.get(key), this.#tick())?.holder ?? null;
  }

  async heartbeat(beat: WorkerBeat, ttl: number): Promise<void> {
    nonEmpty(beat.id, 'beat.id');
    const ms = ttlMs(ttl);
    const now = this.#tick();
    // A copy, exactly as Redis would store it (JSON), so later mutations by the caller do not leak in.
    const copy: WorkerBeat = JSON.parse(JSON.stringify({ id: beat.id, info: beat.info ?? {} }));
    this.store.workers.set(beat.id, { beat: copy, expiresAt: now + ms, beatAt: now });
  }

  async removeWorker(id: string): Promise<void> {
    this.#tick();
    this.store.workers.delete(id);
  }

  async liveWorkers(): Promise<LiveWorker[]> {
    const now = this.#tick();
    const result: WorkerEntry[] = [];
    for (const [id, entry] of this.store.workers) {
      if (entry.expiresAt > now) result.push(entry);
      else this.store.workers.delete(id);
    }
    result.sort((a, b) => a.expiresAt - b.expiresAt || (a.beat.id < b.beat.id ? -1 : 1));
    return result.map(({ beat, beatAt }) => ({
      ...JSON.parse(JSON.stringify(beat)),
      beatAgeMs: Math.max(0, now - beatAt),
    }));
  }

  async rateLimit(key: string, rawLimit: number, rawWindowMs: number): Promise<RateLimitResult> {
    const { limit, windowMs } = rateLimitArgs(rawLimit, rawWindowMs);
    const now = this.#tick();
    let entry = this.store.hits.get(key);
    if (!entry) {
      entry = { stamps: [], windowMs };
      this.store.hits.set(key, entry);
    }
    entry.windowMs = windowMs;
    const { stamps } = entry;
    // A hit at `t` counts while `now - t < windowMs` (the Redis script drops scores <= now - window).
    const cutoff = now - windowMs;
    let expired = 0;
    while (expired < stamps.length && (stamps[expired] as number) <= cutoff) expired++;
    if (expired > 0) stamps.splice(0, expired);
    const count = stamps.length;
    if (count < limit) {
      stamps.push(now);
      // The clock may step backwards; keep the list ordered like a sorted set.
      if (stamps.length > 1 && (stamps.at(-2) as number) > now) stamps.sort((a, b) => a - b);
      return { allowed: true, limit, remaining: limit - count - 1, retryAfterMs: 0 };
    }
    // Allowed again once enough of the oldest hits have left the window to get below `limit`.
    const pivot = stamps[count - limit] as number;
    return { allowed: false, limit, remaining: 0, retryAfterMs: Math.max(1, pivot + windowMs - now) };
  }

  async setValue(key: string, value: string, ttl?: number): Promise<void> {
    const ms = ttl === undefined ? undefined : ttlMs(ttl);
    const now = this.#tick();
    this.store.values.set(key, { value, expiresAt: ms === undefined ? Number.POSITIVE_INFINITY : now + ms });
  }

  async getValue(key: string): Promise<string | null> {
    return live(this.store.values.get(key), this.#tick())?.value ?? null;
  }

  async deleteValue(key: string): Promise<void> {
    this.#tick();
    this.store.values.delete(key);
  }

  async addCounts(key: string, counts: Readonly<Record<string, number>>, ttl: number): Promise<void> {
    const ms = ttlMs(ttl);
    const now = this.#tick();
    const entry = live(this.store.counts.get(key), now) ?? { counts: {}, expiresAt: 0 };
    for (const [field, n] of Object.entries(counts)) entry.counts[field] = (entry.counts[field] ?? 0) + n;
    entry.expiresAt = now + ms;
    this.store.counts.set(key, entry);
  }

  async readCounts(keys: readonly string[]): Promise<Record<string, number>[]> {
    const now = this.#tick();
    return keys.map((key) => ({ ...live(this.store.counts.get(key), now)?.counts }));
  }

  async publish(channel: string, message: string): Promise<void> {
    this.#tick();
    const subscribers = this.store.channels.get(channel);
    if (!subscribers) return;
    for (const subscription of subscribers) {
      // Asynchronous like a network hop; an unsubscribe before delivery still stops it.
      queueMicrotask(() => {
        if (!subscription.active) return;
        try {
          subscription.onMessage(message);
        } catch (error) {
          subscription.owner.#onError(error);
        }
      });
    }
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    this.#tick();
    const subscription: Subscription = { owner: this, onMessage, active: true };
    let subscribers = this.store.channels.get(channel);
    if (!subscribers) {
      subscribers = new Set();
      this.store.channels.set(channel, subscribers);
    }
    subscribers.add(subscription);
    const record = { channel, subscription };
    this.#subscriptions.add(record);
    return async () => this.#drop(record);
  }

  #drop(record: { channel: string; subscription: Subscription }): void {
    record.subscription.active = false;
    this.#subscriptions.delete(record);
    const subscribers = this.store.channels.get(record.channel);
    if (!subscribers) return;
    subscribers.delete(record.subscription);
    if (subscribers.size === 0) this.store.channels.delete(record.channel);
  }

  healthy(): boolean {
    return !this.#closed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    for (const record of [...this.#subscriptions]) this.#drop(record);
    this.#closed = true;
  }
}

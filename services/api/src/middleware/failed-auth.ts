import { LRUCache } from 'lru-cache';

const windowMs = 60_000;

interface Window {
  start: number;
  failures: number;
}

/**
 * Failed authentications per client address in fixed one-minute windows, in this process only
 * (each replica counts its own: the point is to stop one client from turning guesses into
 * database queries, not to share a global count). Addresses are an LRU: a flood of distinct
 * addresses evicts the oldest counts instead of growing memory.
 */
export class FailedAuthLimiter {
  readonly limit: number;
  #windows: LRUCache<string, Window>;
  #now: () => number;

  constructor(limitPerMinute: number, options: { maxAddresses?: number; now?: () => number } = {}) {
    this.limit = limitPerMinute;
    this.#now = options.now ?? Date.now;
    this.#windows = new LRUCache({ max: options.maxAddresses ?? 10_000 });
  }

  /** Seconds until `address` may try again; 0 while it is under the limit. */
  blockedFor(address: string): number {
    const w = this.#current(address);
    return w && w.failures >= this.limit ? Math.max(1, Math.ceil((w.start + windowMs - this.#now()) / 1000)) : 0;
  }

  fail(address: string): void {
    const w = this.#current(address);
    if (w) w.failures++;
    else this.#windows.set(address, { start: this.#now(), failures: 1 });
  }

  #current(address: string): Window | undefined {
    const w = this.#windows.get(address);
    return w && this.#now() - w.start < windowMs ? w : undefined;
  }
}

/**
 * Database lookups that found no key, across every client address of this replica: a token
 * bucket of `perMinute` a minute, holding at most a tenth of that at once. A flood of random
 * keys spread over many addresses passes every per-address limit; this bounds what it costs the
 * database. Lookups that find a key spend nothing.
 */
export class FailedLookupBudget {
  readonly perMinute: number;
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(perMinute: number, options: { now?: () => number } = {}) {
    this.perMinute = perMinute;
    this.#capacity = Math.max(1, perMinute / 10);
    this.#perMs = perMinute / windowMs;
    this.#now = options.now ?? Date.now;
    this.#tokens = this.#capacity;
    this.#at = this.#now();
  }

  /** Seconds until a lookup may be made; 0 when one may be made now. */
  exhaustedFor(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - this.#tokens) / this.#perMs / 1000));
  }

  spend(): void {
    this.#refill();
    this.#tokens -= 1;
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#at) * this.#perMs);
    this.#at = now;
  }
}

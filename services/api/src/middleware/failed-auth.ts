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

import type { CacheStore } from '@whiskeysockets/baileys';
import { Lru } from './lru.ts';

/**
 * A bounded cache for Baileys' per-socket caches (retry counters, device lists, call offers,
 * placeholder resends): at most `max` entries, each for at most `ttlMs`. Its defaults are
 * unbounded NodeCaches; a worker with hundreds of sockets needs a ceiling.
 */
export class TtlLruCache implements CacheStore {
  readonly #entries: Lru<string, { value: unknown; expiresAt: number }>;
  readonly #ttlMs: number;

  constructor(max: number, ttlMs: number) {
    this.#entries = new Lru(max);
    this.#ttlMs = ttlMs;
  }

  get<T>(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value as T;
  }

  set<T>(key: string, value: T): void {
    this.#entries.set(key, { value, expiresAt: Date.now() + this.#ttlMs });
  }

  del(key: string): void {
    this.#entries.delete(key);
  }

  flushAll(): void {
    this.#entries.clear();
  }
}

import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Per-instance send pacing (SEND_RATE_PER_MINUTE, 0 = off): sends are spaced by 60 s / rate
 * with ±20 % jitter, so a burst does not look like a bot to WhatsApp. Callers queue in order.
 */
export class Pacer {
  readonly #intervalMs: number;
  readonly #random: () => number;
  #next = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(ratePerMinute: number, random: () => number = Math.random) {
    this.#intervalMs = ratePerMinute > 0 ? 60_000 / ratePerMinute : 0;
    this.#random = random;
  }

  get enabled(): boolean {
    return this.#intervalMs > 0;
  }

  /** Resolves when the caller may send. */
  wait(signal?: AbortSignal): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    const turn = this.#queue.then(async () => {
      const now = Date.now();
      const delay = Math.max(0, this.#next - now);
      if (delay > 0) await sleep(delay, undefined, { signal });
      this.#next = Math.max(now, this.#next) + this.#intervalMs * (0.8 + 0.4 * this.#random());
    });
    this.#queue = turn.catch(() => {});
    return turn;
  }
}

import type { Logger } from '../logging/logger.ts';
import { exponentialDelay } from './backoff.ts';

export interface LoopOptions {
  name: string;
  intervalMs: number;
  logger: Logger;
  /** One pass. Return true when there is more to do right away (a full batch). */
  tick: () => Promise<boolean>;
}

/**
 * Runs `tick` every `intervalMs`, sooner when poked or when a pass reports more work.
 * A failing pass is logged and retried after a growing pause (capped at 30 s).
 */
export class PollingLoop {
  readonly #options: LoopOptions;
  #running = false;
  #done: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #poked = false;
  #failures = 0;

  constructor(options: LoopOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#done = this.#run();
  }

  /** Run a pass soon (new work was just created). */
  poke(): void {
    this.#poked = true;
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#done;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#poked = false;
      let more = false;
      try {
        more = await this.#options.tick();
        this.#failures = 0;
      } catch (err) {
        this.#failures++;
        this.#options.logger.warn(`${this.#options.name} pass failed`, { err, failures: this.#failures });
      }
      if (!this.#running) break;
      if (more && this.#failures === 0) continue;
      const pause =
        this.#failures > 0
          ? exponentialDelay({ baseMs: this.#options.intervalMs, maxMs: 30_000 }, this.#failures)
          : this.#options.intervalMs;
      if (!this.#poked || this.#failures > 0) await this.#sleep(pause);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.#wake = finish;
    });
  }
}

import type { Coordination } from '@turbozap/shared/coordination/port';
import type { Logger } from '@turbozap/shared/logging/logger';

/**
 * This worker's liveness in coordination, with its capacity. Each beat keeps it in the live set
 * for one lease TTL (what placement sees) and restarts its beat age (what the API's status
 * reads: is the holder of a lease alive right now). Beats every `intervalMs`, at most ttl/3,
 * on a fixed rate so a slow round trip does not push every later beat back. Removed explicitly
 * on stop so survivors re-plan at once.
 */
export class Heartbeat {
  readonly #coordination: Coordination;
  readonly #logger: Logger;
  readonly #id: string;
  readonly #info: Record<string, string | number>;
  readonly #ttlMs: number;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  #inFlight: Promise<void> | undefined;

  constructor(options: {
    coordination: Coordination;
    logger: Logger;
    id: string;
    capacity: number;
    ttlMs: number;
    intervalMs: number;
  }) {
    this.#coordination = options.coordination;
    this.#logger = options.logger;
    this.#id = options.id;
    this.#info = { capacity: options.capacity, pid: process.pid };
    this.#ttlMs = options.ttlMs;
    this.#intervalMs = Math.max(50, Math.min(options.intervalMs, Math.floor(options.ttlMs / 3)));
  }

  async start(): Promise<void> {
    this.#stopped = false;
    const startedAt = Date.now();
    await this.beat();
    this.#schedule(startedAt);
  }

  beat(): Promise<void> {
    this.#inFlight = this.#coordination.heartbeat({ id: this.#id, info: this.#info }, this.#ttlMs).catch((error) => {
      this.#logger.warn('heartbeat failed', { error });
    });
    return this.#inFlight;
  }

  /** Leaves the live set (after any beat in flight, which would otherwise re-add us). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#inFlight;
    await this.#coordination.removeWorker(this.#id).catch(() => {});
  }

  /** The next beat one interval after the previous one started (at once if that one took longer). */
  #schedule(previousAt: number): void {
    if (this.#stopped) return;
    const delay = Math.max(0, previousAt + this.#intervalMs - Date.now());
    this.#timer = setTimeout(async () => {
      const startedAt = Date.now();
      await this.beat();
      this.#schedule(startedAt);
    }, delay);
  }
}

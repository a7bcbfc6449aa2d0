import type { Coordination } from '@turbozap/shared/coordination/port';
import type { Logger } from '@turbozap/shared/logging/logger';

/**
 * This worker's liveness in coordination (what placement sees), with its capacity. Beats every
 * ttl/3 with a TTL of one lease TTL; removed explicitly on stop so survivors re-plan at once.
 */
export class Heartbeat {
  readonly #coordination: Coordination;
  readonly #logger: Logger;
  readonly #id: string;
  readonly #info: Record<string, string | number>;
  readonly #ttlMs: number;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  #inFlight: Promise<void> | undefined;

  constructor(options: { coordination: Coordination; logger: Logger; id: string; capacity: number; ttlMs: number }) {
    this.#coordination = options.coordination;
    this.#logger = options.logger;
    this.#id = options.id;
    this.#info = { capacity: options.capacity, pid: process.pid };
    this.#ttlMs = options.ttlMs;
  }

  async start(): Promise<void> {
    this.#stopped = false;
    await this.beat();
    this.#schedule();
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

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(
      async () => {
        await this.beat();
        this.#schedule();
      },
      Math.max(50, Math.floor(this.#ttlMs / 3)),
    );
  }
}

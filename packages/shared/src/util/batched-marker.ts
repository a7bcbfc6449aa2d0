export interface BatchedMarkerOptions {
  /** Writes one batch (e.g. `UPDATE … SET published_at = now() WHERE id = ANY(ids)`). */
  mark: (ids: string[]) => Promise<unknown>;
  /** A failed batch: kept and retried. */
  onError: (count: number, error: unknown) => void;
  /** Longest wait before a batch is written (it is written at once when full). */
  delayMs?: number;
  batchSize?: number;
  retryMs?: number;
  /** Past this many unmarked ids the oldest are dropped: whoever relays unmarked rows sends them again. */
  maxUnmarked?: number;
}

/**
 * Marks rows (published messages, published events) in batches, off the hot path. A batch that
 * fails is retried: a mark that lands before the relay's grace period ends spares a second
 * publish. Bounded, so a long database outage cannot grow it without limit.
 */
export class BatchedMarker {
  readonly #o: Required<BatchedMarkerOptions>;
  #pending: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(options: BatchedMarkerOptions) {
    this.#o = { delayMs: 100, batchSize: 500, retryMs: 500, maxUnmarked: 100_000, ...options };
  }

  add(id: string): void {
    this.#pending.push(id);
    if (this.#pending.length >= this.#o.batchSize)
      this.#flushing = this.#flushing.then(() => this.#flush().then(() => {}));
    else this.#timer ??= setTimeout(() => void this.flush(), this.#o.delayMs).unref();
  }

  /** Writes everything pending now (shutdown, tests). */
  async flush(): Promise<void> {
    await this.#flushing;
    // A failed batch stops here: it is retried on the timer.
    while (this.#pending.length > 0 && (await this.#flush()));
  }

  /** One batch; false when writing it failed. */
  async #flush(): Promise<boolean> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const ids = this.#pending.splice(0, this.#o.batchSize);
    let ok = true;
    if (ids.length > 0) {
      try {
        await this.#o.mark(ids);
      } catch (error) {
        ok = false;
        this.#pending = [...ids, ...this.#pending].slice(-this.#o.maxUnmarked);
        this.#o.onError(ids.length, error);
      }
    }
    if (this.#pending.length > 0) this.#timer ??= setTimeout(() => void this.#flush(), this.#o.retryMs).unref();
    return ok;
  }
}

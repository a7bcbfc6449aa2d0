export interface BatcherOptions<I, O> {
  /** Writes a whole batch at once (one statement, one commit); one result per item, in order. */
  run: (items: I[]) => Promise<O[]>;
  /**
   * Writes one item alone: when a batch fails for a reason `isolate` accepts (the database
   * refused some row), each item is written by itself, so one bad item does not fail the others.
   */
  single: (item: I) => Promise<O>;
  isolate?: (err: unknown) => boolean;
  maxBatch: number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

/**
 * Groups writes that arrive while the previous one is in flight: the first item is written at
 * once, and everything that arrives during that round trip goes out together in the next. Idle,
 * an item waits for nothing; busy, the batch grows to fill the time of one commit.
 */
export class Batcher<I, O> {
  private readonly options: BatcherOptions<I, O>;
  private waiting: Waiting<I, O>[] = [];
  private flushing: Promise<void> | null = null;

  constructor(options: BatcherOptions<I, O>) {
    this.options = options;
  }

  /** Resolves with the item's result once its batch is written (rejects if it could not be). */
  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.flushing ??= this.drain().finally(() => {
        this.flushing = null;
      });
    });
  }

  /** Resolves when everything added so far is written. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      await this.write(batch);
    }
  }

  private async write(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const results = await this.options.run(batch.map((w) => w.item));
      for (const [i, w] of batch.entries()) w.resolve(results[i] as O);
      return;
    } catch (err) {
      if (batch.length === 1 || !(this.options.isolate ?? refusedRow)(err)) {
        for (const w of batch) w.reject(err);
        return;
      }
    }
    await Promise.all(
      batch.map((w) =>
        this.options.single(w.item).then(
          (result) => w.resolve(result),
          (err: unknown) => w.reject(err),
        ),
      ),
    );
  }
}

/**
 * Postgres refused something about the rows (SQLSTATE class 22 data exception, 23 integrity
 * violation, 40 deadlock/serialization), not the connection: worth trying each row alone.
 */
export function refusedRow(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|40)[0-9A-Z]{3}$/.test(code);
}

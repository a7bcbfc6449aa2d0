export interface GroupCommitOptions<I, R = unknown> {
  /** Most items in one batch. */
  maxBatch?: number;
  /** Batches in flight at once; items that arrive meanwhile wait and go together in the next one. */
  concurrency?: number;
  /**
   * Items with the same key never share a batch (one statement updates a row at most once), and
   * one waits while an earlier one with its key is being written: they are written in order.
   */
  key?: (item: I) => string;
  /**
   * Writes one item alone: when a batch fails for a reason `isolate` accepts (the database
   * refused some row), each item is written by itself, so one bad item does not fail the others.
   */
  single?: (item: I) => Promise<R>;
  isolate?: (error: unknown) => boolean;
}

interface Entry<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: each item is written as soon as a batch slot is free, and the items that arrive
 * while every slot is busy go together in the next batch — one statement for many. A lone item
 * waits for nothing; under load, the batch grows with the load, so the statements per item fall.
 * `run` answers every item of a batch, in order: its result, or an Error to reject it with.
 */
export class GroupCommit<I, R> {
  readonly #run: (items: I[]) => Promise<Array<R | Error>>;
  readonly #maxBatch: number;
  readonly #concurrency: number;
  readonly #key: ((item: I) => string) | undefined;
  readonly #single: ((item: I) => Promise<R>) | undefined;
  readonly #isolate: (error: unknown) => boolean;
  readonly #writes = new Set<Promise<void>>();
  readonly #queue: Entry<I, R>[] = [];
  #inFlight = 0;
  /** Keys of the items being written now: a later item with the same key waits for them. */
  readonly #busy = new Map<string, number>();

  constructor(run: (items: I[]) => Promise<Array<R | Error>>, options: GroupCommitOptions<I, R> = {}) {
    this.#run = run;
    this.#maxBatch = options.maxBatch ?? 256;
    this.#concurrency = options.concurrency ?? 1;
    this.#key = options.key;
    this.#single = options.single;
    this.#isolate = options.isolate ?? refusedRow;
  }

  /** Resolves when everything submitted so far is written. */
  async idle(): Promise<void> {
    while (this.#writes.size > 0 || this.#queue.length > 0) await Promise.allSettled([...this.#writes]);
  }

  submit(item: I): Promise<R> {
    const [result] = this.submitAll([item]);
    return result as Promise<R>;
  }

  /** Several items at once: they start in one batch when a slot is free (one per item, in order). */
  submitAll(items: readonly I[]): Promise<R>[] {
    const results = items.map(
      (item) => new Promise<R>((resolve, reject) => this.#queue.push({ item, resolve, reject })),
    );
    this.#next();
    return results;
  }

  #next(): void {
    while (this.#inFlight < this.#concurrency && this.#queue.length > 0) {
      const batch = this.#take();
      // Every queued item waits for an earlier one with its key: the end of that write resumes here.
      if (batch.length === 0) return;
      this.#inFlight++;
      const write: Promise<void> = this.#write(batch).finally(() => {
        this.#writes.delete(write);
        this.#inFlight--;
        this.#next();
      });
      this.#writes.add(write);
    }
  }

  /** The next batch: queue order, skipping (for a later batch) an item whose key is already in it. */
  #take(): Entry<I, R>[] {
    if (!this.#key) return this.#queue.splice(0, this.#maxBatch);
    const batch: Entry<I, R>[] = [];
    const keys = new Set<string>();
    for (let i = 0; i < this.#queue.length && batch.length < this.#maxBatch; ) {
      const entry = this.#queue[i] as Entry<I, R>;
      const key = this.#key(entry.item);
      if (keys.has(key) || this.#busy.has(key)) {
        i++;
        continue;
      }
      keys.add(key);
      batch.push(entry);
      this.#queue.splice(i, 1);
    }
    return batch;
  }

  async #write(batch: Entry<I, R>[]): Promise<void> {
    const keys = this.#key ? batch.map((b) => (this.#key as (item: I) => string)(b.item)) : [];
    for (const key of keys) this.#busy.set(key, (this.#busy.get(key) ?? 0) + 1);
    try {
      const results = await this.#run(batch.map((b) => b.item));
      for (const [i, { resolve, reject }] of batch.entries()) {
        const result = results[i];
        if (result instanceof Error) reject(result);
        else resolve(result as R);
      }
    } catch (error) {
      if (this.#single && batch.length > 1 && this.#isolate(error)) {
        const single = this.#single;
        await Promise.all(batch.map(({ item, resolve, reject }) => single(item).then(resolve, reject)));
      } else for (const { reject } of batch) reject(error);
    } finally {
      for (const key of keys) {
        const n = (this.#busy.get(key) ?? 1) - 1;
        if (n === 0) this.#busy.delete(key);
        else this.#busy.set(key, n);
      }
    }
  }
}

/**
 * Postgres refused something about the rows (SQLSTATE class 22 data exception, 23 integrity
 * violation, 40 deadlock/serialization), not the connection: worth trying each row alone.
 */
export function refusedRow(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|40)[0-9A-Z]{3}$/.test(code);
}

/**
 * Per chat, the outbox jobs this process is handling, by acceptance order (`seq`). Jobs reach the
 * outbox out of order (the sender-worker prepares several at once), so a message waits here for
 * the lower-numbered ones of its chat instead of bouncing through the broker's retry queue —
 * which, under load, made every later message to the chat bounce too. It only ever waits for
 * lower numbers, so two jobs can never wait for each other.
 */
export class ChatLines {
  readonly #lines = new Map<string, Line>();

  /** Registers a job; `done()` must be called when it is handled. */
  enter(chat: string, seq: number, work: Promise<unknown>): () => void {
    let line = this.#lines.get(chat);
    if (!line) {
      line = new Line();
      this.#lines.set(chat, line);
    }
    line.add(seq, work);
    const entered = line;
    return () => {
      entered.remove(seq);
      if (entered.empty) this.#lines.delete(chat);
    };
  }

  /** Resolves once every job of `chat` handled here with a lower seq has finished. */
  async before(chat: string, seq: number): Promise<void> {
    for (;;) {
      const ahead = this.#lines.get(chat)?.ahead(seq) ?? [];
      if (ahead.length === 0) return;
      await Promise.allSettled(ahead);
    }
  }

  /** Resolves when a job of `chat` arrives or finishes here, or after `ms`, or on abort. */
  changed(chat: string, ms: number, signal: AbortSignal): Promise<void> {
    const line = this.#lines.get(chat);
    if (!line) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      line.onChange(done);
    });
  }
}

class Line {
  readonly #works = new Map<number, Promise<unknown>>();
  #waiters: Array<() => void> = [];

  get empty(): boolean {
    return this.#works.size === 0;
  }

  add(seq: number, work: Promise<unknown>): void {
    this.#works.set(seq, work);
    this.#notify();
  }

  remove(seq: number): void {
    this.#works.delete(seq);
    this.#notify();
  }

  ahead(seq: number): Promise<unknown>[] {
    const out: Promise<unknown>[] = [];
    for (const [s, work] of this.#works) if (s < seq) out.push(work);
    return out;
  }

  onChange(waiter: () => void): void {
    this.#waiters.push(waiter);
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter();
  }
}

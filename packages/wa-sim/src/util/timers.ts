/** Timers owned by the simulator, all cancelled by `clear()` when it stops. */
export class Timers {
  readonly #pending = new Set<NodeJS.Timeout>();
  #stopped = false;

  later(ms: number, fn: () => void | Promise<void>, onError?: (err: unknown) => void): void {
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#pending.delete(timer);
      Promise.resolve()
        .then(fn)
        .catch((err) => onError?.(err));
    }, ms);
    this.#pending.add(timer);
  }

  clear(): void {
    this.#stopped = true;
    for (const t of this.#pending) clearTimeout(t);
    this.#pending.clear();
  }
}

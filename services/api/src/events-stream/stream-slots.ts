import { AppError } from '@turbozap/shared/errors/app-error';

/** Concurrent event streams of one instance on one API replica. */
export const maxStreamsPerInstance = 20;

/**
 * Counts the open streams of each instance on this replica, so one key cannot hold open
 * connections (and broker bindings) without bound. Per replica, like the failed-auth limit:
 * a shared count would outlive a replica that crashed holding it.
 */
export class StreamSlots {
  readonly #max: number;
  readonly #open = new Map<string, number>();

  constructor(max = maxStreamsPerInstance) {
    this.#max = max;
  }

  /** Takes a slot or throws 429 `too_many_streams`; the returned function gives it back (once). */
  take(instanceId: string): () => void {
    const open = this.#open.get(instanceId) ?? 0;
    if (open >= this.#max)
      throw new AppError('too_many_streams', `at most ${this.#max} event streams per instance at once`, 429, {
        retryAfterSeconds: 5,
      });
    this.#open.set(instanceId, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(instanceId) ?? 1) - 1;
      if (left === 0) this.#open.delete(instanceId);
      else this.#open.set(instanceId, left);
    };
  }
}

import { StaleFenceError } from '@turbozap/shared/db/repositories/instance-ownership';
import { exponentialDelay } from '@turbozap/shared/util/backoff';
import { sleep } from '@turbozap/shared/util/sleep';

/**
 * Retries work that failed for a reason other than a stale fence (then we are not the owner any
 * more). For what WhatsApp will not send again: ride out a database blip rather than drop it.
 */
export async function persistently<T>(work: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (error instanceof StaleFenceError || attempt >= attempts) throw error;
      await sleep(exponentialDelay({ baseMs: 250, maxMs: 8_000 }, attempt));
    }
  }
}

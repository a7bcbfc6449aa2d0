import { setTimeout as sleep } from 'node:timers/promises';
import { isDependencyFailure } from '../errors/dependency-failure.ts';
import { exponentialDelay } from './backoff.ts';

export interface WhileUnavailableOptions {
  /** Stop waiting (and reject with the last error) once this aborts: the work is no longer ours. */
  signal: AbortSignal;
  /** Called before each wait, with the failure and the attempt it ended (from 1). */
  onWait?: (error: unknown, attempt: number) => void;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Runs `work` until it succeeds, waiting out failures of an unreachable dependency (a database
 * restart, a network cut) for as long as it takes, until `signal` aborts. Any other error —
 * the work's own — is thrown at once: retrying it would never end.
 */
export async function whileUnavailable<T>(work: () => Promise<T>, options: WhileUnavailableOptions): Promise<T> {
  const first = options.firstDelayMs ?? 100;
  const max = options.maxDelayMs ?? 2_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isDependencyFailure(error) || options.signal.aborted) throw error;
      options.onWait?.(error, attempt);
      const delay = exponentialDelay({ baseMs: first, maxMs: max }, attempt - 1);
      await sleep(delay, undefined, { signal: options.signal }).catch(() => {
        throw error;
      });
    }
  }
}

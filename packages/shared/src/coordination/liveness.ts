import type { LiveWorker } from './port.ts';

/**
 * How often a session-worker beats, whatever its lease TTL: the beat is what tells readers that
 * the process holding a lease (and its sockets) is alive right now. One Redis call a second.
 */
export const WORKER_BEAT_INTERVAL_MS = 1_000;

/**
 * How late a beat may be before its worker counts as gone. Beats are one Redis round trip on a
 * shared event loop: a busy worker's beat can land a whole command timeout (1.5 s) plus a stall
 * late. Two seconds absorbs that, so an alive worker does not flap; a dead one stops counting
 * within three seconds of its last beat.
 */
export const WORKER_BEAT_SLACK_MS = 2_000;

/** A worker whose last beat is older than this (by the store's clock) is not alive. */
export const WORKER_BEAT_STALE_MS = WORKER_BEAT_INTERVAL_MS + WORKER_BEAT_SLACK_MS;

/**
 * The ids of the workers beating now. A worker whose beat does not record its time (an older
 * version during a rolling deploy) is judged by its TTL alone, as before.
 */
export function beatingWorkers(workers: readonly LiveWorker[]): Set<string> {
  return new Set(workers.filter((w) => w.beatAgeMs === null || w.beatAgeMs <= WORKER_BEAT_STALE_MS).map((w) => w.id));
}

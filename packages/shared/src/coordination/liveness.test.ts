import { beatingWorkers, WORKER_BEAT_INTERVAL_MS, WORKER_BEAT_STALE_MS } from './liveness.ts';

describe('beatingWorkers', () => {
  test('a beat counts up to the stale threshold (one interval plus slack), not after', () => {
    const workers = [
      { id: 'fresh', info: {}, beatAgeMs: 0 },
      { id: 'late', info: {}, beatAgeMs: WORKER_BEAT_STALE_MS },
      { id: 'stale', info: {}, beatAgeMs: WORKER_BEAT_STALE_MS + 1 },
    ];
    expect([...beatingWorkers(workers)].sort()).toEqual(['fresh', 'late']);
    expect(WORKER_BEAT_STALE_MS).toBeGreaterThan(2 * WORKER_BEAT_INTERVAL_MS);
  });

  test('a worker that does not record its beat time is judged by its TTL alone', () => {
    expect(beatingWorkers([{ id: 'older-version', info: {}, beatAgeMs: null }])).toEqual(new Set(['older-version']));
  });
});

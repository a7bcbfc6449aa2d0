import { coordinationContract } from './coordination.contract.ts';
import { MemoryCoordination, MemoryCoordinationStore } from './memory-coordination.ts';

coordinationContract('MemoryCoordination', () => {
  // One store per test, shared by every client the test opens (like replicas on one Redis).
  const store = new MemoryCoordinationStore();
  return { open: async () => new MemoryCoordination({ store, onError: () => {} }) };
});

describe('MemoryCoordination with an injected clock', () => {
  test('expiry is decided by timestamps, and the lazy sweep drops expired entries', async () => {
    let now = 1_000_000;
    const store = new MemoryCoordinationStore({ now: () => now, sweepIntervalMs: 1000 });
    const c = new MemoryCoordination({ store });
    await c.acquireLease('l', 'a', 100);
    await c.setValue('k', 'v', 100);
    await c.setValue('forever', 'v');
    await c.heartbeat({ id: 'w', info: {} }, 100);
    await c.rateLimit('r', 1, 100);
    now += 99;
    expect(await c.leaseHolder('l')).toBe('a');
    now += 1;
    expect(await c.leaseHolder('l')).toBeNull();
    expect(await c.getValue('k')).toBeNull();
    expect(await c.liveWorkers()).toEqual([]);
    expect(store.leases.size).toBe(1); // not swept yet: reads only hide it
    now += 1000;
    await c.getValue('k');
    expect(store.leases.size).toBe(0);
    expect([...store.values.keys()]).toEqual(['forever']);
    expect(store.hits.size).toBe(0);
    await c.close();
  });

  test('beat ages are exact on the store clock, and never negative when the clock steps back', async () => {
    let now = 5_000;
    const c = new MemoryCoordination({ now: () => now });
    await c.heartbeat({ id: 'w', info: {} }, 10_000);
    now += 1234;
    expect(await c.liveWorkers()).toEqual([{ id: 'w', info: {}, beatAgeMs: 1234 }]);
    await c.heartbeat({ id: 'w', info: {} }, 10_000);
    now -= 500;
    expect(await c.liveWorkers()).toEqual([{ id: 'w', info: {}, beatAgeMs: 0 }]);
  });

  test('retryAfter counts from the oldest hit still inside the window', async () => {
    let now = 0;
    const c = new MemoryCoordination({ now: () => now });
    await c.rateLimit('r', 2, 1000);
    now = 400;
    await c.rateLimit('r', 2, 1000);
    now = 700;
    expect(await c.rateLimit('r', 2, 1000)).toEqual({ allowed: false, limit: 2, remaining: 0, retryAfterMs: 300 });
    now = 1000;
    expect(await c.rateLimit('r', 2, 1000)).toEqual({ allowed: true, limit: 2, remaining: 0, retryAfterMs: 0 });
    // A smaller limit than the hits already counted waits until enough of them leave.
    expect(await c.rateLimit('r', 1, 1000)).toEqual({ allowed: false, limit: 1, remaining: 0, retryAfterMs: 1000 });
  });

  test('separate stores do not share state; closing one client leaves the store to others', async () => {
    const store = new MemoryCoordinationStore();
    const [a, b] = [new MemoryCoordination({ store }), new MemoryCoordination({ store })];
    const other = new MemoryCoordination();
    await a.setValue('k', 'v');
    expect(await other.getValue('k')).toBeNull();
    const got: string[] = [];
    await a.subscribe('ch', (m) => got.push(m));
    await a.close();
    expect(await b.getValue('k')).toBe('v');
    await b.publish('ch', 'after close');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(got).toEqual([]);
    expect(store.channels.size).toBe(0);
  });
});

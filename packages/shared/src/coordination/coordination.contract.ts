import { waitFor } from '../testing/wait.ts';
import { sleep } from '../util/sleep.ts';
import type { Coordination, WorkerBeat } from './port.ts';

/** One isolated namespace per test; `open()` may be called several times (one client per replica). */
export interface CoordinationFixture {
  open(): Promise<Coordination>;
  /** Removes whatever the test left behind (after its clients are closed). */
  cleanup?(): Promise<void>;
}

/**
 * The behaviour every Coordination adapter must share. Time-based cases use real time with
 * wide margins (a shared CI box can stall a few hundred ms).
 */
/** Live workers without their beat ages (which real time makes inexact), sorted by id. */
const beats = (workers: WorkerBeat[]): WorkerBeat[] =>
  workers.map(({ id, info }) => ({ id, info })).sort((x, y) => (x.id < y.id ? -1 : 1));

export function coordinationContract(
  name: string,
  newFixture: () => CoordinationFixture | Promise<CoordinationFixture>,
  describeImpl: jest.Describe = describe,
): void {
  describeImpl(`${name} (Coordination contract)`, () => {
    let fixture: CoordinationFixture;
    const opened: Coordination[] = [];
    const open = async (): Promise<Coordination> => {
      const client = await fixture.open();
      opened.push(client);
      return client;
    };

    beforeEach(async () => {
      fixture = await newFixture();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((client) => client.close()));
      await fixture.cleanup?.();
    });

    describe('leases', () => {
      test('acquire is exclusive; the holder re-acquiring keeps it', async () => {
        const [a, b] = [await open(), await open()];
        expect(await a.acquireLease('instance-1', 'replica-a', 5000)).toBe(true);
        expect(await b.acquireLease('instance-1', 'replica-b', 5000)).toBe(false);
        expect(await a.acquireLease('instance-1', 'replica-b', 5000)).toBe(false);
        expect(await b.acquireLease('instance-1', 'replica-a', 5000)).toBe(true);
        expect(await b.leaseHolder('instance-1')).toBe('replica-a');
        expect(await a.leaseHolder('instance-2')).toBeNull();
        expect(await b.acquireLease('instance-2', 'replica-b', 5000)).toBe(true);
        expect(await a.leaseHolder('instance-2')).toBe('replica-b');
      });

      test('renew by the holder extends the lease; by anyone else it fails and changes nothing', async () => {
        const [a, b] = [await open(), await open()];
        expect(await a.acquireLease('lease', 'holder-a', 600)).toBe(true);
        await sleep(100);
        expect(await b.renewLease('lease', 'holder-b', 60_000)).toBe(false);
        expect(await a.renewLease('lease', 'holder-a', 2000)).toBe(true);
        await sleep(800); // past the original 600 ms
        expect(await b.leaseHolder('lease')).toBe('holder-a');
        expect(await b.acquireLease('lease', 'holder-b', 1000)).toBe(false);
        expect(await a.renewLease('missing', 'holder-a', 1000)).toBe(false);
        expect(await a.leaseHolder('missing')).toBeNull();
      });

      test('after expiry another holder acquires; the stale holder can neither renew nor release', async () => {
        const [a, b] = [await open(), await open()];
        expect(await a.acquireLease('lease', 'stale', 150)).toBe(true);
        await sleep(300);
        expect(await a.leaseHolder('lease')).toBeNull();
        expect(await b.acquireLease('lease', 'fresh', 5000)).toBe(true);
        expect(await a.renewLease('lease', 'stale', 5000)).toBe(false);
        expect(await a.releaseLease('lease', 'stale')).toBe(false);
        expect(await a.leaseHolder('lease')).toBe('fresh');
      });

      test('an expired lease cannot be renewed back to life even with nobody else holding it', async () => {
        const a = await open();
        expect(await a.acquireLease('lease', 'holder', 150)).toBe(true);
        await sleep(300);
        expect(await a.renewLease('lease', 'holder', 5000)).toBe(false);
        expect(await a.leaseHolder('lease')).toBeNull();
      });

      test('release frees the lease, only for its holder, once', async () => {
        const [a, b] = [await open(), await open()];
        expect(await a.acquireLease('lease', 'holder-a', 5000)).toBe(true);
        expect(await b.releaseLease('lease', 'holder-b')).toBe(false);
        expect(await b.leaseHolder('lease')).toBe('holder-a');
        expect(await a.releaseLease('lease', 'holder-a')).toBe(true);
        expect(await a.leaseHolder('lease')).toBeNull();
        expect(await a.releaseLease('lease', 'holder-a')).toBe(false);
        expect(await b.acquireLease('lease', 'holder-b', 5000)).toBe(true);
        expect(await a.leaseHolder('lease')).toBe('holder-b');
      });

      test('10 concurrent contenders on 5 clients: exactly one wins', async () => {
        const clients = await Promise.all(Array.from({ length: 5 }, () => open()));
        for (let round = 0; round < 5; round++) {
          const key = `contended-${round}`;
          const results = await Promise.all(
            Array.from({ length: 10 }, (_, i) => (clients[i % 5] as Coordination).acquireLease(key, `c${i}`, 5000)),
          );
          const winners = results.flatMap((won, i) => (won ? [`c${i}`] : []));
          expect(winners).toHaveLength(1);
          expect(await (clients[0] as Coordination).leaseHolder(key)).toBe(winners[0]);
        }
      });

      test('invalid TTLs are rejected', async () => {
        const a = await open();
        await expect(a.acquireLease('lease', 'holder', 0)).rejects.toThrow(RangeError);
        await expect(a.acquireLease('lease', 'holder', Number.NaN)).rejects.toThrow(RangeError);
        await expect(a.acquireLease('lease', '', 1000)).rejects.toThrow(TypeError);
        expect(await a.acquireLease('lease', 'holder', 1000.5)).toBe(true);
      });
    });

    describe('heartbeats', () => {
      test('live workers are the beats younger than their TTL, with their info', async () => {
        const [a, b] = [await open(), await open()];
        await a.heartbeat({ id: 'short', info: { pid: 1, host: 'h1' } }, 250);
        await b.heartbeat({ id: 'long', info: { capacity: 50 } }, 10_000);
        expect(beats(await a.liveWorkers())).toEqual([
          { id: 'long', info: { capacity: 50 } },
          { id: 'short', info: { pid: 1, host: 'h1' } },
        ]);
        await sleep(450);
        expect(beats(await b.liveWorkers())).toEqual([{ id: 'long', info: { capacity: 50 } }]);
        // A new beat revives it with its new info.
        await a.heartbeat({ id: 'short', info: { pid: 2 } }, 10_000);
        expect(beats(await b.liveWorkers())).toEqual([
          { id: 'long', info: { capacity: 50 } },
          { id: 'short', info: { pid: 2 } },
        ]);
      });

      test('a beat refreshes the TTL, removeWorker drops it at once', async () => {
        const a = await open();
        await a.heartbeat({ id: 'w', info: {} }, 400);
        await sleep(250);
        await a.heartbeat({ id: 'w', info: { n: 2 } }, 400);
        await sleep(250); // 500 ms after the first beat, 250 ms after the second
        expect(beats(await a.liveWorkers())).toEqual([{ id: 'w', info: { n: 2 } }]);
        await a.removeWorker('w');
        await a.removeWorker('never-existed');
        expect(await a.liveWorkers()).toEqual([]);
      });

      test('each live worker carries the age of its last beat, which the next beat resets', async () => {
        const [a, b] = [await open(), await open()];
        await a.heartbeat({ id: 'quiet', info: {} }, 10_000);
        await sleep(400);
        await b.heartbeat({ id: 'busy', info: {} }, 10_000);
        const ages = async () => new Map((await b.liveWorkers()).map((w) => [w.id, w.beatAgeMs as number]));
        const first = await ages();
        expect(first.get('quiet')).toBeGreaterThanOrEqual(350);
        expect(first.get('quiet')).toBeLessThan(3000);
        expect(first.get('busy')).toBeGreaterThanOrEqual(0);
        expect(first.get('busy')).toBeLessThan(first.get('quiet') as number);
        // Past its beat interval but inside its TTL: still live (placement's view), only older.
        await sleep(300);
        const later = await ages();
        expect(later.get('quiet')).toBeGreaterThanOrEqual((first.get('quiet') as number) + 250);
        await a.heartbeat({ id: 'quiet', info: {} }, 10_000);
        expect((await ages()).get('quiet')).toBeLessThan(250);
      });
    });

    describe('rate limit', () => {
      test('allows exactly `limit` hits per window, then reports retryAfter', async () => {
        const a = await open();
        const results = [];
        for (let i = 0; i < 4; i++) results.push(await a.rateLimit('send:inst1', 3, 2000));
        expect(results.map((r) => [r.allowed, r.remaining, r.limit])).toEqual([
          [true, 2, 3],
          [true, 1, 3],
          [true, 0, 3],
          [false, 0, 3],
        ]);
        expect(results.slice(0, 3).every((r) => r.retryAfterMs === 0)).toBe(true);
        const denied = results[3]!;
        expect(denied.retryAfterMs).toBeGreaterThan(1000);
        expect(denied.retryAfterMs).toBeLessThanOrEqual(2000);
        // Other keys are independent.
        expect((await a.rateLimit('send:inst2', 3, 2000)).allowed).toBe(true);
      });

      test('concurrent hits from several clients: exactly `limit` allowed', async () => {
        const clients = await Promise.all([open(), open()]);
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) => (clients[i % 2] as Coordination).rateLimit('burst', 5, 5000)),
        );
        expect(results.filter((r) => r.allowed)).toHaveLength(5);
        expect(
          results
            .filter((r) => r.allowed)
            .map((r) => r.remaining)
            .sort(),
        ).toEqual([0, 1, 2, 3, 4]);
      });

      test('the window slides: a hit frees up when it ages out, not at a fixed boundary', async () => {
        const a = await open();
        const window = 1000;
        expect((await a.rateLimit('slide', 2, window)).allowed).toBe(true); // t0
        await sleep(500);
        expect((await a.rateLimit('slide', 2, window)).allowed).toBe(true); // t0+500
        const denied = await a.rateLimit('slide', 2, window);
        expect(denied.allowed).toBe(false);
        // Waiting on the oldest hit (t0), i.e. about 500 ms, not the whole window.
        expect(denied.retryAfterMs).toBeGreaterThan(0);
        expect(denied.retryAfterMs).toBeLessThanOrEqual(520);
        await sleep(denied.retryAfterMs + 30);
        const after = await a.rateLimit('slide', 2, window);
        expect(after).toMatchObject({ allowed: true, remaining: 0 }); // the t0+500 hit still counts
        const again = await a.rateLimit('slide', 2, window);
        expect(again.allowed).toBe(false);
        // Now waiting on the t0+500 hit.
        expect(again.retryAfterMs).toBeGreaterThan(100);
        expect(again.retryAfterMs).toBeLessThan(window);
      });

      test('denied hits are not counted', async () => {
        const a = await open();
        expect((await a.rateLimit('deny', 1, 300)).allowed).toBe(true);
        for (let i = 0; i < 5; i++) expect((await a.rateLimit('deny', 1, 300)).allowed).toBe(false);
        await sleep(350);
        expect((await a.rateLimit('deny', 1, 300)).allowed).toBe(true);
      });

      test('invalid limits are rejected', async () => {
        const a = await open();
        await expect(a.rateLimit('x', 0, 1000)).rejects.toThrow(RangeError);
        await expect(a.rateLimit('x', 1.5, 1000)).rejects.toThrow(RangeError);
        await expect(a.rateLimit('x', 1, -1)).rejects.toThrow(RangeError);
      });
    });

    describe('key-value', () => {
      test('set, get, overwrite, delete', async () => {
        const [a, b] = [await open(), await open()];
        expect(await a.getValue('k')).toBeNull();
        await a.setValue('k', 'v1');
        expect(await b.getValue('k')).toBe('v1');
        await b.setValue('k', 'v2 ✓ ünïcode');
        expect(await a.getValue('k')).toBe('v2 ✓ ünïcode');
        await a.setValue('empty', '');
        expect(await a.getValue('empty')).toBe('');
        await a.deleteValue('k');
        await a.deleteValue('never-set');
        expect(await b.getValue('k')).toBeNull();
      });

      test('a TTL expires the value; setting again without TTL makes it permanent', async () => {
        const a = await open();
        await a.setValue('ttl', 'soon gone', 150);
        expect(await a.getValue('ttl')).toBe('soon gone');
        await sleep(300);
        expect(await a.getValue('ttl')).toBeNull();
        await a.setValue('kept', 'x', 150);
        await a.setValue('kept', 'y');
        await sleep(300);
        expect(await a.getValue('kept')).toBe('y');
        await expect(a.setValue('bad', 'x', 0)).rejects.toThrow(RangeError);
      });
    });

    describe('counters', () => {
      test('adds from several clients, reads each key in order, {} for a key never added to', async () => {
        const [a, b] = [await open(), await open()];
        await a.addCounts('m1', { sent: 2, received: 1 }, 10_000);
        await b.addCounts('m1', { sent: 3, failed: 1 }, 10_000);
        await b.addCounts('m2', { sent: 7 }, 10_000);
        expect(await a.readCounts(['m2', 'never', 'm1'])).toEqual([
          { sent: 7 },
          {},
          { sent: 5, received: 1, failed: 1 },
        ]);
        expect(await a.readCounts([])).toEqual([]);
      });

      test('a key expires its TTL after the last add, not the first', async () => {
        const a = await open();
        // Read 1.2 s after the first add (past its 1 s TTL), 0.6 s after the second: 0.4 s of margin either way.
        await a.addCounts('ttl', { n: 1 }, 1_000);
        await sleep(600);
        await a.addCounts('ttl', { n: 1 }, 1_000);
        await sleep(600);
        expect(await a.readCounts(['ttl'])).toEqual([{ n: 2 }]);
        await sleep(1_200);
        expect(await a.readCounts(['ttl'])).toEqual([{}]);
        await expect(a.addCounts('bad', { n: 1 }, 0)).rejects.toThrow(RangeError);
      });
    });

    describe('pub/sub', () => {
      test('delivers to every subscriber, in order; unsubscribe stops delivery', async () => {
        const [a, b, publisher] = [await open(), await open(), await open()];
        const got = { a1: [] as string[], a2: [] as string[], b: [] as string[], other: [] as string[] };
        const unsubA1 = await a.subscribe('events', (m) => got.a1.push(m));
        await a.subscribe('events', (m) => got.a2.push(m));
        await b.subscribe('events', (m) => got.b.push(m));
        await b.subscribe('other', (m) => got.other.push(m));

        await publisher.publish('events', 'one');
        await publisher.publish('events', 'two ✓');
        await waitFor(
          'two messages each',
          () => got.a1.length >= 2 && got.a2.length >= 2 && got.b.length >= 2,
          3000,
          5,
        );
        expect(got).toEqual({ a1: ['one', 'two ✓'], a2: ['one', 'two ✓'], b: ['one', 'two ✓'], other: [] });

        await unsubA1();
        await unsubA1(); // idempotent
        await publisher.publish('events', 'three');
        // Delivery to the remaining subscribers is the barrier: a1 would have had it by then too.
        await waitFor('the third message', () => got.a2.length === 3 && got.b.length === 3, 3000, 5);
        await publisher.publish('other', 'barrier');
        await waitFor('the barrier', () => got.other.length === 1, 3000, 5);
        expect(got.a1).toEqual(['one', 'two ✓']);
        expect(got.a2).toEqual(['one', 'two ✓', 'three']);
      });

      test('the last unsubscribe of a channel ends delivery, and resubscribing works', async () => {
        const [a, publisher] = [await open(), await open()];
        const first: string[] = [];
        const unsubscribe = await a.subscribe('ch', (m) => first.push(m));
        await publisher.publish('ch', 'm1');
        await waitFor('m1', () => first.length === 1, 3000, 5);
        await unsubscribe();
        const second: string[] = [];
        await a.subscribe('ch', (m) => second.push(m));
        await publisher.publish('ch', 'm2');
        await waitFor('m2', () => second.length === 1, 3000, 5);
        await sleep(50);
        expect(first).toEqual(['m1']);
        expect(second).toEqual(['m2']);
      });

      test('a throwing subscriber does not stop the others', async () => {
        const a = await open();
        const got: string[] = [];
        await a.subscribe('boom', () => {
          throw new Error('subscriber bug (expected in this test)');
        });
        await a.subscribe('boom', (m) => got.push(m));
        await a.publish('boom', 'still delivered');
        await waitFor('delivery', () => got.length === 1, 3000, 5);
      });
    });

    test('healthy while open; calls reject after close', async () => {
      const a = await open();
      expect(a.healthy()).toBe(true);
      await a.close();
      expect(a.healthy()).toBe(false);
      await expect(a.getValue('k')).rejects.toThrow();
      await a.close(); // idempotent
    });
  });
}

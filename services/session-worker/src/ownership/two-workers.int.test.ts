import { describeWith } from '@turbozap/shared/testing/services';
import { linkWithQr, reconnect } from '@turbozap/wa-sim/testing/link';
import { fastTimings, type Harness, startHarness, waitFor } from '../testing/harness.ts';

const describePg = await describeWith('postgres');

// A lease TTL far longer than any step here: a takeover that waited for expiry could not pass.
const timings = { ...fastTimings, leaseTtlMs: 30_000 };

describePg('two session-workers on one set of instances', () => {
  let h: Harness;
  let round = 0;

  beforeEach(async () => {
    h = await startHarness();
  }, 60_000);
  afterEach(() => h?.teardown(), 30_000);

  /** Logged-in sockets per worker, as the workers see them (the status column lags a handover by a moment). */
  const owners = async () => {
    const count: Record<string, number> = {};
    for (const w of h.workersStarted()) {
      for (const owned of w.manager?.owned.values() ?? []) {
        const worker = owned.scope.fence.worker;
        if (owned.socket) count[worker] = (count[worker] ?? 0) + 1;
      }
    }
    return count;
  };

  /** Six instances linked on worker-a, then worker-b joins and takes its share. */
  const scaledUp = async () => {
    round++;
    const phones = Array.from({ length: 6 }, (_, i) => `1555000${round}20${i}`);
    const a = await h.startWorker('worker-a', { timings });
    const ids: string[] = [];
    for (const [i, phone] of phones.entries()) {
      const id = await h.createInstance(`shop-${i}`);
      ids.push(id);
      await h.linkByQr(id, phone);
    }
    for (const id of ids) await h.waitStatus(id, 'connected');
    expect(a.manager?.owned.size).toBe(phones.length);
    await h.startWorker('worker-b', { timings });
    const split = await waitFor(
      async () => {
        const c = await owners();
        return (c['worker-b'] ?? 0) >= 2 && (c['worker-a'] ?? 0) + (c['worker-b'] ?? 0) === phones.length && c;
      },
      20_000,
      'rebalanced and connected',
    );
    return { a, phones, split };
  };

  test('scale-up moves instances to the new worker close-then-release: never two sockets for one device', async () => {
    const { phones, split } = await scaledUp();
    expect(split['worker-a']).toBeGreaterThanOrEqual(2);
    expect(h.sim.sim.stats().conflicts).toBe(0);
    expect(h.sim.sim.stats().connections).toBe(phones.length);
  }, 60_000);

  test('SIGTERM of one worker: the survivor takes over at once, still without a conflict', async () => {
    const { a, phones } = await scaledUp();
    await a.stop();
    const claimedByB = async () =>
      (await h.database.db.selectFrom('instances').select('owner_worker').execute()).every(
        (r) => r.owner_worker === 'worker-b',
      );
    // Released leases are taken at once: long before the 30 s TTL would have let them expire.
    await waitFor(claimedByB, 15_000, 'survivor claimed all');
    await waitFor(async () => (await owners())['worker-b'] === phones.length, 20_000, 'survivor connected all');
    expect(h.sim.sim.stats().conflicts).toBe(0);
    expect(h.sim.sim.stats().connections).toBe(phones.length);
  }, 60_000);

  test('positive control: two raw sockets for one device are counted as a conflict', async () => {
    const before = h.sim.sim.stats().conflicts;
    const { client, auth } = await linkWithQr(h.sim.sim, h.sim.handle.wsUrl, '15550000299');
    h.sim.track(client);
    const second = h.sim.track(await reconnect(h.sim.handle.wsUrl, auth));
    await waitFor(async () => h.sim.sim.stats().conflicts > before, 5_000, 'conflict counted');
    second.end();
  }, 30_000);
});

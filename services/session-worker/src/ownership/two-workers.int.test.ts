import { describeWith } from '@turbozap/shared/testing/services';
import { linkWithQr, reconnect } from '@turbozap/wa-sim/testing/link';
import { type Harness, startHarness, waitFor } from '../testing/harness.ts';

const describePg = await describeWith('postgres');

const phones = ['15550000201', '15550000202', '15550000203', '15550000204', '15550000205', '15550000206'];

describePg('two session-workers on one set of instances', () => {
  let h: Harness;
  const ids: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    for (const [i] of phones.entries()) ids.push(await h.createInstance(`shop-${i}`));
  }, 60_000);
  afterAll(() => h?.teardown(), 30_000);

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

  test('scale-up moves instances to the new worker close-then-release: never two sockets for one device', async () => {
    const a = await h.startWorker('worker-a');
    for (const [i, id] of ids.entries()) await h.linkByQr(id, phones[i]!);
    for (const id of ids) await h.waitStatus(id, 'connected');
    expect(a.manager?.owned.size).toBe(phones.length);

    await h.startWorker('worker-b');
    const split = await waitFor(
      async () => {
        const c = await owners();
        return (c['worker-b'] ?? 0) >= 2 && (c['worker-a'] ?? 0) + (c['worker-b'] ?? 0) === phones.length && c;
      },
      20_000,
      'rebalanced and connected',
    );
    expect(split['worker-a']).toBeGreaterThanOrEqual(2);
    expect(h.sim.sim.stats().conflicts).toBe(0);
    expect(h.sim.sim.stats().connections).toBe(phones.length);
  }, 60_000);

  test('SIGTERM of one worker: the survivor takes over at once, still without a conflict', async () => {
    const [a] = h.workersStarted();
    await a!.stop();
    const started = Date.now();
    const claimedByB = async () =>
      (await h.database.db.selectFrom('instances').select('owner_worker').execute()).every(
        (r) => r.owner_worker === 'worker-b',
      );
    await waitFor(claimedByB, 10_000, 'survivor claimed all');
    // Within one lease TTL (5 s here): released leases are taken at once, not after they expire.
    expect(Date.now() - started).toBeLessThan(5_000);
    await waitFor(async () => (await owners())['worker-b'] === phones.length, 20_000, 'survivor connected all');
    expect(h.sim.sim.stats().conflicts).toBe(0);
    expect(h.sim.sim.stats().connections).toBe(phones.length);
  }, 30_000);

  test('positive control: two raw sockets for one device are counted as a conflict', async () => {
    const before = h.sim.sim.stats().conflicts;
    const { client, auth } = await linkWithQr(h.sim.sim, h.sim.handle.wsUrl, '15550000299');
    h.sim.track(client);
    const second = h.sim.track(await reconnect(h.sim.handle.wsUrl, auth));
    await waitFor(async () => h.sim.sim.stats().conflicts > before, 5_000, 'conflict counted');
    second.end();
  }, 30_000);
});

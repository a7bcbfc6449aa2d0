import { TcpProxy } from '@turbozap/shared/broker/tcp-proxy';
import { RedisCoordination } from '@turbozap/shared/coordination/redis-coordination';
import { describeWith, testServices, uniqueName } from '@turbozap/shared/testing/services';
import { type Harness, startHarness, waitFor } from '../testing/harness.ts';

const describeReal = await describeWith('postgres', 'redis');

/**
 * Real Redis, reached by the workers through a proxy whose link the test cuts: leases cannot be
 * renewed, so every socket must close at once; when Redis is back the sessions come back from
 * their stored credentials — and at no point are there two sockets for one device.
 */
describeReal('session-worker through a Redis outage', () => {
  let h: Harness;
  let proxy: TcpProxy;
  const prefix = `${uniqueName('tzsw')}:`;
  const phones = ['15550000401', '15550000402'];
  const ids: string[] = [];

  beforeAll(async () => {
    proxy = await TcpProxy.start(testServices.redis);
    h = await startHarness({
      coordination: (who) =>
        RedisCoordination.connect({
          url: who === 'api' ? testServices.redis : proxy.url(testServices.redis),
          prefix,
          onError: () => {},
        }),
    });
    for (const [i, phone] of phones.entries()) {
      ids.push(await h.createInstance(`redis-${i}`));
      if (i === 0) await h.startWorker('worker-r');
      await h.linkByQr(ids[i]!, phone);
      await h.waitStatus(ids[i]!, 'connected');
    }
  }, 90_000);
  afterAll(async () => {
    proxy.restore();
    await h?.teardown();
    await proxy?.close();
  }, 30_000);

  test('cut: every socket closes within a lease TTL; restored: sessions return without a conflict or a QR', async () => {
    const [worker] = h.workersStarted();
    const pairings = h.sim.sim.stats().pairings;
    proxy.cut();
    await waitFor(async () => h.sim.sim.stats().connections === 0, 5_000, 'sockets closed');
    expect(worker!.manager?.owned.size).toBe(0);
    proxy.restore();
    await waitFor(async () => worker!.manager?.owned.size === phones.length, 20_000, 'instances reclaimed');
    for (const id of ids) await h.waitStatus(id, 'connected');
    await waitFor(async () => h.sim.sim.stats().connections === phones.length, 10_000, 'sockets back');
    expect(h.sim.sim.stats().conflicts).toBe(0);
    expect(h.sim.sim.stats().pairings).toBe(pairings);
  }, 60_000);
});

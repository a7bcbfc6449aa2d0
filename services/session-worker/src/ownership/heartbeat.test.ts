import { MemoryCoordination } from '@turbozap/shared/coordination';
import { silentLogger } from '@turbozap/shared/logging';
import { sleep } from '@turbozap/shared/util/sleep';
import { Heartbeat } from './heartbeat.ts';

const ageOf = async (coordination: MemoryCoordination, id: string) =>
  (await coordination.liveWorkers()).find((w) => w.id === id)?.beatAgeMs;

describe('Heartbeat', () => {
  test('beats every interval however long the lease TTL, and leaves the live set on stop', async () => {
    const coordination = new MemoryCoordination();
    const heartbeat = new Heartbeat({
      coordination,
      logger: silentLogger(),
      id: 'w',
      capacity: 7,
      ttlMs: 60_000,
      intervalMs: 100,
    });
    await heartbeat.start();
    const ages: number[] = [];
    for (let i = 0; i < 20; i++) {
      await sleep(35);
      ages.push((await ageOf(coordination, 'w')) as number);
    }
    // Ages climb to about one interval and fall back: several beats landed, none was skipped.
    expect(Math.max(...ages)).toBeLessThan(450);
    expect(ages.filter((age, i) => i > 0 && age < (ages[i - 1] as number)).length).toBeGreaterThanOrEqual(4);
    expect((await coordination.liveWorkers())[0]?.info).toEqual({ capacity: 7, pid: process.pid });
    await heartbeat.stop();
    expect(await coordination.liveWorkers()).toEqual([]);
    await sleep(250);
    expect(await coordination.liveWorkers()).toEqual([]);
  });

  test('a short lease TTL shortens the interval to ttl/3, so the worker never drops out between beats', async () => {
    const coordination = new MemoryCoordination();
    const heartbeat = new Heartbeat({
      coordination,
      logger: silentLogger(),
      id: 'short',
      capacity: 1,
      ttlMs: 300,
      intervalMs: 1000,
    });
    await heartbeat.start();
    for (let i = 0; i < 8; i++) {
      await sleep(100);
      expect((await coordination.liveWorkers()).map((w) => w.id)).toEqual(['short']);
    }
    await heartbeat.stop();
  });
});

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
    // Ages climb to about one interval (100 ms) and fall back at each beat. Sampled until four
    // beats were seen: a heartbeat paced by the 60 s TTL instead would show none for 20 s.
    const ages: number[] = [];
    let beats = 0;
    const deadline = Date.now() + 10_000;
    while (beats < 4 && Date.now() < deadline) {
      await sleep(35);
      ages.push((await ageOf(coordination, 'w')) as number);
      if (ages.length > 1 && (ages.at(-1) as number) < (ages.at(-2) as number)) beats++;
    }
    expect(beats).toBe(4);
    // The bound tells "every interval" from "every ttl/3" (20 s), with room for a busy machine.
    expect(Math.max(...ages)).toBeLessThan(5_000);
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
      ttlMs: 1_500,
      intervalMs: 10_000,
    });
    await heartbeat.start();
    // Beats every 500 ms: a second of slack against a busy machine before the 1.5 s TTL ends.
    for (let i = 0; i < 8; i++) {
      await sleep(250);
      expect((await coordination.liveWorkers()).map((w) => w.id)).toEqual(['short']);
    }
    await heartbeat.stop();
  });
});

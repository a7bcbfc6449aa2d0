import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { redisIsLocal, startRedis, stopRedis } from '../testing/redis-server.ts';
import { describeWith, testServices, uniqueName } from '../testing/services.ts';
import { waitFor } from '../testing/wait.ts';
import type { Coordination } from './port.ts';
import { RedisCoordination } from './redis-coordination.ts';

/**
 * Restarts the test Redis (every key vanishes) under a live RedisCoordination. Run by
 * `pnpm run test:fault`, against the fault tier's own Redis (testing/fault-services.ts).
 */
const run = promisify(execFile);
const { hostname, port } = new URL(testServices.redis);
const describeRedis = redisIsLocal ? await describeWith('redis') : describe.skip;
if (!redisIsLocal) console.warn(`SKIPPING: cannot restart a non-local Redis (${testServices.redis})`);

async function runId(): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', hostname, '-p', port, 'info', 'server'], { timeout: 2000 });
  return /run_id:(\w+)/.exec(stdout)?.[1] ?? '';
}

async function rejectsQuickly(call: () => Promise<unknown>, label: string): Promise<void> {
  const started = Date.now();
  let failed = false;
  try {
    await call();
  } catch {
    failed = true;
  }
  const elapsed = Date.now() - started;
  expect({ label, failed }).toEqual({ label, failed: true });
  // A call queued for Redis would hang until Redis is back (it is not, here): any bound this side of that holds.
  expect({ label, fast: elapsed < 5000 }).toEqual({ label, fast: true });
}

describeRedis('RedisCoordination when Redis restarts', () => {
  let coordination: RedisCoordination | undefined;
  let publisher: Coordination | undefined;

  afterAll(async () => {
    await coordination?.close();
    await publisher?.close();
    // Whatever happened above, leave a running Redis behind for everyone else.
    await startRedis();
  }, 30_000);

  test('fails fast during the outage, reconnects by itself, subscribers receive again', async () => {
    await startRedis();
    const prefix = `${uniqueName('tzfault')}:`;
    const options = { url: testServices.redis, prefix, onError: () => {}, maxReconnectDelayMs: 500 };
    coordination = await RedisCoordination.connect(options);
    publisher = await RedisCoordination.connect(options);

    const received: string[] = [];
    await coordination.subscribe('events', (message) => received.push(message));
    await publisher.publish('events', 'before');
    await waitFor('the message before the restart', () => received.includes('before'), 3000, 50);
    expect(await coordination.acquireLease('instance-1', 'replica-a', 60_000)).toBe(true);
    await coordination.setValue('cached', 'x');
    const runBefore = await runId();

    try {
      await stopRedis();
      const down = coordination;
      await waitFor('healthy() to turn false', () => !down.healthy(), 5000, 50);

      await rejectsQuickly(() => down.acquireLease('instance-1', 'replica-a', 60_000), 'acquireLease');
      await rejectsQuickly(() => down.renewLease('instance-1', 'replica-a', 60_000), 'renewLease');
      await rejectsQuickly(() => down.leaseHolder('instance-1'), 'leaseHolder');
      await rejectsQuickly(() => down.getValue('cached'), 'getValue');
      await rejectsQuickly(() => down.rateLimit('send', 10, 1000), 'rateLimit');
      await rejectsQuickly(() => down.heartbeat({ id: 'w', info: {} }, 1000), 'heartbeat');
      await rejectsQuickly(() => down.liveWorkers(), 'liveWorkers');
      await rejectsQuickly(() => down.publish('events', 'lost'), 'publish');
      await rejectsQuickly(() => down.subscribe('other', () => {}), 'subscribe');
      // Several at once, too: none of them queues up waiting for Redis.
      const started = Date.now();
      const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => down.getValue(`k${i}`)));
      expect(settled.every((result) => result.status === 'rejected')).toBe(true);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await startRedis();
    }

    expect(await runId()).not.toBe(runBefore); // really a new server process
    const up = coordination;
    await waitFor('the adapter to reconnect by itself', () => up.healthy(), 15_000, 50);
    // The restart lost every key: the lease is free again, the cache empty.
    expect(await up.leaseHolder('instance-1')).toBeNull();
    expect(await up.getValue('cached')).toBeNull();
    expect(await up.acquireLease('instance-1', 'replica-b', 60_000)).toBe(true);
    expect(await up.renewLease('instance-1', 'replica-a', 60_000)).toBe(false);

    // The subscription comes back without anyone calling subscribe() again.
    const pub = publisher;
    await waitFor('the publisher to reconnect', () => pub.healthy(), 15_000, 50);
    let n = 0;
    await waitFor(
      'a message after the restart',
      async () => {
        await pub.publish('events', `after-${n++}`).catch(() => undefined);
        return received.some((message) => message.startsWith('after-'));
      },
      10_000,
      50,
    );
    expect(received).not.toContain('lost');
  }, 60_000);
});

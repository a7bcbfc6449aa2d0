import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describeWith, testServices, uniqueName } from '../testing/services.ts';
import { sleep } from '../util/sleep.ts';
import type { Coordination } from './port.ts';
import { RedisCoordination } from './redis-coordination.ts';

/**
 * Restarts the local test Redis (every key vanishes) under a live RedisCoordination.
 * Only run by `pnpm run test:fault` (serially, alone): it disturbs anything else using Redis.
 */
const run = promisify(execFile);
const { hostname, port } = new URL(testServices.redis);
const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
const describeRedis = loopback ? await describeWith('redis') : describe.skip;
if (!loopback) console.warn(`SKIPPING: cannot restart a non-local Redis (${testServices.redis})`);

async function ping(): Promise<boolean> {
  try {
    const { stdout } = await run('redis-cli', ['-h', hostname, '-p', port, 'ping'], { timeout: 2000 });
    return stdout.trim() === 'PONG';
  } catch {
    return false;
  }
}

async function runId(): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', hostname, '-p', port, 'info', 'server'], { timeout: 2000 });
  return /run_id:(\w+)/.exec(stdout)?.[1] ?? '';
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

async function stopRedis(): Promise<void> {
  // SHUTDOWN closes the connection instead of replying; the exit code does not matter.
  await run('redis-cli', ['-h', hostname, '-p', port, 'shutdown', 'nosave'], { timeout: 5000 }).catch(() => undefined);
  await until(async () => !(await ping()), 'redis to stop', 10_000);
}

/** The CI start command (see the brief / deploy docs), on the port of TEST_REDIS_URL. */
async function startRedis(): Promise<void> {
  if (await ping()) return;
  await run('redis-server', [
    '--daemonize',
    'yes',
    '--bind',
    '127.0.0.1',
    '-::1',
    '--port',
    port,
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    '/var/lib/redis',
    '--logfile',
    '/var/log/redis/ci.log',
  ]);
  await until(ping, 'redis to answer PING', 15_000);
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
  expect({ label, fast: elapsed < 2000 }).toEqual({ label, fast: true });
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
    await until(() => received.includes('before'), 'the message before the restart', 3000);
    expect(await coordination.acquireLease('instance-1', 'replica-a', 60_000)).toBe(true);
    await coordination.setValue('cached', 'x');
    const runBefore = await runId();

    try {
      await stopRedis();
      const down = coordination;
      await until(() => !down.healthy(), 'healthy() to turn false', 5000);

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
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await startRedis();
    }

    expect(await runId()).not.toBe(runBefore); // really a new server process
    const up = coordination;
    await until(() => up.healthy(), 'the adapter to reconnect by itself', 15_000);
    // The restart lost every key: the lease is free again, the cache empty.
    expect(await up.leaseHolder('instance-1')).toBeNull();
    expect(await up.getValue('cached')).toBeNull();
    expect(await up.acquireLease('instance-1', 'replica-b', 60_000)).toBe(true);
    expect(await up.renewLease('instance-1', 'replica-a', 60_000)).toBe(false);

    // The subscription comes back without anyone calling subscribe() again.
    const pub = publisher;
    await until(() => pub.healthy(), 'the publisher to reconnect', 15_000);
    let n = 0;
    await until(
      async () => {
        await pub.publish('events', `after-${n++}`).catch(() => undefined);
        await sleep(50);
        return received.some((message) => message.startsWith('after-'));
      },
      'a message after the restart',
      10_000,
    );
    expect(received).not.toContain('lost');
  }, 60_000);
});

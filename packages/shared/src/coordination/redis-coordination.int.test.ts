import { Redis } from 'ioredis';
import { describeWith, testServices, uniqueName } from '../testing/services.ts';
import { coordinationContract } from './coordination.contract.ts';
import { RedisCoordination } from './redis-coordination.ts';

const describeRedis = await describeWith('redis');

/** Deletes every key under `prefix`. */
async function dropPrefix(prefix: string): Promise<void> {
  const admin = new Redis(testServices.redis, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await admin.connect();
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await admin.del(...keys);
    } while (cursor !== '0');
  } finally {
    admin.disconnect();
  }
}

coordinationContract(
  'RedisCoordination',
  () => {
    const prefix = `${uniqueName('tzcoord')}:`;
    return {
      open: () => RedisCoordination.connect({ url: testServices.redis, prefix, onError: () => {} }),
      cleanup: () => dropPrefix(prefix),
    };
  },
  describeRedis,
);

describeRedis('RedisCoordination specifics', () => {
  const prefix = `${uniqueName('tzcoord')}:`;
  let coordination: RedisCoordination;
  let admin: Redis;

  beforeAll(async () => {
    coordination = await RedisCoordination.connect({ url: testServices.redis, prefix, onError: () => {} });
    admin = new Redis(testServices.redis);
  });
  afterAll(async () => {
    await coordination.close();
    await dropPrefix(prefix);
    admin.disconnect();
  });

  test('every key lives under the prefix, leases at <prefix>lease:<key>', async () => {
    await coordination.acquireLease('inst-1', 'replica-a', 10_000);
    await coordination.heartbeat({ id: 'w1', info: { pid: 1 } }, 10_000);
    await coordination.rateLimit('send', 5, 10_000);
    await coordination.setValue('cache', 'x', 10_000);
    expect(await admin.get(`${prefix}lease:inst-1`)).toBe('replica-a');
    const keys = (await admin.keys(`${prefix}*`)).sort();
    expect(keys).toEqual(
      [
        `${prefix}kv:cache`,
        `${prefix}lease:inst-1`,
        `${prefix}ratelimit:send`,
        `${prefix}workers`,
        `${prefix}workers:beat`,
        `${prefix}workers:info`,
      ].sort(),
    );
    for (const key of keys) {
      const ttl = await admin.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(10_000);
    }
  });

  test("beat ages are measured by Redis's clock, not the caller's", async () => {
    const [seconds, micros] = await admin.time();
    await coordination.heartbeat({ id: 'clocked', info: {} }, 10_000);
    const recorded = Number(await admin.hget(`${prefix}workers:beat`, 'clocked'));
    const serverMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    expect(recorded - serverMs).toBeGreaterThanOrEqual(0);
    expect(recorded - serverMs).toBeLessThan(1000);
    // A reader whose clock is an hour off still sees a fresh beat.
    const realNow = Date.now;
    Date.now = () => realNow() + 3_600_000;
    try {
      const worker = (await coordination.liveWorkers()).find((w) => w.id === 'clocked');
      expect(worker?.beatAgeMs).toBeGreaterThanOrEqual(0);
      expect(worker?.beatAgeMs).toBeLessThan(1000);
    } finally {
      Date.now = realNow;
    }
  });

  test('a beat without a recorded time (a worker of an older version) has a null age', async () => {
    await coordination.heartbeat({ id: 'old-version', info: { capacity: 3 } }, 10_000);
    await admin.hdel(`${prefix}workers:beat`, 'old-version');
    const worker = (await coordination.liveWorkers()).find((w) => w.id === 'old-version');
    expect(worker).toEqual({ id: 'old-version', info: { capacity: 3 }, beatAgeMs: null });
    await coordination.removeWorker('old-version');
    await coordination.removeWorker('clocked');
    const recorded = await admin.hkeys(`${prefix}workers:beat`);
    expect(recorded).not.toContain('old-version');
    expect(recorded).not.toContain('clocked');
  });

  test('the default prefix is turbozap:', async () => {
    const defaults = new RedisCoordination({ url: testServices.redis, onError: () => {} });
    try {
      expect(defaults.prefix).toBe('turbozap:');
    } finally {
      await defaults.close();
    }
  });

  test('constructed directly, the first calls wait for the first connection instead of failing', async () => {
    const direct = new RedisCoordination({ url: testServices.redis, prefix, onError: () => {} });
    try {
      expect(direct.healthy()).toBe(false);
      const [, value] = await Promise.all([direct.setValue('direct', 'yes', 10_000), direct.getValue('missing')]);
      expect(value).toBeNull();
      expect(await direct.getValue('direct')).toBe('yes');
      expect(direct.healthy()).toBe(true);
    } finally {
      await direct.close();
    }
  });

  test('constructed directly against nothing, calls fail after startupWaitMs and close() returns at once', async () => {
    const nowhere = new RedisCoordination({ url: 'redis://127.0.0.1:1', startupWaitMs: 300, onError: () => {} });
    const started = Date.now();
    await expect(nowhere.getValue('x')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1500);
    await nowhere.close();
  });

  test('scripts still run after the script cache is flushed (NOSCRIPT falls back to EVAL)', async () => {
    await coordination.acquireLease('flush', 'a', 10_000);
    await admin.script('FLUSH');
    expect(await coordination.renewLease('flush', 'a', 10_000)).toBe(true);
    expect(await coordination.releaseLease('flush', 'a')).toBe(true);
  });

  test('connect() rejects within its timeout when Redis is unreachable', async () => {
    const started = Date.now();
    await expect(RedisCoordination.connect({ url: 'redis://127.0.0.1:1', onError: () => {} }, 500)).rejects.toThrow(
      /not ready/,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

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
        `${prefix}workers:info`,
      ].sort(),
    );
    for (const key of keys) {
      const ttl = await admin.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(10_000);
    }
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

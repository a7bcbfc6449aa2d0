import { leaseKeys } from '@turbozap/shared/contracts/kv';
import { MemoryCoordination } from '@turbozap/shared/coordination/memory-coordination';
import type { Coordination } from '@turbozap/shared/coordination/port';
import { RedisCoordination } from '@turbozap/shared/coordination/redis-coordination';
import { type Fence, instanceOwnershipRepo } from '@turbozap/shared/db/repositories/instance-ownership';
import { silentLogger } from '@turbozap/shared/logging/logger';
import { createTestDatabase, insertTestInstance } from '@turbozap/shared/testing/database';
import { describeWith, servicesUp, testServices, uniqueName } from '@turbozap/shared/testing/services';
import { LeaseKeeper, type LeaseLossReason } from './lease-keeper.ts';

const describePg = await describeWith('postgres');
const adapters: Array<[string, () => Promise<Coordination>]> = [['memory', async () => new MemoryCoordination()]];
if (await servicesUp('redis')) {
  adapters.push([
    'redis',
    () => RedisCoordination.connect({ url: testServices.redis, prefix: `${uniqueName('tzlk')}:`, onError: () => {} }),
  ]);
}
// Renewed every TTL/3: long enough that a loaded machine's pauses (the whole suite on 2 cores)
// do not outlast it — at 300 ms a 200 ms stall let a lease expire once.
const TTL = 1_000;

describePg('lease keeper', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  }, 60_000);
  afterAll(() => database.close());

  async function owned(coordination: Coordination) {
    const { id } = await insertTestInstance(database.db);
    expect(await coordination.acquireLease(leaseKeys.instance(id), 'w1', TTL)).toBe(true);
    const token = (await instanceOwnershipRepo.claim(database.db, id, 'w1', TTL)) as number;
    const fence: Fence = { instanceId: id, worker: 'w1', token };
    const losses: LeaseLossReason[] = [];
    const keeper = new LeaseKeeper(fence, {
      coordination,
      db: database.db,
      logger: silentLogger(),
      ttlMs: TTL,
      onLost: (r) => losses.push(r),
    });
    return { id, fence, keeper, losses };
  }

  test.each(adapters)(
    'renews every ttl/3 on %s coordination: the lease and owner_seen_at outlive several TTLs',
    async (_, open) => {
      const coordination = await open();
      const { id, keeper, losses } = await owned(coordination);
      keeper.start();
      await new Promise((r) => setTimeout(r, TTL * 3));
      expect(await coordination.leaseHolder(leaseKeys.instance(id))).toBe('w1');
      expect((await instanceOwnershipRepo.get(database.db, id))?.owner_age_ms).toBeLessThan(TTL);
      expect(losses).toEqual([]);
      await keeper.release();
      expect(await coordination.leaseHolder(leaseKeys.instance(id))).toBeNull();
      expect((await instanceOwnershipRepo.get(database.db, id))?.owner_worker).toBeNull();
      await coordination.close();
    },
  );

  test.each(adapters)(
    'on %s coordination, a lease Redis lost (or a claimer briefly took) is taken back; the fence keeps the instance',
    async (_, open) => {
      const coordination = await open();
      const { id, keeper, losses } = await owned(coordination);
      // Redis restarted: the lease is simply gone.
      await coordination.releaseLease(leaseKeys.instance(id), 'w1');
      expect(await keeper.renew()).toBe(true);
      expect(await coordination.leaseHolder(leaseKeys.instance(id))).toBe('w1');
      // A claimer took it in between, and will give it back when its Postgres claim fails.
      await coordination.releaseLease(leaseKeys.instance(id), 'w1');
      expect(await coordination.acquireLease(leaseKeys.instance(id), 'w2', TTL)).toBe(true);
      expect(await instanceOwnershipRepo.claim(database.db, id, 'w2', TTL)).toBeNull();
      expect(await keeper.renew()).toBe(true);
      await coordination.releaseLease(leaseKeys.instance(id), 'w2');
      expect(await keeper.renew()).toBe(true);
      expect(await coordination.leaseHolder(leaseKeys.instance(id))).toBe('w1');
      expect(losses).toEqual([]);
      await coordination.close();
    },
  );

  test('a stale fence calls onLost once and stops renewing', async () => {
    const coordination = new MemoryCoordination();
    const { id, fence, keeper, losses } = await owned(coordination);
    keeper.start();
    await database.db
      .updateTable('instances')
      .set({ owner_token: fence.token + 1 })
      .where('id', '=', id)
      .execute();
    await new Promise((r) => setTimeout(r, TTL));
    expect(losses).toEqual(['fence_stale']);
    expect(keeper.lost).toBe(true);
    await new Promise((r) => setTimeout(r, TTL));
    expect(losses).toEqual(['fence_stale']);
  });

  test('coordination errors cost nothing while Postgres renews the owner: no loss', async () => {
    const coordination = new MemoryCoordination();
    const { keeper, losses } = await owned(coordination);
    coordination.renewLease = async () => {
      throw new Error('redis down');
    };
    coordination.acquireLease = async () => {
      throw new Error('redis down');
    };
    for (let i = 0; i < 3; i++) expect(await keeper.renew()).toBe(true);
    expect(losses).toEqual([]);
  });

  test('when owner_seen_at cannot be refreshed for 2/3 of a TTL, the owner lets go before anyone may claim', async () => {
    const coordination = new MemoryCoordination();
    const { keeper, losses } = await owned(coordination);
    const renew = instanceOwnershipRepo.renew;
    instanceOwnershipRepo.renew = async () => {
      throw new Error('postgres down');
    };
    try {
      expect(await keeper.renew()).toBe(true); // one failure is not yet a loss
      await new Promise((r) => setTimeout(r, (TTL * 2) / 3 + 50));
      expect(await keeper.renew()).toBe(false);
      expect(losses).toEqual(['renew_failed']);
    } finally {
      instanceOwnershipRepo.renew = renew;
    }
  });

  test('a newer fencing token or a deleted instance is a loss too', async () => {
    const coordination = new MemoryCoordination();
    const stale = await owned(coordination);
    await database.db
      .updateTable('instances')
      .set({ owner_token: stale.fence.token + 1 })
      .where('id', '=', stale.id)
      .execute();
    expect(await stale.keeper.renew()).toBe(false);
    expect(stale.losses).toEqual(['fence_stale']);

    const deleted = await owned(coordination);
    await database.db.deleteFrom('instances').where('id', '=', deleted.id).execute();
    expect(await deleted.keeper.renew()).toBe(false);
    expect(deleted.losses).toEqual(['instance_deleted']);
  });
});

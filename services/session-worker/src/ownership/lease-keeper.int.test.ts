import { MemoryCoordination } from '@turbozap/shared/coordination/memory-coordination';
import type { Coordination } from '@turbozap/shared/coordination/port';
import { RedisCoordination } from '@turbozap/shared/coordination/redis-coordination';
import { type Fence, instanceOwnershipRepo } from '@turbozap/shared/db/repositories/instance-ownership';
import { silentLogger } from '@turbozap/shared/logging/logger';
import { createTestDatabase, insertTestInstance } from '@turbozap/shared/testing/database';
import { describeWith, servicesUp, testServices, uniqueName } from '@turbozap/shared/testing/services';
import { leaseKey } from '../context.ts';
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
    expect(await coordination.acquireLease(leaseKey(id), 'w1', TTL)).toBe(true);
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
      expect(await coordination.leaseHolder(leaseKey(id))).toBe('w1');
      expect((await instanceOwnershipRepo.get(database.db, id))?.owner_age_ms).toBeLessThan(TTL);
      expect(losses).toEqual([]);
      await keeper.release();
      expect(await coordination.leaseHolder(leaseKey(id))).toBeNull();
      expect((await instanceOwnershipRepo.get(database.db, id))?.owner_worker).toBeNull();
      await coordination.close();
    },
  );

  test.each(adapters)('on %s coordination, a lease someone else took is lost at the next renew', async (_, open) => {
    const coordination = await open();
    const { id, keeper, losses } = await owned(coordination);
    await coordination.releaseLease(leaseKey(id), 'w1');
    expect(await coordination.acquireLease(leaseKey(id), 'w2', TTL)).toBe(true);
    expect(await keeper.renew()).toBe(false);
    expect(losses).toEqual(['lease_lost']);
    await coordination.close();
  });

  test('a failed renew (lease taken or gone) calls onLost once and stops renewing', async () => {
    const coordination = new MemoryCoordination();
    const { id, keeper, losses } = await owned(coordination);
    keeper.start();
    coordination.store.leases.set(leaseKey(id), { holder: 'w2', expiresAt: Date.now() + 60_000 });
    await new Promise((r) => setTimeout(r, TTL));
    expect(losses).toEqual(['lease_lost']);
    expect(keeper.lost).toBe(true);
    await new Promise((r) => setTimeout(r, TTL));
    expect(losses).toEqual(['lease_lost']);
  });

  test('coordination errors count as a loss (nobody can tell whether the lease still holds)', async () => {
    const coordination = new MemoryCoordination();
    const { keeper, losses } = await owned(coordination);
    coordination.renewLease = async () => {
      throw new Error('redis down');
    };
    expect(await keeper.renew()).toBe(false);
    expect(losses).toEqual(['renew_failed']);
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

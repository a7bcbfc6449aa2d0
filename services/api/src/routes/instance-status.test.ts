import { MemoryCoordination } from '@turbozap/shared/coordination';
import { WORKER_BEAT_STALE_MS } from '@turbozap/shared/coordination/liveness';
import type { InstanceStatus } from '@turbozap/shared/db/schema';
import { type ApiHarness, startApi } from '../testing/harness.ts';

/** The coordination store's clock runs `ahead` ms ahead of real time: tests age beats without sleeping. */
let ahead = 0;
let liveWorkersCalls = 0;
class CountingCoordination extends MemoryCoordination {
  override async liveWorkers() {
    liveWorkersCalls++;
    return super.liveWorkers();
  }
}
const coordination = new CountingCoordination({ now: () => Date.now() + ahead });

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ runtime: { coordination } });
}, 60_000);
afterAll(() => api.close());

async function instance(name: string, status: InstanceStatus, owner: string | null): Promise<string> {
  await api.request('POST', '/instance/create', { body: { name } });
  const row = await api.runtime.db
    .updateTable('instances')
    .set({ status, owner_worker: owner })
    .where('name', '=', name)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
const status = async (name: string) => {
  const { data } = (await api.request('GET', `/instance/${name}/status`)).body;
  return { status: data.status, owner: data.owner };
};
const listed = async (name: string) => {
  const { data } = (await api.request('GET', '/instance/list')).body;
  const row = (data as { name: string; status: string; owner: string | null }[]).find((i) => i.name === name);
  return { status: row?.status, owner: row?.owner };
};

describe('instance status tells whether a live owner holds the socket now', () => {
  test('connected while the lease holder beats; connecting with no owner once its beat is stale, lease or not', async () => {
    const id = await instance('beating', 'connected', 'w-alive');
    await coordination.acquireLease(id, 'w-alive', 60_000);
    await coordination.heartbeat({ id: 'w-alive', info: {} }, 60_000);
    expect(await status('beating')).toEqual({ status: 'connected', owner: 'w-alive' });
    expect(await listed('beating')).toEqual({ status: 'connected', owner: 'w-alive' });

    // A late beat inside the slack does not flap (a margin of 1 s for this test's own requests).
    ahead += WORKER_BEAT_STALE_MS - 1000;
    expect(await status('beating')).toEqual({ status: 'connected', owner: 'w-alive' });
    expect(await listed('beating')).toEqual({ status: 'connected', owner: 'w-alive' });

    // Past it: the lease (60 s) and the live set (placement's view) still have the worker, the status does not.
    ahead += 1100;
    expect(await coordination.leaseHolder(id)).toBe('w-alive');
    expect((await coordination.liveWorkers()).map((w) => w.id)).toContain('w-alive');
    expect(await status('beating')).toEqual({ status: 'connecting', owner: null });
    expect(await listed('beating')).toEqual({ status: 'connecting', owner: null });

    // The next beat (or a new owner's) makes it connected again.
    await coordination.heartbeat({ id: 'w-alive', info: {} }, 60_000);
    expect(await status('beating')).toEqual({ status: 'connected', owner: 'w-alive' });
    expect(await listed('beating')).toEqual({ status: 'connected', owner: 'w-alive' });
  });

  test('a connected row with no lease, or a lease held by a worker that never beat, is connecting', async () => {
    const id = await instance('orphan', 'connected', 'w-gone');
    expect(await status('orphan')).toEqual({ status: 'connecting', owner: null });
    expect(await listed('orphan')).toEqual({ status: 'connecting', owner: null });
    await coordination.acquireLease(id, 'w-silent', 60_000);
    expect(await status('orphan')).toEqual({ status: 'connecting', owner: null });
  });

  test('other statuses are the row as written; the owner is named only while it beats', async () => {
    const id = await instance('parked', 'disconnected', 'w-parker');
    await coordination.acquireLease(id, 'w-parker', 60_000);
    expect(await status('parked')).toEqual({ status: 'disconnected', owner: null });
    await coordination.heartbeat({ id: 'w-parker', info: {} }, 60_000);
    expect(await status('parked')).toEqual({ status: 'disconnected', owner: 'w-parker' });
    expect(await listed('parked')).toEqual({ status: 'disconnected', owner: 'w-parker' });
  });

  test('the list reads the live workers once, not once per instance', async () => {
    for (const name of ['many-1', 'many-2', 'many-3']) await instance(name, 'connected', 'w-many');
    liveWorkersCalls = 0;
    const res = await api.request('GET', '/instance/list');
    expect(res.body.data.length).toBeGreaterThanOrEqual(3);
    expect(liveWorkersCalls).toBe(1);
  });
});

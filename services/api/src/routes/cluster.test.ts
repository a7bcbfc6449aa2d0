import { queues } from '@turbozap/shared/contracts/queues';
import { type ApiHarness, startApi } from '../testing/harness.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
}, 60_000);
afterAll(() => api.close());

async function instance(name: string, status: string, owner: string | null, desired = 'connected'): Promise<void> {
  await api.request('POST', '/instance/create', { body: { name } });
  await api.runtime.db
    .updateTable('instances')
    .set({ status: status as 'connected', owner_worker: owner, desired_state: desired as 'connected' })
    .where('name', '=', name)
    .execute();
}

test('GET /cluster: instances expected and connected as status tells them, live workers with theirs, queue depths', async () => {
  await api.runtime.coordination.heartbeat({ id: 'w-1', info: {} }, 60_000);
  await instance('a', 'connected', 'w-1');
  await instance('b', 'connected', 'w-gone'); // its owner does not beat: connecting, as status says
  await instance('c', 'logged_out', null, 'logged_out');
  await api.runtime.broker.assertQueue(queues.send);
  const { status, body } = await api.request('GET', '/cluster');
  expect(status).toBe(200);
  expect(body.data.instances).toEqual({
    total: 3,
    expected: 2,
    connected: 1,
    by_status: { connected: 1, connecting: 1, logged_out: 1 },
  });
  expect(body.data.workers).toEqual([{ id: 'w-1', instances: 1, beat_age_ms: expect.any(Number) }]);
  expect(body.data.queues).toContainEqual({ name: queues.send, pending: 0 });
  expect((await api.request('GET', '/cluster', { key: 'tzk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(401);
});

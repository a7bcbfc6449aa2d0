import { countKeys } from '@turbozap/shared/contracts/kv';
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

test('GET /cluster: the last five whole minutes and the current one, oldest first, as the processes counted them', async () => {
  const minute = Math.floor(Date.now() / 60_000);
  const { coordination } = api.runtime;
  await coordination.addCounts(countKeys.minute(minute - 3), { messages_sent: 40, webhooks_delivered: 38 }, 60_000);
  await coordination.addCounts(countKeys.minute(minute - 3), { messages_sent: 2, messages_received: 5 }, 60_000);
  await coordination.addCounts(countKeys.minute(minute - 9), { messages_sent: 1 }, 60_000); // too old to show
  const { body } = await api.request('GET', '/cluster');
  const rows = body.data.per_minute as Array<Record<string, unknown>>;
  // A minute may turn between the writes and the read: find the rows by their start.
  const first = Date.parse(String(rows[0]?.minute)) / 60_000;
  expect(rows.map((r) => Date.parse(String(r.minute)) / 60_000)).toEqual([0, 1, 2, 3, 4, 5].map((i) => first + i));
  expect(rows.map((r) => r.complete)).toEqual([true, true, true, true, true, false]);
  const zeros = {
    messages_accepted: 0,
    messages_sent: 0,
    messages_received: 0,
    messages_failed: 0,
    webhooks_delivered: 0,
    webhooks_failed: 0,
  };
  expect(rows.find((r) => Date.parse(String(r.minute)) === (minute - 3) * 60_000)).toEqual({
    minute: new Date((minute - 3) * 60_000).toISOString(),
    complete: true,
    ...zeros,
    messages_sent: 42,
    messages_received: 5,
    webhooks_delivered: 38,
  });
  expect(
    rows
      .filter((r) => Date.parse(String(r.minute)) !== (minute - 3) * 60_000)
      .map(({ minute: _m, complete: _c, ...n }) => n),
  ).toEqual(Array(5).fill(zeros));
});

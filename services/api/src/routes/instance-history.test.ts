import { makeEvent } from '@turbozap/shared/contracts/events';
import { eventsOutboxRepo } from '@turbozap/shared/db/repositories/events-outbox';
import { sentData } from '@turbozap/shared/testing/event-data';
import { type ApiHarness, startApi } from '../testing/harness.ts';

let api: ApiHarness;
const keys: Record<string, string> = {};
const refs: Record<string, { id: string; name: string }> = {};
beforeAll(async () => {
  api = await startApi();
  for (const name of ['timeline', 'other']) {
    const created = (await api.request('POST', '/instance/create', { body: { name } })).body.data;
    keys[name] = created.api_key;
    refs[name] = { id: created.instance.id, name };
  }
}, 60_000);
afterAll(() => api.close());

const history = (name: string, query = '', key: string | null | undefined = keys[name]) =>
  api.request('GET', `/instance/${name}/status/history${query}`, { key });

describe('an instance status timeline', () => {
  test('its status changes only, newest first, with why; message events between them are not in it', async () => {
    const instance = refs.timeline ?? { id: '', name: '' };
    const changes = [
      { status: 'connecting', previous_status: 'disconnected' },
      { status: 'connected', previous_status: 'connecting' },
      { status: 'disconnected', previous_status: 'connected', reason: 'connection_lost', code: 428 },
      { status: 'connecting', previous_status: 'disconnected' },
    ] as const;
    for (const [i, data] of changes.entries()) {
      await eventsOutboxRepo.add(api.runtime.db, makeEvent('connection.update', instance, data, 'timeline', i));
      await eventsOutboxRepo.add(api.runtime.db, makeEvent('message.sent', instance, sentData(), 'timeline', i));
    }
    const other = refs.other ?? { id: '', name: '' };
    await eventsOutboxRepo.add(
      api.runtime.db,
      makeEvent('connection.update', other, { status: 'connected', previous_status: 'connecting' }, 'other'),
    );

    const res = await history('timeline');
    expect(res.status).toBe(200);
    const got = res.body.data as Array<Record<string, unknown>>;
    expect(got.map(({ at: _at, ...change }) => change)).toEqual([...changes].reverse());
    for (const change of got) expect(Number.isNaN(Date.parse(String(change.at)))).toBe(false);

    expect((await history('timeline', '?limit=2')).body.data.map((c: { status: string }) => c.status)).toEqual([
      'connecting',
      'disconnected',
    ]);
  });

  test("another instance's key gets 403, a bad limit 400, no key 401", async () => {
    expect((await history('timeline', '', keys.other)).status).toBe(403);
    const bad = await history('timeline', '?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect((await history('timeline', '?limit=10&since=1')).status).toBe(400);
    expect((await history('timeline', '', null)).status).toBe(401);
  });
});

import { channels } from '@turbozap/shared/contracts/kv';
import { defaultSettings } from '@turbozap/shared/contracts/settings';
import { type ApiHarness, startApi } from '../testing/harness.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
}, 60_000);
afterAll(() => api.close());

const create = async (name: string, settings?: unknown) =>
  api.request('POST', '/instance/create', { body: settings === undefined ? { name } : { name, settings } });

describe('instance settings', () => {
  test('an instance starts with the documented defaults', async () => {
    await create('plain');
    const res = await api.request('GET', '/instance/plain/settings');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(defaultSettings);
  });

  test('create takes some settings; PUT merges, keeps the rest and nudges the owner', async () => {
    const created = await create('tuned', { reject_calls: true, sync_history: 'recent' });
    expect(created.status).toBe(201);
    expect(created.body.data.instance.settings).toMatchObject({ reject_calls: true, sync_history: 'recent' });
    const nudges: string[] = [];
    const stop = await api.runtime.coordination.subscribe(channels.control, (m) => void nudges.push(m));

    const put = await api.request('PUT', '/instance/tuned/settings', {
      body: { ignore_groups: true, reject_call_message: 'Busy, text me' },
    });
    expect(put.status).toBe(200);
    const expected = {
      ...defaultSettings,
      reject_calls: true,
      sync_history: 'recent',
      ignore_groups: true,
      reject_call_message: 'Busy, text me',
    };
    expect(put.body.data).toEqual(expected);
    expect((await api.request('GET', '/instance/tuned/settings')).body.data).toEqual(expected);
    const id = created.body.data.instance.id as string;
    expect(nudges.map((m) => JSON.parse(m))).toContainEqual({ type: 'settings', instanceId: id });

    // null clears the message; the instance's own key may change its settings.
    const key = created.body.data.api_key as string;
    const cleared = await api.request('PUT', '/instance/tuned/settings', { key, body: { reject_call_message: null } });
    expect(cleared.body.data.reject_call_message).toBeNull();
    expect(cleared.body.data.ignore_groups).toBe(true);
    await stop();
  });

  test.each([
    [{ reject_calls: true, auto_reply: true }, 'body.auto_reply'],
    [{ reject_calls: 'yes' }, 'body.reject_calls'],
    [{ sync_history: 'all' }, 'body.sync_history'],
    [{ reject_call_message: '' }, 'body.reject_call_message'],
  ])('a bad PUT body %j is a 400 naming %s, and changes nothing', async (body, field) => {
    await create('strict');
    const res = await api.request('PUT', '/instance/strict/settings', { body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect((await api.request('GET', '/instance/strict/settings')).body.data).toEqual(defaultSettings);
  });

  test('an unknown setting in create is a 400 naming it, and creates nothing', async () => {
    const res = await create('typo', { reject_call: true });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain('body.settings.reject_call');
    expect((await api.request('GET', '/instance/typo/settings')).status).toBe(404);
  });

  test("another instance's key is a 403 for both routes", async () => {
    const mine = await create('mine');
    await create('theirs');
    const key = mine.body.data.api_key as string;
    expect((await api.request('GET', '/instance/theirs/settings', { key })).status).toBe(403);
    const put = await api.request('PUT', '/instance/theirs/settings', { key, body: { always_online: true } });
    expect(put.status).toBe(403);
    expect((await api.request('GET', '/instance/theirs/settings')).body.data.always_online).toBe(false);
  });
});

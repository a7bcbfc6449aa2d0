import { type ApiHarness, startApi } from '../testing/harness.ts';

let api: ApiHarness;
let now = 1_000_000;
beforeAll(async () => {
  // The key cache reads this clock: the test moves it past the 10 s a replica trusts an answer.
  api = await startApi({ clock: { now: () => now } });
}, 60_000);
afterAll(() => api.close());

test('an admin makes an instance key (shown once), lists keys without them, revokes one: refused after 10 s', async () => {
  const created = await api.request('POST', '/instance/create', { body: { name: 'shop' } });
  const made = await api.request('POST', '/keys', { body: { instance: 'shop', label: 'crm' } });
  expect(made.status).toBe(201);
  const { id, key } = made.body.data;
  expect((await api.request('GET', '/instance/shop/status', { key })).status).toBe(200);

  const listed = (await api.request('GET', '/keys')).body.data as Array<Record<string, unknown>>;
  expect(listed).toContainEqual(
    expect.objectContaining({
      id,
      kind: 'instance',
      instance: { id: created.body.data.instance.id, name: 'shop' },
      label: 'crm',
      revoked_at: null,
    }),
  );
  expect(JSON.stringify(listed)).not.toContain(key);

  expect((await api.request('DELETE', `/keys/${id}`)).body.data).toEqual({ revoked: true });
  expect((await api.request('DELETE', `/keys/${id}`)).body.error.code).toBe('key_not_found');
  now += 10_001;
  expect((await api.request('GET', '/instance/shop/status', { key })).status).toBe(401);
  expect((await api.request('POST', '/keys', { body: { instance: 'nope' } })).body.error.code).toBe(
    'instance_not_found',
  );
});

test('an instance key cannot list, make or revoke keys', async () => {
  const created = await api.request('POST', '/instance/create', { body: { name: 'other' } });
  const key = created.body.data.api_key;
  for (const [method, path] of [
    ['GET', '/keys'],
    ['POST', '/keys'],
    ['DELETE', `/keys/${created.body.data.instance.id}`],
  ] as const) {
    const res = await api.request(method, path, { key, ...(method === 'POST' ? { body: { instance: 'other' } } : {}) });
    expect([method, res.status]).toEqual([method, 403]);
  }
});

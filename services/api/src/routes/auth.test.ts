import { type ApiHarness, startApi } from '../testing/harness.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
}, 60_000);
afterAll(() => api.close());

test('GET /auth/me says what a key is: an admin key, or the one instance an instance key reaches', async () => {
  const created = await api.request('POST', '/instance/create', { body: { name: 'mine' } });
  expect((await api.request('GET', '/auth/me')).body.data).toEqual({ kind: 'admin' });
  expect((await api.request('GET', '/api/auth/me', { key: created.body.data.api_key })).body.data).toEqual({
    kind: 'instance',
    instance: { id: created.body.data.instance.id, name: 'mine' },
  });
  for (const key of [null, 'nope', `tzk_${'A'.repeat(32)}`]) {
    const res = await api.request('GET', '/auth/me', { key });
    expect([key, res.status, res.body.error.code]).toEqual([key, 401, 'unauthorized']);
  }
});

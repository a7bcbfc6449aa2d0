import { type ApiHarness, startApi } from '../testing/harness.ts';

// Two apps over one database stand for two API replicas: each keeps its own instance cache.
let a: ApiHarness;
let b: ApiHarness;
beforeAll(async () => {
  a = await startApi();
  b = await startApi({ runtime: { db: a.runtime.db } });
}, 60_000);
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const send = (api: ApiHarness, name: string, key?: string) =>
  api.request('POST', `/message/${name}/text`, {
    ...(key ? { key } : {}),
    body: { to: '5511999990000', text: 'x' },
  });

const rowsOf = async (instanceId: string) =>
  (await a.runtime.db.selectFrom('messages').select('id').where('instance_id', '=', instanceId).execute()).length;

test('an instance deleted on one replica stops taking sends on another at once, though that one cached it', async () => {
  const created = (await a.request('POST', '/instance/create', { body: { name: 'gone' } })).body.data;
  expect((await send(b, 'gone')).status).toBe(202);
  expect((await send(b, 'gone', created.api_key)).status).toBe(202);

  expect((await a.request('DELETE', '/instance/gone')).status).toBe(200);
  const byAdmin = await send(b, 'gone');
  expect(byAdmin.status).toBe(404);
  expect(byAdmin.body.error.code).toBe('instance_not_found');
  // B still trusts the revoked key for a few seconds (its key cache); the instance is what refuses it.
  const byKey = await send(b, 'gone', created.api_key);
  expect([401, 403]).toContain(byKey.status);
  expect(await rowsOf(created.instance.id)).toBe(0);
});

test('recreated under the same name: sends reach the new instance, the old key reaches nothing', async () => {
  const old = (await a.request('POST', '/instance/create', { body: { name: 'again' } })).body.data;
  expect((await send(b, 'again', old.api_key)).status).toBe(202);
  expect((await send(b, 'again')).status).toBe(202);
  expect((await a.request('DELETE', '/instance/again')).status).toBe(200);
  const fresh = (await a.request('POST', '/instance/create', { body: { name: 'again' } })).body.data;
  expect(fresh.instance.id).not.toBe(old.instance.id);

  const byAdmin = await send(b, 'again');
  expect(byAdmin.status).toBe(202);
  const row = await a.runtime.db
    .selectFrom('messages')
    .select('instance_id')
    .where('id', '=', byAdmin.body.data.id)
    .executeTakeFirstOrThrow();
  expect(row.instance_id).toBe(fresh.instance.id);
  expect([401, 403]).toContain((await send(b, 'again', old.api_key)).status);
  expect((await send(b, 'again', fresh.api_key)).status).toBe(202);
  expect(await rowsOf(old.instance.id)).toBe(0);
  expect(await rowsOf(fresh.instance.id)).toBe(2);
});

test('the status a replica reports is read fresh, not from the send cache', async () => {
  await a.request('POST', '/instance/create', { body: { name: 'fresh' } });
  expect((await send(b, 'fresh')).status).toBe(202);
  // `qr_code`: a `connected` row is only reported so while a live worker owns it (instance-status.test.ts).
  await a.runtime.db.updateTable('instances').set({ status: 'qr_code' }).where('name', '=', 'fresh').execute();
  expect((await b.request('GET', '/instance/fresh/status')).body.data.status).toBe('qr_code');
});

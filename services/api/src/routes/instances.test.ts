import { type ApiHarness, startApi } from '../testing/harness.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
}, 60_000);
afterAll(() => api.close());

describe('instances', () => {
  test('create returns the instance and its key once; the name is unique', async () => {
    const created = await api.request('POST', '/instance/create', { body: { name: 'sales' } });
    expect(created.status).toBe(201);
    expect(created.body.success).toBe(true);
    expect(created.body.data.instance).toMatchObject({ name: 'sales', status: 'created' });
    expect(created.body.data.api_key).toMatch(/^tzk_/);
    const again = await api.request('POST', '/instance/create', { body: { name: 'sales' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('instance_exists');
  });

  test.each([
    [{ name: 'Bad Name' }],
    [{ name: '' }],
    [{ name: 'create' }],
    [{ name: 'x'.repeat(65) }],
    [{}],
    [{ name: 12 }],
  ])('an invalid create body %j is a 400 validation_failed with details', async (body) => {
    const res = await api.request('POST', '/api/instance/create', { body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, error: { code: 'validation_failed' } });
    expect(res.body.error.details.length).toBeGreaterThan(0);
  });

  test('status is served bare and under /api with the runbook path .data.status', async () => {
    await api.request('POST', '/instance/create', { body: { name: 'support' } });
    for (const prefix of ['', '/api']) {
      const res = await api.request('GET', `${prefix}/instance/support/status`);
      expect(res.status).toBe(200);
      expect(res.body.data.status).toBe('created');
    }
  });

  test('connect sets the desired state and ?phone= records a pairing request', async () => {
    await api.request('POST', '/instance/create', { body: { name: 'pairing' } });
    const res = await api.request('POST', '/instance/pairing/connect?phone=5511999990000');
    expect(res.status).toBe(200);
    expect(res.body.data.desired_state).toBe('connected');
    const row = await api.runtime.db
      .selectFrom('instances')
      .selectAll()
      .where('name', '=', 'pairing')
      .executeTakeFirstOrThrow();
    expect(row.desired_state).toBe('connected');
    expect(await api.runtime.coordination.getValue(`pairing-request:${row.id}`)).toBe('5511999990000');
    const bad = await api.request('POST', '/instance/pairing/connect?phone=abc');
    expect(bad.status).toBe(400);
  });

  test('qrcode gives the raw string, a PNG data URL and null once connected', async () => {
    await api.request('POST', '/instance/create', { body: { name: 'qr' } });
    const row = await api.runtime.db
      .selectFrom('instances')
      .selectAll()
      .where('name', '=', 'qr')
      .executeTakeFirstOrThrow();
    const none = await api.request('GET', '/instance/qr/qrcode');
    expect(none.body.data.qrcode).toBeNull();
    await api.runtime.coordination.setValue(`qr:${row.id}`, '2@abc,def,ghi,jkl', 60_000);
    const qr = await api.request('GET', '/instance/qr/qrcode');
    expect(qr.body.data.qrcode).toBe('2@abc,def,ghi,jkl');
    expect(qr.body.data.code).toBe('2@abc,def,ghi,jkl');
    expect(qr.body.data.base64).toMatch(/^data:image\/png;base64,/);
    await api.runtime.db.updateTable('instances').set({ status: 'connected' }).where('id', '=', row.id).execute();
    expect((await api.request('GET', '/instance/qr/qrcode')).body.data.qrcode).toBeNull();
  });

  test('unknown instance is a 404 instance_not_found; delete removes it and revokes its key', async () => {
    expect((await api.request('GET', '/instance/nope/status')).body.error.code).toBe('instance_not_found');
    const created = await api.request('POST', '/instance/create', { body: { name: 'gone' } });
    const key = created.body.data.api_key as string;
    expect((await api.request('GET', '/instance/gone', { key })).status).toBe(200);
    expect((await api.request('DELETE', '/instance/gone')).status).toBe(200);
    expect((await api.request('GET', '/instance/gone')).status).toBe(404);
    api.runtime; // the key cache is bypassed by a fresh resolver only after its TTL; the row is gone anyway
    expect((await api.request('GET', '/instance/list')).body.data.map((i: { name: string }) => i.name)).not.toContain(
      'gone',
    );
  });
});

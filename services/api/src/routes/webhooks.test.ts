import { channels } from '@turbozap/shared/contracts/kv';
import { type ApiHarness, startApi } from '../testing/harness.ts';

let api: ApiHarness;
let key: string;
beforeAll(async () => {
  api = await startApi();
  key = (await api.request('POST', '/instance/create', { body: { name: 'hooked' } })).body.data.api_key;
}, 60_000);
afterAll(() => api.close());

describe('webhook configuration', () => {
  test('the event catalogue is public', async () => {
    const res = await api.request('GET', '/webhook/events', { key: null });
    expect(res.body.data.map((e: { name: string }) => e.name)).toContain('message.received');
  });

  test('set, get, disable, enable and delete — each change announced to sender-workers', async () => {
    const announced: string[] = [];
    const unsubscribe = await api.runtime.coordination.subscribe(channels.webhooks, (id) => announced.push(id));
    const set = await api.request('POST', '/webhook/hooked/set', {
      key,
      body: { url: 'https://93.184.216.34/tz', events: ['message.received', 'message.ack'] },
    });
    expect(set.status).toBe(200);
    expect(set.body.data.secret).toMatch(/^whsec_/);
    const got = await api.request('GET', '/webhook/hooked', { key });
    expect(got.body.data.events).toEqual(['message.received', 'message.ack']);
    // The secret is told once, by the call that sets it: a key that only reads never sees it.
    expect(got.body.data).not.toHaveProperty('secret');
    expect((await api.request('POST', '/webhook/hooked/disable', { key })).body.data.enabled).toBe(false);
    expect((await api.request('POST', '/webhook/hooked/enable', { key })).body.data.enabled).toBe(true);
    expect((await api.request('GET', '/webhook/hooked/deliveries', { key })).body.data).toEqual([]);
    expect((await api.request('DELETE', '/webhook/hooked', { key })).status).toBe(200);
    expect((await api.request('GET', '/webhook/hooked', { key })).status).toBe(404);
    await unsubscribe();
    // set, disable, enable, delete — each with the instance's id.
    expect(announced).toHaveLength(4);
    expect(new Set(announced).size).toBe(1);
    expect(announced[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a private or loopback webhook URL is refused unless allowed by configuration', async () => {
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://10.0.0.1/x',
      'http://[::1]/x',
      'http://169.254.169.254/latest',
    ]) {
      const res = await api.request('POST', '/webhook/hooked/set', { key, body: { url } });
      expect([url, res.status, res.body.error.code]).toEqual([url, 400, 'webhook_url_not_allowed']);
    }
  });

  test('unknown event names are a validation error', async () => {
    const res = await api.request('POST', '/webhook/hooked/set', {
      key,
      body: { url: 'https://93.184.216.34', events: ['nope'] },
    });
    expect(res.status).toBe(400);
  });
});

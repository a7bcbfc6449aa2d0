import { eventRoutingKey, makeEvent } from '@turbozap/shared/contracts/events';
import { exchanges } from '@turbozap/shared/contracts/queues';
import { type ApiHarness, startApi } from '../testing/harness.ts';

let api: ApiHarness;
let key: string;
let instance: { id: string; name: string };
beforeAll(async () => {
  api = await startApi();
  const created = await api.request('POST', '/instance/create', { body: { name: 'live' } });
  key = created.body.data.api_key;
  instance = { id: created.body.data.instance.id, name: 'live' };
}, 60_000);
afterAll(() => api.close());

async function readEvents(res: Response, count: number): Promise<string[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const events: string[] = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
    const blocks = text.split('\n\n');
    text = blocks.pop() ?? '';
    for (const b of blocks) if (b.includes('event: ')) events.push(b);
  }
  await reader.cancel();
  return events;
}

describe('live events (SSE)', () => {
  test("an instance's events stream to its subscriber, with id and event type", async () => {
    const res = await fetch(`${api.url}/instance/live/events`, { headers: { 'X-API-Key': key } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const event = makeEvent('connection.update', instance, { status: 'connected' }, 'x1');
    setTimeout(() => {
      void api.runtime.broker.publish(exchanges.events, eventRoutingKey(event), Buffer.from(JSON.stringify(event)));
    }, 200);
    const [block] = await readEvents(res, 1);
    expect(block).toContain(`id: ${event.id}`);
    expect(block).toContain('event: connection.update');
    expect(block).toContain('"status":"connected"');
  });

  test('a stream token from the token route works where headers cannot be sent; a bad one is 401', async () => {
    const token = (await api.request('POST', '/instance/live/events/token', { key })).body.data.token;
    const ok = await fetch(`${api.url}/instance/live/events?token=${token}`);
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
    const bad = await fetch(`${api.url}/instance/live/events?token=${'x'.repeat(32)}`);
    expect(bad.status).toBe(401);
    expect((await api.request('GET', '/instance/live/events', { key: null })).status).toBe(401);
  });
});

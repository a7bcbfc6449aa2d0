import { queues } from '@turbozap/shared/contracts/queues';
import { acceptedBodies } from '@turbozap/shared/testing/message-bodies';
import { type ApiHarness, startApi } from '../testing/harness.ts';

let api: ApiHarness;
let key: string;
beforeAll(async () => {
  // The whole message contract runs on the embedded database (PGlite) too.
  api = await startApi({ db: 'pglite' });
  key = (await api.request('POST', '/instance/create', { body: { name: 'shop' } })).body.data.api_key;
}, 60_000);
afterAll(() => api.close());

// A forward needs a stored message to refer to: its own test below.
const { forward: _forward, ...valid } = acceptedBodies('ABC');

describe('messages', () => {
  test.each(Object.entries(valid))('%s: 202 once committed, with a queued row and a publish', async (type, body) => {
    const res = await api.request('POST', `/message/shop/${type}`, { key, body });
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ status: 'queued' });
    const row = await api.runtime.db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', res.body.data.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ type, status: 'queued', direction: 'outbound' });
  });

  test('accepted messages reach the send queue', async () => {
    const before = await api.runtime.broker.depth(queues.send);
    await api.request('POST', '/message/shop/text', { key, body: { to: '5511999990000', text: 'queued?' } });
    await new Promise((r) => setTimeout(r, 50));
    expect(await api.runtime.broker.depth(queues.send)).toBe(before + 1);
  });

  test.each([
    ['text', { to: '5511999990000' }],
    ['text', { to: 'nope', text: 'x' }],
    ['text', { to: '5511999990000', text: '' }],
    ['media', { to: '5511999990000' }],
    ['media', { to: '5511999990000', media_url: 'https://e.com/a', base64: 'AA' }],
    ['media', { to: '5511999990000', media_url: 'ftp://e.com/a' }],
    ['location', { to: '5511999990000', latitude: 91, longitude: 0 }],
    ['poll', { to: '5511999990000', name: 'q', options: ['only one'] }],
  ])('%s with %j is a 400 validation_failed and stores nothing', async (type, body) => {
    const count = async () => (await api.runtime.db.selectFrom('messages').select('id').execute()).length;
    const before = await count();
    const res = await api.request('POST', `/message/shop/${type}`, { key, body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(await count()).toBe(before);
  });

  test('what the workers cannot do is refused at once, not accepted and failed later', async () => {
    const count = async () => (await api.runtime.db.selectFrom('messages').select('id').execute()).length;
    const before = await count();
    // Posting to WhatsApp status is not built: no route, so no client is ever told 202.
    const story = await api.request('POST', '/message/shop/story', { key, body: { type: 'text', text: 'hi' } });
    expect(story.status).toBe(404);
    const forMe = await api.request('POST', '/message/shop/delete', {
      key,
      body: { to: '5511999990000', message_id: 'ABC', for_everyone: false },
    });
    expect([forMe.status, forMe.body.error.code]).toEqual([400, 'validation_failed']);
    expect(forMe.body.error.details).toEqual([
      { field: 'body.for_everyone', message: expect.stringMatching(/not supported/) },
    ]);
    expect(await count()).toBe(before);
    const forEveryone = await api.request('POST', '/message/shop/delete', {
      key,
      body: { to: '5511999990000', message_id: 'ABC', for_everyone: true },
    });
    expect(forEveryone.status).toBe(202);
  });

  test('a forward of a stored text is accepted; of an unknown id, a 404 that stores nothing', async () => {
    const to = '5511999990000';
    const text = await api.request('POST', '/message/shop/text', { key, body: { to, text: 'again' } });
    const forward = await api.request('POST', '/message/shop/forward', { key, body: { to, id: text.body.data.id } });
    expect(forward.status).toBe(202);
    const row = await api.runtime.db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', forward.body.data.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ type: 'forward', content: { id: text.body.data.id } });
    const count = async () => (await api.runtime.db.selectFrom('messages').select('id').execute()).length;
    const before = await count();
    const unknown = await api.request('POST', '/message/shop/forward', {
      key,
      body: { to, id: '00000000-0000-4000-8000-000000000000' },
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'message_not_found']);
    expect(await count()).toBe(before);
  });

  test('unknown fields are refused, each named with the field it probably meant', async () => {
    const count = async () => (await api.runtime.db.selectFrom('messages').select('id').execute()).length;
    const before = await count();
    const res = await api.request('POST', '/message/shop/text', {
      key,
      body: { to: '5511999990000', text: 'hi', quoted_id: 'ABC', delayMs: 5, colour: 'red' },
    });
    expect([res.status, res.body.error.code]).toEqual([400, 'validation_failed']);
    expect(res.body.error.details).toEqual([
      { field: 'body.quoted_id', message: 'unknown field; did you mean "quoted"?' },
      { field: 'body.delayMs', message: 'unknown field; did you mean "delay_ms"?' },
      { field: 'body.colour', message: expect.stringMatching(/^unknown field; known fields: to, quoted, /) },
    ]);
    const nested = await api.request('POST', '/message/shop/list', {
      key,
      body: {
        to: '5511999990000',
        text: 't',
        button_text: 'open',
        sections: [{ title: 's', rows: [{ id: 'r', title: 'row', descripton: 'd' }] }],
      },
    });
    expect(nested.body.error.details).toEqual([
      { field: 'body.sections.0.rows.0.descripton', message: 'unknown field; did you mean "description"?' },
    ]);
    // Keys every object inherits are no fields either.
    const inherited = await api.request('POST', '/message/shop/text', {
      key,
      body: '{"to":"5511999990000","text":"x","constructor":1,"__proto__":{"text":2}}',
    });
    expect(inherited.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'body.constructor',
      'body.__proto__',
    ]);
    const query = await api.request('GET', '/message/shop?limt=5', { key });
    expect([query.status, query.body.error.details]).toEqual([
      400,
      [{ field: 'query.limt', message: 'unknown field; did you mean "limit"?' }],
    ]);
    expect(await count()).toBe(before);
  });

  test('strings PostgreSQL cannot store (NUL, lone surrogates) are a 400, not a 500', async () => {
    for (const text of ['a\u0000b', '\ud800x']) {
      const res = await api.request('POST', '/message/shop/text', { key, body: { to: '5511999990000', text } });
      expect([text, res.status, res.body.error.code]).toEqual([text, 400, 'invalid_json']);
    }
    expect((await api.request('GET', '/message/shop?remote=%00', { key })).status).toBe(400);
    expect((await api.request('GET', '/instance/%00/events', { key })).status).toBe(404);
    expect((await api.request('GET', '/instance/%00/events')).status).toBe(404);
    expect((await api.request('DELETE', '/instance/%00')).status).toBe(404);
  });

  test('a non-JSON body is a 415 and a malformed one a 400', async () => {
    const wrongType = await api.request('POST', '/message/shop/text', {
      key,
      body: 'to=1',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error.code).toBe('unsupported_media_type');
    const malformed = await api.request('POST', '/message/shop/text', {
      key,
      body: '{"to":',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_json');
  });

  test('Idempotency-Key returns the first message for a repeated POST', async () => {
    const send = () =>
      api.request('POST', '/message/shop/text', {
        key,
        body: { to: '5511999990000', text: 'once' },
        headers: { 'Idempotency-Key': 'order-42' },
      });
    const first = await send();
    const second = await send();
    expect(second.status).toBe(202);
    expect(second.body.data.id).toBe(first.body.data.id);
    expect(second.body.data.created).toBe(false);
  });

  test('status history, listing, and cancelling what is pending', async () => {
    const sent = await api.request('POST', '/message/shop/text', { key, body: { to: '5511999990001', text: 'later' } });
    const one = await api.request('GET', `/message/shop/${sent.body.data.id}`, { key });
    expect(one.body.data.history[0].status).toBe('queued');
    const list = await api.request('GET', '/message/shop?remote=5511999990001&limit=5', { key });
    expect(list.body.data.map((m: { id: string }) => m.id)).toContain(sent.body.data.id);
    const cancelled = await api.request('DELETE', '/message/shop/pending', { key });
    expect(cancelled.body.data.ids).toContain(sent.body.data.id);
    expect((await api.request('GET', `/message/shop/${sent.body.data.id}`, { key })).body.data.status).toBe(
      'cancelled',
    );
    expect((await api.request('GET', '/message/shop/00000000-0000-4000-8000-000000000000', { key })).status).toBe(404);
    expect((await api.request('GET', '/message/shop/not-a-uuid', { key })).status).toBe(404);
  });
});

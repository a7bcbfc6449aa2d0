import { createTurboZap, TurboZapError, type TurboZapEvent, unwrap } from '@turbozap/client';
import { makeEvent } from '@turbozap/shared/contracts/events';
import { sentData } from '@turbozap/shared/testing/event-data';
import { type ApiHarness, startApi } from '../testing/harness.ts';

/** @turbozap/client against the real app: its types are the document's, its errors the API's codes. */
let api: ApiHarness;
let key: string;
let instance: { id: string; name: string };
beforeAll(async () => {
  api = await startApi();
  const admin = createTurboZap({ baseUrl: api.url, apiKey: api.adminKey });
  const created = await unwrap(admin.api.POST('/api/instance/create', { body: { name: 'typed' } }));
  key = created.api_key;
  instance = { id: created.instance.id, name: 'typed' };
}, 60_000);
afterAll(() => api.close());

const path = { params: { path: { name: 'typed' } } };

test('a success is the envelope’s data; a refusal is a TurboZapError with the API’s code', async () => {
  const tz = createTurboZap({ baseUrl: `${api.url}/`, apiKey: key });
  const status = await unwrap(tz.api.GET('/api/instance/{name}/status', path));
  expect([status.name, status.status, status.owner]).toEqual(['typed', 'created', null]);
  const sent = await unwrap(
    tz.api.POST('/api/message/{name}/text', { ...path, body: { to: '5511999990000', text: 'hi' } }),
  );
  expect([sent.status, sent.created]).toEqual(['queued', true]);

  const forbidden = await unwrap(tz.api.GET('/api/instance/list')).catch((e: unknown) => e);
  expect(forbidden).toBeInstanceOf(TurboZapError);
  expect([(forbidden as TurboZapError).status, (forbidden as TurboZapError).code]).toEqual([403, 'forbidden']);
  // A field the API does not know is refused by name, and the client says which.
  const body = { to: '5511999990000', text: 'hi', quoted_id: 'x' } as unknown as { to: string; text: string };
  const invalid = (await unwrap(tz.api.POST('/api/message/{name}/text', { ...path, body })).catch(
    (e) => e,
  )) as TurboZapError;
  expect([invalid.code, invalid.details]).toEqual([
    'validation_failed',
    [expect.objectContaining({ field: 'body.quoted_id' })],
  ]);
});

test('streamEvents resumes after a dropped connection with Last-Event-ID: every event once, in order', async () => {
  const events = Array.from({ length: 16 }, (_, i) => makeEvent('message.sent', instance, sentData(), 'client', i));
  const connections: Array<string | null> = [];
  // The first connection drops (as a network would) right after its first event.
  const fetch: typeof globalThis.fetch = async (input, init) => {
    connections.push(new Headers(init?.headers).get('last-event-id'));
    const response = await globalThis.fetch(input, init);
    return connections.length === 1 && response.body
      ? new Response(cutAfterFirstEvent(response.body), response)
      : response;
  };
  const tz = createTurboZap({ baseUrl: api.url, apiKey: key, fetch });
  const done = new AbortController();
  const seen: Array<[string, string | undefined]> = [];
  await api.runtime.db
    .insertInto('events_outbox')
    .values(events.map((e) => ({ id: e.id, instance_id: instance.id, event: e.event, envelope: JSON.stringify(e) })))
    .execute();
  // From the start of the outbox: the first connection replays, is cut after one event, and the
  // client must come back for exactly the other 15.
  const streaming = tz.streamEvents('typed', {
    lastEventId: '0',
    signal: done.signal,
    retryMs: 50,
    onEvent(event: TurboZapEvent, id) {
      seen.push([event.id, id]);
      if (seen.length === events.length) done.abort();
    },
  });
  await Promise.race([streaming, new Promise((resolve) => setTimeout(resolve, 20_000))]).finally(() => done.abort());
  expect(seen.map(([id]) => id)).toEqual(events.map((e) => e.id));
  expect(connections).toEqual(['0', seen[0]?.[1]]);
});

/** The stream up to the end of its first event, then a network error. */
function cutAfterFirstEvent(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let passed = 0;
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await reader.read();
      if (done) return controller.close();
      text += decoder.decode(value, { stream: true });
      const first = text.indexOf('\nid: ');
      const end = first === -1 ? -1 : text.indexOf('\n\n', first);
      const upTo = end === -1 ? text.length : end + 2;
      controller.enqueue(new TextEncoder().encode(text.slice(passed, upTo)));
      passed = upTo;
      if (end === -1) return;
      await reader.cancel();
      controller.error(new TypeError('network error'));
    },
  });
}

test('eventSourceUrl carries a single-use token, never the key', async () => {
  const tz = createTurboZap({ baseUrl: api.url, apiKey: key });
  const url = await tz.eventSourceUrl('typed');
  expect(url).not.toContain(key);
  const first = await fetch(url);
  expect(first.status).toBe(200);
  await first.body?.cancel();
  expect((await fetch(url)).status).toBe(401);
});

test('a stream this key may not read rejects at once instead of retrying forever', async () => {
  const tz = createTurboZap({ baseUrl: api.url, apiKey: 'tzk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
  await expect(tz.streamEvents('typed', { onEvent() {} })).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
});

test('an onEvent that throws ends the stream with its error, without reading the event again', async () => {
  const event = makeEvent('message.sent', instance, sentData(), 'client-throws', 0);
  await api.runtime.db
    .insertInto('events_outbox')
    .values({ id: event.id, instance_id: instance.id, event: event.event, envelope: JSON.stringify(event) })
    .execute();
  const tz = createTurboZap({ baseUrl: api.url, apiKey: key });
  let calls = 0;
  const streaming = tz.streamEvents('typed', {
    lastEventId: '0',
    retryMs: 10,
    onEvent() {
      calls++;
      throw new Error('the handler broke');
    },
  });
  await expect(streaming).rejects.toThrow('the handler broke');
  expect(calls).toBe(1);
});

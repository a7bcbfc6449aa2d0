import { type EventEnvelope, eventRoutingKey, makeEvent } from '@turbozap/shared/contracts/events';
import { exchanges } from '@turbozap/shared/contracts/queues';
import { connectedData, sentData } from '@turbozap/shared/testing/event-data';
import { type ApiHarness, startApi } from '../testing/harness.ts';
import { openSse, type SseClient } from '../testing/sse-client.ts';

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

const stream = (headers: Record<string, string> = {}) =>
  openSse(`${api.url}/instance/live/events`, { 'X-API-Key': key, ...headers });

/** Events written as a send pass writes them: many in ONE statement, so they share a created_at. */
async function writeInOneStatement(envelopes: EventEnvelope[]): Promise<void> {
  await api.runtime.db
    .insertInto('events_outbox')
    .values(
      envelopes.map((e) => ({
        id: e.id,
        instance_id: e.instance.id,
        event: e.event,
        envelope: JSON.stringify(e),
        published_at: null,
      })),
    )
    .execute();
}

const publish = (e: EventEnvelope) =>
  api.runtime.broker.publish(exchanges.events, eventRoutingKey(e), Buffer.from(JSON.stringify(e)));

async function seqOf(id: string): Promise<string> {
  const row = await api.runtime.db
    .selectFrom('events_outbox')
    .select('seq')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return String(row.seq);
}

/** Reads until nothing more comes for a while: what a test expects, and nothing after it. */
async function drain(client: SseClient, quietMs = 500): Promise<string[]> {
  const ids: string[] = [];
  for (let m = await client.next(); m; m = await client.next(quietMs)) ids.push(JSON.parse(m.data).id);
  return ids;
}

const burst = (tag: string) =>
  Array.from({ length: 16 }, (_, i) => makeEvent('message.sent', instance, sentData(), tag, i));

describe('live events (SSE)', () => {
  test("an instance's events stream to its subscriber, with their outbox cursor as id", async () => {
    const client = await stream();
    expect(client.status).toBe(200);
    const event = makeEvent('connection.update', instance, connectedData, 'x1');
    await writeInOneStatement([event]);
    setTimeout(() => void publish(event), 200);
    const message = await client.next();
    await client.close();
    expect(message?.id).toBe(await seqOf(event.id));
    expect(message?.event).toBe('connection.update');
    expect(JSON.parse(message?.data ?? '{}').data).toEqual(connectedData);
  });

  test('16 events written in one statement: a client that got the first live resumes with the other 15, once each', async () => {
    const events = burst('burst-a');
    const first = await stream();
    await writeInOneStatement(events);
    setTimeout(() => void publish(events[0] as EventEnvelope), 100);
    const got = await first.next();
    await first.close();
    expect(got?.id).toBeDefined();

    const resumed = await stream({ 'Last-Event-ID': got?.id ?? '' });
    expect(await drain(resumed)).toEqual(events.slice(1).map((e) => e.id));
    await resumed.close();
  });

  test('a client holding an event id sent before the cursor existed resumes after that event', async () => {
    const events = burst('burst-b');
    await writeInOneStatement(events);
    const resumed = await stream({ 'Last-Event-ID': events[0]?.id ?? '' });
    expect(await drain(resumed)).toEqual(events.slice(1).map((e) => e.id));
    await resumed.close();
  });

  test('?last_event_id= resumes like the header (a new EventSource cannot set it)', async () => {
    const events = burst('burst-c');
    await writeInOneStatement(events);
    const cursor = await seqOf(events[13]?.id ?? '');
    const resumed = await openSse(`${api.url}/instance/live/events?last_event_id=${cursor}`, { 'X-API-Key': key });
    expect(await drain(resumed)).toEqual(events.slice(14).map((e) => e.id));
    await resumed.close();
  });

  test('a Last-Event-ID this API never sends is 400 invalid_last_event_id', async () => {
    for (const bad of ['abc', '-1', '1.5', 'f'.repeat(31), '9'.repeat(16)]) {
      const res = await stream({ 'Last-Event-ID': bad });
      await res.close();
      expect([bad, res.status, res.errorCode]).toEqual([bad, 400, 'invalid_last_event_id']);
    }
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

describe("every instance's status changes (GET /events/statuses)", () => {
  test('connection.update of any instance arrives live, without an id; other events do not; admin keys only', async () => {
    const other = await api.request('POST', '/instance/create', { body: { name: 'other-live' } });
    const otherRef = { id: other.body.data.instance.id, name: 'other-live' };
    const client = await openSse(`${api.url}/events/statuses`, { 'X-API-Key': api.adminKey });
    expect(client.status).toBe(200);
    await publish(makeEvent('message.sent', instance, sentData(), 'statuses', 0));
    await publish(makeEvent('connection.update', otherRef, connectedData, 'statuses', 1));
    const message = await client.next();
    await client.close();
    expect([message?.event, message?.id, JSON.parse(message?.data ?? '{}').instance]).toEqual([
      'connection.update',
      undefined,
      otherRef,
    ]);

    const refused = await openSse(`${api.url}/events/statuses`, { 'X-API-Key': key });
    await refused.close();
    expect([refused.status, refused.errorCode]).toEqual([403, 'forbidden']);
  });
});

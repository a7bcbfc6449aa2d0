import { makeEvent } from '@turbozap/shared/contracts/events';
import { exchanges, parseJob, queues } from '@turbozap/shared/contracts/queues';
import { eventsOutboxRepo } from '@turbozap/shared/db/repositories/events-outbox';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { EventsRelay } from '@turbozap/shared/events/events-relay';
import { insertTestOutbound } from '@turbozap/shared/testing/database';
import { receivedData } from '@turbozap/shared/testing/event-data';
import { describeWith } from '@turbozap/shared/testing/services';
import { createHarness, eventually, type Harness } from '../testing/harness.ts';
import { MessageRelay } from './message-relay.ts';

const describePg = await describeWith('postgres');

describePg('relays', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness();
  }, 60_000);
  afterAll(() => h.close());

  const messageRelay = () =>
    new MessageRelay({
      db: h.runtime.db,
      broker: h.broker,
      logger: h.runtime.logger,
      intervalMs: 20,
      graceMs: 5_000,
      batchSize: 10,
    });
  const eventsRelay = () =>
    new EventsRelay({
      db: h.runtime.db,
      broker: h.broker,
      logger: h.runtime.logger,
      metrics: h.runtime.metrics,
      intervalMs: 20,
      batchSize: 7,
    });

  async function collect(
    queue: string,
    expected: number,
  ): Promise<Array<{ body: Buffer; routingKey: string; id?: string }>> {
    const got: Array<{ body: Buffer; routingKey: string; id?: string }> = [];
    const sub = await h.broker.consume(
      queue,
      async (d) => {
        got.push({ body: d.body, routingKey: d.routingKey, ...(d.messageId ? { id: d.messageId } : {}) });
        return { kind: 'ack' };
      },
      { prefetch: 50 },
    );
    await eventually(async () => got.length >= expected, 5_000, `${expected} messages in ${queue}`);
    await new Promise((resolve) => setTimeout(resolve, 50)); // nothing more trickles in
    await sub.cancel();
    return got;
  }

  test('a committed row the API never published is published once, then marked', async () => {
    const instance = await h.newInstance();
    const { row } = await insertTestOutbound(h.runtime.db, {
      instanceId: instance.id,
      remoteJid: '1@s.whatsapp.net',
      type: 'text',
      content: { text: 'x' },
    });
    const { row: young } = await insertTestOutbound(h.runtime.db, {
      instanceId: instance.id,
      remoteJid: '1@s.whatsapp.net',
      type: 'text',
      content: { text: 'y' },
    });
    await h.age(row.id, { createdAgoMs: 60_000 });
    const relay = messageRelay();
    await relay.start();
    try {
      await eventually(async () => (await messagesRepo.get(h.runtime.db, row.id))?.published_at, 5_000, 'published');
    } finally {
      await relay.stop();
    }
    expect(await messageRelay().relayOnce()).toBe(0);
    const jobs = await collect(queues.send, 1);
    expect(jobs.map((j) => parseJob('message.send', j.body).payload)).toEqual([
      { messageId: row.id, instanceId: instance.id },
    ]);
    // Inside the grace period the API's own publish is still expected.
    expect((await messagesRepo.get(h.runtime.db, young.id))?.published_at).toBeNull();
  });

  test('outbox events are published once each even with two relays side by side', async () => {
    const instance = await h.newInstance();
    await h.broker.assertTopicExchange(exchanges.events);
    await h.broker.assertQueue('test.events.all');
    await h.broker.bindQueue('test.events.all', exchanges.events, '#');
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const event = makeEvent('message.received', instance, receivedData({ text: `${i}` }), `wa-${i}`);
      ids.push(event.id);
      await eventsOutboxRepo.add(h.runtime.db, event);
    }
    const relays = [eventsRelay(), eventsRelay()];
    await Promise.all(relays.map((r) => r.start()));
    try {
      const got = await collect('test.events.all', 40);
      expect(got).toHaveLength(40);
      expect(new Set(got.map((g) => g.id))).toEqual(new Set(ids));
      expect(new Set(got.map((g) => g.routingKey))).toEqual(new Set([`message.received.${instance.id}`]));
      const first = JSON.parse(got[0]?.body.toString() ?? '{}');
      expect(Object.keys(first)).toEqual(['id', 'event', 'version', 'instance', 'timestamp', 'data']);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
    const left = await h.runtime.db
      .selectFrom('events_outbox')
      .select('id')
      .where('published_at', 'is', null)
      .execute();
    expect(left).toEqual([]);
    expect(await h.metric('turbozap_events_published_total', { event: 'message.received' })).toBe(40);
  });
});

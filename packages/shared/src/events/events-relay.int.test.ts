import { randomUUID } from 'node:crypto';
import { MemoryBroker } from '../broker/memory-broker.ts';
import { MemoryBrokerServer } from '../broker/memory-server.ts';
import { makeEvent } from '../contracts/events.ts';
import { exchanges } from '../contracts/queues.ts';
import { eventsOutboxRepo } from '../db/repositories/events-outbox.ts';
import { silentLogger } from '../logging/logger.ts';
import { createMetrics } from '../metrics/catalog.ts';
import { prom } from '../metrics/registry.ts';
import { createTestDatabase } from '../testing/database.ts';
import { connectedData, receivedData, sentData } from '../testing/event-data.ts';
import { describeWith } from '../testing/services.ts';
import { waitFor } from '../testing/wait.ts';
import { EventPublisher } from './event-publisher.ts';
import { EventsRelay } from './events-relay.ts';

const describePg = await describeWith('postgres');

describePg('event relay (events_outbox → turbozap.events)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const server = new MemoryBrokerServer();
  const tap = new MemoryBroker({ server });
  const received: Array<{ routingKey: string; id: string }> = [];
  const instance = { id: randomUUID(), name: 'relay' };

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await tap.assertTopicExchange(exchanges.events);
    await tap.assertQueue('tap', {});
    await tap.bindQueue('tap', exchanges.events, `#.${instance.id}`);
    await tap.consume(
      'tap',
      async (d) => {
        received.push({ routingKey: d.routingKey, id: JSON.parse(d.body.toString()).id });
        return { kind: 'ack' };
      },
      { prefetch: 50 },
    );
  }, 60_000);
  afterAll(async () => {
    await tap.close();
    await database.close();
  });

  const relay = (broker = new MemoryBroker({ server }), graceMs = 0) =>
    new EventsRelay({
      db: database.db,
      broker,
      logger: silentLogger(),
      metrics: createMetrics(new prom.Registry()),
      intervalMs: 50,
      batchSize: 10,
      graceMs,
    });
  const unpublished = () =>
    database.db.selectFrom('events_outbox').select('id').where('published_at', 'is', null).execute();

  test('publishes each committed event once with routing key <event>.<instanceId>, even with two relays side by side', async () => {
    const envelopes = Array.from({ length: 35 }, (_, i) =>
      makeEvent('message.received', instance, receivedData({ text: `${i}` }), 'relay', i),
    );
    for (const e of envelopes) await eventsOutboxRepo.add(database.db, e);
    const r1 = relay();
    const r2 = relay();
    await Promise.all([r1.start(), r2.start()]);
    await waitFor('all events', async () => received.length >= 35, 10_000, 25);
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all([r1.stop(), r2.stop()]);
    expect(received.length).toBe(35);
    expect(new Set(received.map((r) => r.id)).size).toBe(35);
    expect(received[0]?.routingKey).toBe(`message.received.${instance.id}`);
    const left = await database.db.selectFrom('events_outbox').select('id').where('published_at', 'is', null).execute();
    expect(left).toEqual([]);
  });

  test('a broker failure leaves the batch unpublished; it goes out once the broker is back', async () => {
    received.length = 0;
    const broker = new MemoryBroker({ server });
    const publish = broker.publish.bind(broker);
    let down = true;
    broker.publish = async (...args) => {
      if (down) throw new Error('broker down');
      return publish(...args);
    };
    const r = relay(broker);
    await r.start();
    await eventsOutboxRepo.add(database.db, makeEvent('connection.update', instance, connectedData, 'x'));
    r.poke();
    await new Promise((res) => setTimeout(res, 200));
    expect(received).toEqual([]);
    expect(
      await database.db.selectFrom('events_outbox').select('id').where('published_at', 'is', null).execute(),
    ).toHaveLength(1);
    down = false;
    await waitFor('published after recovery', async () => received.length === 1, 5_000, 25);
    await r.stop();
  });

  test('a writer publishes its committed events at once and marks them; the relay leaves fresh rows to it', async () => {
    received.length = 0;
    const r = relay(undefined, 60_000);
    await r.start();
    const publisher = new EventPublisher({
      db: database.db,
      broker: new MemoryBroker({ server }),
      logger: silentLogger(),
      metrics: createMetrics(new prom.Registry()),
      markDelayMs: 20,
    });
    const envelopes = Array.from({ length: 5 }, (_, i) => makeEvent('message.sent', instance, sentData(), 'direct', i));
    for (const e of envelopes) await eventsOutboxRepo.add(database.db, e);
    publisher.publish(envelopes);
    await waitFor('published directly', async () => received.length === 5, 5_000, 25);
    await waitFor('marked', async () => (await unpublished()).length === 0, 5_000, 25);
    await publisher.close();
    await new Promise((res) => setTimeout(res, 150)); // three relay passes
    await r.stop();
    expect(received).toHaveLength(5);
    expect(new Set(received.map((e) => e.id))).toEqual(new Set(envelopes.map((e) => e.id)));
  });

  test('what a writer could not publish is taken over by the relay once it is older than the grace period', async () => {
    received.length = 0;
    const broken = new MemoryBroker({ server });
    broken.publish = async () => {
      throw new Error('broker down');
    };
    const publisher = new EventPublisher({
      db: database.db,
      broker: broken,
      logger: silentLogger(),
      metrics: createMetrics(new prom.Registry()),
    });
    const stranded = makeEvent('message.sent', instance, sentData(), 'stranded');
    await eventsOutboxRepo.add(database.db, stranded);
    publisher.publish([stranded]);
    await publisher.close();
    expect(received).toEqual([]);
    const r = relay(undefined, 300);
    await r.start();
    await waitFor('relayed after the grace', async () => received.length === 1, 5_000, 25);
    await r.stop();
    expect(received[0]?.id).toBe(stranded.id);
    expect(await unpublished()).toEqual([]);
  });
});

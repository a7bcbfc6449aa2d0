import { createHmac } from 'node:crypto';
import type { Delivery } from '@turbozap/shared/broker/port';
import { type EventEnvelope, makeEvent } from '@turbozap/shared/contracts/events';
import { queues } from '@turbozap/shared/contracts/queues';
import {
  getDelivery,
  listDeliveries,
  replayDelivery,
  setEnabled,
  setWebhook,
} from '@turbozap/shared/db/repositories/webhooks';
import { createSafeAgent } from '@turbozap/shared/net';
import { whileRefusing } from '@turbozap/shared/testing/database';
import { connectedData, receivedData, sentData } from '@turbozap/shared/testing/event-data';
import { describeWith } from '@turbozap/shared/testing/services';
import { sql } from 'kysely';
import { createHarness, eventually, type Harness } from '../testing/harness.ts';
import { Receiver, type Responder } from '../testing/receiver.ts';
import { verifySignature } from '../testing/verify-signature.ts';
import { WebhookDispatcher } from './dispatcher.ts';
import { WebhookEventConsumer } from './event-consumer.ts';

const describePg = await describeWith('postgres');

describePg('webhooks', () => {
  let h: Harness;
  const agent = createSafeAgent({ allowPrivate: true });
  const strictAgent = createSafeAgent({ allowPrivate: false });
  const receivers: Receiver[] = [];
  let pokes = 0;

  beforeAll(async () => {
    h = await createHarness();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await Promise.all([agent.close(), strictAgent.close()]);
    await h.close();
  });

  async function receiver(respond?: Responder): Promise<Receiver> {
    const r = await Receiver.start(respond);
    receivers.push(r);
    return r;
  }

  const consumer = () =>
    new WebhookEventConsumer({
      db: h.runtime.db,
      broker: h.broker,
      logger: h.runtime.logger,
      prefetch: 4,
      backoff: { baseMs: 10, maxMs: 100 },
      onDelivery: () => pokes++,
    });

  const dispatcher = (
    options: { allowPrivate?: boolean; timeoutMs?: number; concurrency?: number; retryCount?: number } = {},
  ) =>
    new WebhookDispatcher({
      db: h.runtime.db,
      logger: h.runtime.logger,
      metrics: h.runtime.metrics,
      agent: options.allowPrivate === false ? strictAgent : agent,
      allowPrivate: options.allowPrivate ?? true,
      timeoutMs: options.timeoutMs ?? 2_000,
      retry: { retryCount: options.retryCount ?? 5, backoff: { baseMs: 10, maxMs: 40 } },
      concurrency: options.concurrency ?? 8,
      pollIntervalMs: 10,
      lockMs: 10_000,
    });

  const asDelivery = (event: EventEnvelope): Delivery => ({
    body: Buffer.from(JSON.stringify(event)),
    routingKey: `${event.event}.${event.instance.id}`,
    messageId: event.id,
    headers: {},
    attempts: 0,
    redelivered: false,
  });

  let seq = 0;
  async function setup(respond?: Responder, webhook: { events?: string[]; headers?: Record<string, string> } = {}) {
    const instance = await h.newInstance();
    const r = await receiver(respond);
    const hook = await setWebhook(h.runtime.db, instance.id, {
      url: `${r.url}/hook`,
      events: webhook.events ?? [],
      enabled: true,
      headers: webhook.headers,
    });
    const emit = async (event: 'message.sent' | 'message.received' = 'message.sent') => {
      const data = event === 'message.sent' ? sentData(`m-${++seq}`) : receivedData({ text: `m-${++seq}` });
      const envelope = makeEvent(event, instance, data, seq);
      expect((await consumer().handle(asDelivery(envelope))).kind).toBe('ack');
      return envelope;
    };
    return { instance, receiver: r, hook, emit };
  }

  /** Runs the dispatcher until the delivery is final. */
  async function settle(deliveryId: string, d = dispatcher()) {
    d.start();
    try {
      return await eventually(
        async () => {
          const row = await getDelivery(h.runtime.db, deliveryId);
          return row && row.status !== 'pending' ? row : undefined;
        },
        10_000,
        'a final delivery',
      );
    } finally {
      await d.stop();
    }
  }

  const onlyDelivery = async (instanceId: string) => {
    const rows = await listDeliveries(h.runtime.db, instanceId, { limit: 10 });
    expect(rows).toHaveLength(1);
    return rows[0]!;
  };

  test('a receiver answering 500 three times then 200 gets it delivered once, after 4 logged attempts', async () => {
    const {
      instance,
      receiver: r,
      emit,
    } = await setup((_req, i) => ({ status: i < 3 ? 500 : 200, body: i < 3 ? 'boom' : 'ok' }));
    const event = await emit();
    const delivery = await settle((await onlyDelivery(instance.id)).id);
    expect(delivery.status).toBe('delivered');
    expect(delivery.delivered_at).toBeInstanceOf(Date);
    expect(delivery.attempt_log.map((a) => [a.attempt, a.status_code])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
      [4, 200],
    ]);
    expect(delivery.attempt_log[0]?.error).toBe('HTTP 500: boom');
    expect(delivery).toMatchObject({ last_status: 200, last_error: null, attempts: 4 });
    expect(r.requests).toHaveLength(4);
    expect(new Set(r.requests.map((q) => q.headers['x-turbozap-event-id']))).toEqual(new Set([event.id]));
    expect(await h.metric('turbozap_webhook_deliveries_total', { wa_instance: instance.name, outcome: 'retry' })).toBe(
      3,
    );
    expect(
      await h.metric('turbozap_webhook_deliveries_total', { wa_instance: instance.name, outcome: 'delivered' }),
    ).toBe(1);
  });

  test('a 400 is not retried; a replay sends it again with the same event id', async () => {
    const { instance, receiver: r, emit } = await setup(() => ({ status: 400 }));
    const event = await emit();
    const failed = await settle((await onlyDelivery(instance.id)).id);
    expect(failed.status).toBe('failed');
    expect(failed.attempt_log).toHaveLength(1);
    expect(r.requests).toHaveLength(1);

    r.answer(() => ({ status: 200 }));
    expect(await replayDelivery(h.runtime.db, failed.id, instance.id)).toMatchObject({
      status: 'pending',
      attempts: 0,
    });
    const replayed = await settle(failed.id);
    expect(replayed.status).toBe('delivered');
    expect(replayed.attempt_log.map((a) => [a.attempt, a.status_code])).toEqual([
      [1, 400],
      [2, 200],
    ]);
    expect(r.requests).toHaveLength(2);
    expect(r.requests[1]?.headers['x-turbozap-event-id']).toBe(event.id);
    expect(r.requests[1]?.headers['x-turbozap-delivery']).toBe(failed.id);
  });

  test('every request is signed as documented and carries the event headers and custom headers', async () => {
    const { instance, hook, receiver: r, emit } = await setup(undefined, { headers: { Authorization: 'Bearer abc' } });
    const event = await emit('message.received');
    const delivery = await settle((await onlyDelivery(instance.id)).id);
    const req = r.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-turbozap-event']).toBe('message.received');
    expect(req.headers['x-turbozap-event-id']).toBe(event.id);
    expect(req.headers['x-turbozap-delivery']).toBe(delivery.id);
    expect(req.headers.authorization).toBe('Bearer abc');
    expect(JSON.parse(req.body.toString())).toEqual(JSON.parse(JSON.stringify(event)));
    // The documented algorithm, written out as a receiver would.
    const header = String(req.headers['x-turbozap-signature']);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) ?? [];
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
    expect(createHmac('sha256', hook.secret).update(`${t}.`).update(req.body).digest('hex')).toBe(v1);
    expect(verifySignature(hook.secret, req.body, header)).toBe(true);
  });

  test('a redelivered event creates no second delivery row', async () => {
    const { instance, emit } = await setup();
    const event = await emit();
    expect((await consumer().handle({ ...asDelivery(event), redelivered: true })).kind).toBe('ack');
    expect(await listDeliveries(h.runtime.db, instance.id, { limit: 10 })).toHaveLength(1);
  });

  test('unsubscribed events and disabled webhooks make no delivery rows', async () => {
    const { instance, emit } = await setup(undefined, { events: ['message.sent'] });
    await emit('message.received');
    expect(await listDeliveries(h.runtime.db, instance.id, { limit: 10 })).toHaveLength(0);
    await emit('message.sent');
    expect(await listDeliveries(h.runtime.db, instance.id, { limit: 10 })).toHaveLength(1);
    await setEnabled(h.runtime.db, instance.id, false);
    await emit('message.sent');
    expect(await listDeliveries(h.runtime.db, instance.id, { limit: 10 })).toHaveLength(1);
    const other = await h.newInstance();
    const orphan = makeEvent('message.sent', other, sentData(), 'x');
    expect((await consumer().handle(asDelivery(orphan))).kind).toBe('ack');
    expect((await consumer().handle({ ...asDelivery(orphan), body: Buffer.from('nope') })).kind).toBe('dead');
  });

  test('"no webhook" is cached between events until the change is announced', async () => {
    const instance = await h.newInstance();
    const r = await receiver();
    const c = consumer();
    const event = (n: number) => asDelivery(makeEvent('message.sent', instance, sentData(), `cached-${n}`));
    expect((await c.handle(event(1))).kind).toBe('ack');
    await setWebhook(h.runtime.db, instance.id, { url: `${r.url}/hook`, events: [], enabled: true });
    // Within the TTL the cached "none" still holds…
    await c.handle(event(2));
    expect(await listDeliveries(h.runtime.db, instance.id, { limit: 10 })).toHaveLength(0);
    // …until the API's announcement (channels.webhooks) makes the next event read it afresh.
    c.forget(instance.id);
    await c.handle(event(3));
    expect(await listDeliveries(h.runtime.db, instance.id, { limit: 10 })).toHaveLength(1);
  });

  test('two dispatchers side by side never make the same attempt twice', async () => {
    const { instance, receiver: r, emit } = await setup();
    for (let i = 0; i < 30; i++) await emit();
    const pair = [dispatcher({ concurrency: 4 }), dispatcher({ concurrency: 4 })];
    for (const d of pair) d.start();
    try {
      await eventually(async () => r.requests.length >= 30, 10_000, '30 requests');
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await Promise.all(pair.map((d) => d.stop()));
    }
    const ids = r.requests.map((q) => q.headers['x-turbozap-delivery']);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    const rows = await listDeliveries(h.runtime.db, instance.id, { limit: 100 });
    expect(rows.every((d) => d.status === 'delivered' && d.attempt_log.length === 1)).toBe(true);
  });

  test('a private target is refused at delivery time when not allowed, without a request', async () => {
    const { instance, receiver: r, emit } = await setup();
    await emit();
    const delivery = await settle((await onlyDelivery(instance.id)).id, dispatcher({ allowPrivate: false }));
    expect(delivery.status).toBe('failed');
    expect(delivery.last_error).toMatch(/^target refused: .*private or loopback/);
    expect(r.requests).toHaveLength(0);
  });

  test('a delivery still pending when its webhook is disabled ends failed without a request', async () => {
    const { instance, receiver: r, emit } = await setup();
    await emit();
    await setEnabled(h.runtime.db, instance.id, false);
    const delivery = await settle((await onlyDelivery(instance.id)).id);
    expect(delivery).toMatchObject({ status: 'failed', last_error: 'webhook disabled', attempt_log: [] });
    expect(r.requests).toHaveLength(0);
  });

  test('a receiver that does not answer times out and is retried', async () => {
    const { instance, receiver: r, emit } = await setup((_req, i) => (i === 0 ? 'hang' : { status: 200 }));
    await emit();
    const delivery = await settle((await onlyDelivery(instance.id)).id, dispatcher({ timeoutMs: 200 }));
    expect(delivery.status).toBe('delivered');
    expect(delivery.attempt_log.map((a) => a.error)).toEqual(['timeout', null]);
    expect(r.requests).toHaveLength(2);
  });

  test('retries stop after WEBHOOK_RETRY_COUNT', async () => {
    const { instance, receiver: r, emit } = await setup(() => ({ status: 503 }));
    await emit();
    const delivery = await settle((await onlyDelivery(instance.id)).id, dispatcher({ retryCount: 2 }));
    expect(delivery.status).toBe('failed');
    expect(delivery.attempt_log).toHaveLength(3);
    expect(r.requests).toHaveLength(3);
  });

  test('the consumer reads events from the webhooks queue bound to every event', async () => {
    const { instance } = await setup();
    const c = consumer();
    await c.start();
    try {
      const event = makeEvent('connection.update', instance, connectedData, 'c1');
      await h.broker.publish('turbozap.events', `connection.update.${instance.id}`, Buffer.from(JSON.stringify(event)));
      await eventually(
        async () => (await listDeliveries(h.runtime.db, instance.id, { limit: 10 })).length === 1,
        5_000,
        'a delivery row',
      );
      expect(await h.broker.depth(queues.webhooks)).toBe(0);
    } finally {
      await c.stop();
    }
  });

  test('events consumed together are written together; one the database refuses is retried alone', async () => {
    const { instance } = await setup();
    const c = consumer();
    const good = (n: number) => makeEvent('message.sent', instance, sentData(), 'batch', n);
    // A row the database refuses (a constraint of this test's): it cannot be stored, the others must be.
    const poison = makeEvent('message.sent', instance, { ...sentData(), wa_message_id: 'poison' }, 'batch', 'poison');
    const results = await whileRefusing(
      h.runtime.db,
      'webhook_deliveries',
      sql`payload->'data'->>'wa_message_id' IS DISTINCT FROM 'poison'`,
      () => Promise.all([good(1), poison, good(2), good(3)].map((e) => c.handle(asDelivery(e)))),
    );
    expect(results.map((r) => r.kind)).toEqual(['ack', 'retry', 'ack', 'ack']);
    const rows = await listDeliveries(h.runtime.db, instance.id, { limit: 10 });
    expect(rows.map((r) => r.event_id).sort()).toEqual([good(1).id, good(2).id, good(3).id].sort());
  });

  test('stopping gives back the claims not started yet, so they cost no retry', async () => {
    const { instance, receiver: r, emit } = await setup(() => 'hang');
    for (let i = 0; i < 5; i++) await emit();
    const d = dispatcher({ concurrency: 1, timeoutMs: 300 });
    d.start();
    await eventually(async () => r.requests.length >= 1, 5_000, 'a first request');
    await d.stop();
    const rows = await listDeliveries(h.runtime.db, instance.id, { limit: 10 });
    expect(rows.every((row) => row.status === 'pending' && row.locked_until === null)).toBe(true);
    // One attempt was made (and timed out); the claim queued behind it was released.
    expect(r.requests).toHaveLength(1);
    expect(rows.map((row) => row.attempts).sort()).toEqual([0, 0, 0, 0, 1]);
    expect(rows.find((row) => row.attempts === 1)?.attempt_log.map((a) => a.error)).toEqual(['timeout']);
  });

  test('a claim left waiting past half of its lease is given back, not attempted late', async () => {
    const { instance, receiver: r, emit } = await setup();
    await emit();
    let calls = 0;
    const d = new WebhookDispatcher({
      db: h.runtime.db,
      logger: h.runtime.logger,
      metrics: h.runtime.metrics,
      agent,
      allowPrivate: true,
      timeoutMs: 2_000,
      retry: { retryCount: 5, backoff: { baseMs: 10, maxMs: 40 } },
      concurrency: 4,
      pollIntervalMs: 10,
      lockMs: 10_000,
      // Every reading of the clock is 6 s after the previous one: past half of the lease by the time
      // a claimed delivery would start.
      now: () => Date.now() + 6_000 * calls++,
    });
    d.start();
    // The clock read at the claim and again before the attempt: it was claimed (and given back).
    await eventually(async () => calls > 1, 10_000, 'a claim');
    await d.stop();
    expect(r.requests).toHaveLength(0);
    expect(await onlyDelivery(instance.id)).toMatchObject({
      status: 'pending',
      attempts: 0,
      locked_until: null,
    });
  });
});

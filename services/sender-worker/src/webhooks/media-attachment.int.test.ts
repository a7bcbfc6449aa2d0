import type { Delivery } from '@turbozap/shared/broker/port';
import { makeEvent } from '@turbozap/shared/contracts/events';
import { getDelivery, listDeliveries, setWebhook } from '@turbozap/shared/db/repositories/webhooks';
import { createSafeAgent } from '@turbozap/shared/net';
import { receivedData } from '@turbozap/shared/testing/event-data';
import { describeWith } from '@turbozap/shared/testing/services';
import { createHarness, eventually, type Harness } from '../testing/harness.ts';
import { Receiver } from '../testing/receiver.ts';
import { verifySignature } from '../testing/verify-signature.ts';
import { WebhookDispatcher } from './dispatcher.ts';
import { WebhookEventConsumer } from './event-consumer.ts';

const describePg = await describeWith('postgres');
/** Small, so one test file holds a file under it and one over it. */
const maxBytes = 64;

describePg('webhooks with include_media_base64', () => {
  let h: Harness;
  let receiver: Receiver;
  const agent = createSafeAgent({ allowPrivate: true });

  beforeAll(async () => {
    h = await createHarness();
    receiver = await Receiver.start();
  }, 60_000);
  afterAll(async () => {
    await receiver.close();
    await agent.close();
    await h.close();
  });

  let seq = 0;
  /** A `message.received` naming `mediaKey`, through the event consumer and the dispatcher to the receiver. */
  async function deliver(includeMediaBase64: boolean, mediaKey: string) {
    const instance = await h.newInstance();
    const hook = await setWebhook(h.runtime.db, instance.id, {
      url: `${receiver.url}/hook`,
      events: [],
      enabled: true,
      includeMediaBase64,
    });
    const data = { ...receivedData({ mimetype: 'image/png', caption: 'look' }), type: 'image', media_key: mediaKey };
    const envelope = makeEvent('message.received', instance, data, ++seq);
    const consumer = new WebhookEventConsumer({
      db: h.runtime.db,
      broker: h.broker,
      logger: h.runtime.logger,
      prefetch: 4,
      backoff: { baseMs: 10, maxMs: 100 },
      onDelivery: () => {},
    });
    const delivery: Delivery = {
      body: Buffer.from(JSON.stringify(envelope)),
      routingKey: `message.received.${instance.id}`,
      messageId: envelope.id,
      headers: {},
      attempts: 0,
      redelivered: false,
    };
    expect((await consumer.handle(delivery)).kind).toBe('ack');
    const [row] = await listDeliveries(h.runtime.db, instance.id, { limit: 1 });
    const dispatcher = new WebhookDispatcher({
      db: h.runtime.db,
      logger: h.runtime.logger,
      metrics: h.runtime.metrics,
      agent,
      allowPrivate: true,
      timeoutMs: 2_000,
      media: { blobs: h.runtime.blobs, maxBytes },
      retry: { retryCount: 2, backoff: { baseMs: 10, maxMs: 40 } },
      concurrency: 2,
      pollIntervalMs: 10,
      lockMs: 10_000,
    });
    dispatcher.start();
    try {
      const settled = await eventually(
        async () => {
          const d = await getDelivery(h.runtime.db, row!.id);
          return d && d.status !== 'pending' ? d : undefined;
        },
        10_000,
        'a final delivery',
      );
      expect(settled.status).toBe('delivered');
    } finally {
      await dispatcher.stop();
    }
    const request = receiver.requests.findLast((r) => r.headers['x-turbozap-event-id'] === envelope.id)!;
    expect(verifySignature(hook.secret, request.body, request.headers['x-turbozap-signature'] as string)).toBe(true);
    const sent = JSON.parse(request.body.toString()).data as Record<string, unknown>;
    // The delivery log keeps the event as it was, never the file.
    expect(JSON.stringify((await getDelivery(h.runtime.db, row!.id))?.payload)).not.toContain('media_base64');
    return sent;
  }

  test('the file rides in the signed body, with its type', async () => {
    const bytes = Buffer.from('\x89PNG a small picture');
    await h.runtime.blobs.put('media/x/small', bytes, { contentType: 'image/png' });
    const data = await deliver(true, 'media/x/small');
    expect(Buffer.from(data['media_base64'] as string, 'base64')).toEqual(bytes);
    expect(data['media_mimetype']).toBe('image/png');
    expect(data['media_key']).toBe('media/x/small');
  });

  test('past the limit, or gone from the store, the body says so instead', async () => {
    await h.runtime.blobs.put('media/x/big', Buffer.alloc(maxBytes + 1, 7), { contentType: 'image/png' });
    const big = await deliver(true, 'media/x/big');
    expect(big['media_base64']).toBeUndefined();
    expect(big['media_base64_omitted']).toBe('too_large');
    const gone = await deliver(true, 'media/x/never-stored');
    expect(gone['media_base64_omitted']).toBe('missing');
  });

  test('a webhook that did not ask gets no file', async () => {
    await h.runtime.blobs.put('media/x/other', Buffer.from('bytes'), { contentType: 'image/png' });
    const data = await deliver(false, 'media/x/other');
    expect(data['media_base64']).toBeUndefined();
    expect(data['media_base64_omitted']).toBeUndefined();
  });
});

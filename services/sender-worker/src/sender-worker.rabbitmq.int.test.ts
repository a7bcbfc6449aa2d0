import { AmqpBroker } from '@turbozap/shared/broker';
import { makeEvent } from '@turbozap/shared/contracts/events';
import { makeJob, parseJob, queues } from '@turbozap/shared/contracts/queues';
import { eventsOutboxRepo } from '@turbozap/shared/db/repositories/events-outbox';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { listDeliveries, setWebhook } from '@turbozap/shared/db/repositories/webhooks';
import { receivedData } from '@turbozap/shared/testing/event-data';
import { describeWith } from '@turbozap/shared/testing/services';
import { createSenderWorker } from './sender-worker.ts';
import { createHarness, eventually, type Harness } from './testing/harness.ts';
import { Receiver } from './testing/receiver.ts';
import { createTestVhost, type TestVhost } from './testing/vhost.ts';

const describeReal = await describeWith('postgres', 'rabbitmq');
const vhost: TestVhost | null = await createTestVhost();
const describeVhost = vhost ? describeReal : describe.skip;

describeVhost('sender-worker on RabbitMQ', () => {
  let h: Harness;
  let broker: AmqpBroker;
  let receiver: Receiver;

  beforeAll(async () => {
    broker = await AmqpBroker.connect(
      { url: vhost!.url, handlerErrorRetryMs: 100, connectionName: 'sender-worker-test' },
      10_000,
    );
    h = await createHarness({ broker });
    receiver = await Receiver.start((_req, i) => ({ status: i === 0 ? 503 : 200 }));
  }, 60_000);
  afterAll(async () => {
    await receiver?.close();
    await h?.close();
    await vhost?.remove();
  });

  test('send queue to outbox, events outbox to exchange to webhook, through real queues', async () => {
    const worker = createSenderWorker(h.runtime, {
      messageRelay: { intervalMs: 50 },
      eventsRelay: { intervalMs: 20 },
      webhooks: { pollIntervalMs: 20, backoff: { baseMs: 10, maxMs: 50 } },
    });
    await worker.start();
    try {
      const instance = await h.newInstance();
      await setWebhook(h.runtime.db, instance.id, { url: `${receiver.url}/hook`, events: [], enabled: true });
      const row = await h.queueMessage({ instanceId: instance.id });
      await broker.send(queues.send, makeJob('message.send', { messageId: row.id, instanceId: instance.id }), {
        messageId: row.id,
      });
      await eventually(async () => (await messagesRepo.get(h.runtime.db, row.id))?.status === 'ready', 10_000, 'ready');

      const jobs: string[] = [];
      const sub = await broker.consume(
        queues.outbox(instance.id),
        async (d) => {
          jobs.push(parseJob('message.outbox', d.body).payload.messageId);
          return { kind: 'ack' };
        },
        { prefetch: 1 },
      );
      await eventually(async () => jobs.length === 1, 10_000, 'the outbox job');
      await sub.cancel();
      expect(jobs).toEqual([row.id]);

      const event = makeEvent('message.received', instance, receivedData(), 'WA-1');
      await eventsOutboxRepo.add(h.runtime.db, event);
      await eventually(async () => receiver.requests.length === 2, 10_000, 'the webhook, retried once');
      expect(receiver.requests.map((r) => r.headers['x-turbozap-event-id'])).toEqual([event.id, event.id]);
      const delivery = await eventually(
        async () => {
          const [d] = await listDeliveries(h.runtime.db, instance.id, { limit: 5 });
          return d?.status === 'delivered' ? d : undefined;
        },
        5_000,
        'delivered',
      );
      expect(delivery.event_id).toBe(event.id);
      expect(delivery.attempt_log.map((a) => a.status_code)).toEqual([503, 200]);
      expect(await broker.depth(queues.webhooks)).toBe(0);
    } finally {
      await worker.stop();
    }
  });
});

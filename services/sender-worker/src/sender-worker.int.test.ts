import { exchanges, makeJob, parseJob, queues } from '@turbozap/shared/contracts/queues';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { listDeliveries, setWebhook } from '@turbozap/shared/db/repositories/webhooks';
import { insertTestOutbound } from '@turbozap/shared/testing/database';
import { servicesUp } from '@turbozap/shared/testing/services';
import { createSenderWorker } from './sender-worker.ts';
import { createHarness, eventually, type Harness } from './testing/harness.ts';
import { Receiver } from './testing/receiver.ts';
import { verifySignature } from './testing/verify-signature.ts';

const kinds: Array<'postgres' | 'pglite'> = (await servicesUp('postgres')) ? ['postgres', 'pglite'] : ['pglite'];

const fast = {
  messageRelay: { intervalMs: 20, graceMs: 100 },
  eventsRelay: { intervalMs: 20 },
  sweeper: { intervalMs: 50 },
  webhooks: { pollIntervalMs: 20, backoff: { baseMs: 10, maxMs: 50 } },
};

describe.each(kinds)('sender-worker component (in-process broker, %s)', (kind) => {
  let h: Harness;
  let receiver: Receiver;

  beforeAll(async () => {
    h = await createHarness({ database: kind });
    receiver = await Receiver.start();
  }, 60_000);
  afterAll(async () => {
    await receiver.close();
    await h.close();
  });

  test('sends, relays, fails with an event and delivers it as a signed webhook; stops cleanly', async () => {
    const worker = createSenderWorker(h.runtime, fast);
    await worker.start();
    try {
      expect(await worker.readiness?.()).toEqual({ sender_worker: true });
      const instance = await h.newInstance();
      const hook = await setWebhook(h.runtime.db, instance.id, {
        url: `${receiver.url}/hook`,
        events: ['message.failed'],
        enabled: true,
      });

      // Published by the API: prepared and handed to the outbox.
      const sent = await h.queueMessage({ instanceId: instance.id });
      await h.broker.send(queues.send, makeJob('message.send', { messageId: sent.id, instanceId: instance.id }));
      // Never published (the API died after its commit): the relay publishes it.
      const { row: lost } = await insertTestOutbound(h.runtime.db, {
        instanceId: instance.id,
        remoteJid: 'bad',
        type: 'text',
        content: { text: 'x' },
      });

      await eventually(async () => (await messagesRepo.get(h.runtime.db, sent.id))?.status === 'ready', 5_000, 'ready');
      await eventually(
        async () => (await messagesRepo.get(h.runtime.db, lost.id))?.status === 'failed',
        5_000,
        'failed',
      );
      await eventually(async () => receiver.requests.length === 1, 5_000, 'a webhook');

      const request = receiver.requests[0]!;
      expect(request.headers['x-turbozap-event']).toBe('message.failed');
      expect(verifySignature(hook.secret, request.body, String(request.headers['x-turbozap-signature']))).toBe(true);
      expect(JSON.parse(request.body.toString()).data).toMatchObject({
        message_id: lost.id,
        reason: 'invalid_recipient',
      });
      await eventually(
        async () => (await listDeliveries(h.runtime.db, instance.id, { limit: 5 }))[0]?.status === 'delivered',
        5_000,
        'delivered',
      );

      const outboxJobs: string[] = [];
      const sub = await h.broker.consume(
        queues.outbox(instance.id),
        async (d) => {
          outboxJobs.push(parseJob('message.outbox', d.body).payload.messageId);
          return { kind: 'ack' };
        },
        { prefetch: 5 },
      );
      await eventually(async () => outboxJobs.length === 1);
      await sub.cancel();
      expect(outboxJobs).toEqual([sent.id]);
    } finally {
      await worker.stop();
    }
    expect(await worker.readiness?.()).toEqual({ sender_worker: false });
    // Stopped consumers leave new work in the queue.
    await h.broker.publish(exchanges.events, 'x.y', Buffer.from('{}'));
    expect(await h.broker.depth(queues.webhooks)).toBe(1);
  });
});

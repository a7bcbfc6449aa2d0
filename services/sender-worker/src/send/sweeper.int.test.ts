import { queues } from '@turbozap/shared/contracts/queues';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { describeWith } from '@turbozap/shared/testing/services';
import { createHarness, type Harness } from '../testing/harness.ts';
import { OutboxPublisher } from './outbox.ts';
import { REDRIVE_HEADER } from './send-consumer.ts';
import { Sweeper } from './sweeper.ts';

const describePg = await describeWith('postgres');
const STALE = 60_000;

describePg('sweeper', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness();
    await h.broker.assertQueue(queues.send);
  }, 60_000);
  afterAll(() => h.close());

  const sweeper = () =>
    new Sweeper({
      db: h.runtime.db,
      broker: h.broker,
      logger: h.runtime.logger,
      metrics: h.runtime.metrics,
      outbox: new OutboxPublisher(h.broker),
      intervalMs: 1_000,
      staleMs: STALE,
      batchSize: 100,
    });

  /** Drains a queue, returning the message ids and headers it held. */
  async function drain(queue: string): Promise<Array<{ id: string | undefined; headers: Record<string, unknown> }>> {
    const got: Array<{ id: string | undefined; headers: Record<string, unknown> }> = [];
    const depth = await h.broker.depth(queue).catch(() => 0);
    if (depth === 0) return got;
    const sub = await h.broker.consume(
      queue,
      async (d) => {
        got.push({ id: d.messageId, headers: d.headers });
        return { kind: 'ack' };
      },
      { prefetch: 10 },
    );
    while (got.length < depth) await new Promise((resolve) => setTimeout(resolve, 10));
    await sub.cancel();
    return got;
  }

  async function stuck(instanceId: string, status: 'queued' | 'preparing' | 'ready', agoMs = STALE * 2) {
    const row = await h.queueMessage({ instanceId });
    if (status !== 'queued') await messagesRepo.transition(h.runtime.db, row.id, 'preparing');
    if (status === 'ready') await messagesRepo.transition(h.runtime.db, row.id, 'ready');
    await h.age(row.id, { updatedAgoMs: agoMs });
    return row;
  }

  test('stuck rows are re-driven exactly once across two sweepers, and only for connected instances', async () => {
    const up = await h.newInstance('connected');
    const down = await h.newInstance('disconnected');
    const queued = await stuck(up.id, 'queued');
    const preparing = await stuck(up.id, 'preparing');
    const ready = await stuck(up.id, 'ready');
    const fresh = await stuck(up.id, 'queued', 1_000);
    const waiting = await stuck(down.id, 'queued');
    await stuck(down.id, 'ready');

    const [a, b] = await Promise.all([sweeper().sweepOnce(), sweeper().sweepOnce()]);
    expect(a.queued + b.queued).toBe(1);
    expect(a.preparing + b.preparing).toBe(1);
    expect(a.ready + b.ready).toBe(1);

    const sendJobs = await drain(queues.send);
    expect(sendJobs.map((j) => j.id).sort()).toEqual([queued.id, preparing.id].sort());
    expect(sendJobs.find((j) => j.id === preparing.id)?.headers[REDRIVE_HEADER]).toBe(1);
    expect(sendJobs.find((j) => j.id === queued.id)?.headers[REDRIVE_HEADER]).toBeUndefined();
    expect((await drain(queues.outbox(up.id))).map((j) => j.id)).toEqual([ready.id]);
    expect(await h.broker.depth(queues.outbox(down.id)).catch(() => 0)).toBe(0);

    // Re-driven rows are fresh again: the next pass leaves them alone.
    const again = await sweeper().sweepOnce();
    expect(again).toEqual({ expired: 0, deliveryUnknown: 0, queued: 0, preparing: 0, ready: 0, sending: 0 });
    expect((await messagesRepo.get(h.runtime.db, preparing.id))?.status).toBe('preparing');
    expect((await messagesRepo.get(h.runtime.db, fresh.id))?.status).toBe('queued');
    expect((await messagesRepo.get(h.runtime.db, waiting.id))?.status).toBe('queued');
    await drain(queues.send);
  });

  test('ready rows are not re-driven while their outbox still holds jobs', async () => {
    const up = await h.newInstance('connected');
    const outbox = new OutboxPublisher(h.broker);
    const ready = await stuck(up.id, 'ready');
    await outbox.publish(ready); // still waiting in the outbox (paced by the session-worker)
    expect((await sweeper().sweepOnce()).ready).toBe(0);
    expect(await h.broker.depth(queues.outbox(up.id))).toBe(1);
  });

  test('rows past expires_at end expired with a message.failed event, connected or not', async () => {
    const down = await h.newInstance('disconnected');
    const past = new Date(Date.now() - 1_000);
    const a = await h.queueMessage({ instanceId: down.id, expiresAt: past });
    const b = await h.queueMessage({ instanceId: down.id, expiresAt: past });
    await messagesRepo.transition(h.runtime.db, b.id, 'preparing');
    const later = await h.queueMessage({ instanceId: down.id, expiresAt: new Date(Date.now() + 60_000) });

    const [x, y] = await Promise.all([sweeper().sweepOnce(), sweeper().sweepOnce()]);
    expect(x.expired + y.expired).toBe(2);
    for (const row of [a, b]) {
      const stored = await messagesRepo.get(h.runtime.db, row.id);
      expect(stored?.status).toBe('expired');
      expect(stored?.error).toBe('expired');
    }
    expect((await messagesRepo.get(h.runtime.db, later.id))?.status).toBe('queued');
    const events = await h.runtime.db
      .selectFrom('events_outbox')
      .selectAll()
      .where('instance_id', '=', down.id)
      .execute();
    expect(events.map((e) => (e.envelope.data as { message_id: string }).message_id).sort()).toEqual(
      [a.id, b.id].sort(),
    );
    expect(events[0]?.envelope).toMatchObject({
      event: 'message.failed',
      instance: { name: down.name },
      data: { reason: 'expired' },
    });
    expect(await h.metric('turbozap_messages_failed_total', { reason: 'expired', wa_instance: down.name })).toBe(2);
  });

  /** A row an owner claimed (`sending`, with its WhatsApp id) and died with, untouched for `agoMs`. */
  async function orphaned(instanceId: string, expiresAt: Date, agoMs = STALE * 2) {
    const row = await h.queueMessage({ instanceId, expiresAt });
    for (const to of ['preparing', 'ready'] as const) await messagesRepo.transition(h.runtime.db, row.id, to);
    await messagesRepo.transition(h.runtime.db, row.id, 'sending', { waMessageId: `3EB0${row.id.slice(0, 8)}` });
    await h.age(row.id, { updatedAgoMs: agoMs });
    return row;
  }

  test('a stale sending row is re-driven within its TTL, and past it ends failed with delivery_unknown and an event', async () => {
    const up = await h.newInstance('connected');
    const down = await h.newInstance('disconnected');
    const past = new Date(Date.now() - 1_000);
    const within = await orphaned(up.id, new Date(Date.now() + 3_600_000));
    const lateUp = await orphaned(up.id, past);
    const lateDown = await orphaned(down.id, past);
    // Past its TTL but claimed a moment ago: a live pass may still be sending it.
    const held = await orphaned(up.id, past, 1_000);

    const [a, b] = await Promise.all([sweeper().sweepOnce(), sweeper().sweepOnce()]);
    expect(a.sending + b.sending).toBe(1);
    expect(a.deliveryUnknown + b.deliveryUnknown).toBe(2);
    expect((await drain(queues.outbox(up.id))).map((j) => j.id)).toEqual([within.id]);
    expect(await messagesRepo.get(h.runtime.db, within.id)).toMatchObject({
      status: 'sending',
      wa_message_id: `3EB0${within.id.slice(0, 8)}`,
    });
    for (const row of [lateUp, lateDown])
      expect(await messagesRepo.get(h.runtime.db, row.id)).toMatchObject({
        status: 'failed',
        error: 'delivery_unknown',
      });
    expect((await messagesRepo.get(h.runtime.db, held.id))?.status).toBe('sending');

    const events = await h.runtime.db
      .selectFrom('events_outbox')
      .selectAll()
      .where('instance_id', 'in', [up.id, down.id])
      .execute();
    expect(
      events.map((e) => [e.event, (e.envelope.data as { message_id: string }).message_id, e.envelope.data]).sort(),
    ).toEqual(
      [lateUp, lateDown]
        .map((row) => [
          'message.failed',
          row.id,
          {
            id: row.id,
            message_id: row.id,
            wa_message_id: `3EB0${row.id.slice(0, 8)}`,
            remote_jid: row.remote_jid,
            type: 'text',
            status: 'failed',
            reason: 'delivery_unknown',
          },
        ])
        .sort(),
    );
    expect(await h.metric('turbozap_messages_failed_total', { reason: 'delivery_unknown', wa_instance: up.name })).toBe(
      1,
    );
    expect(
      await h.metric('turbozap_messages_failed_total', { reason: 'delivery_unknown', wa_instance: down.name }),
    ).toBe(1);
  });
});

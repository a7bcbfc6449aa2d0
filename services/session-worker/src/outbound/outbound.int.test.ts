import { makeJob, queues } from '@turbozap/shared/contracts/queues';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { insertTestOutbound } from '@turbozap/shared/testing/database';
import { describeWith } from '@turbozap/shared/testing/services';
import { eventually, type Harness, startHarness, waitFor } from '../testing/harness.ts';
import { waMessageIdFor } from './message-id.ts';

const describePg = await describeWith('postgres');
const BOB = '15550000502';

describePg('outbound sending against the simulator', () => {
  let h: Harness;
  /** This test's own sender, linked afresh, so a chat one test leaves blocked blocks no other. */
  let instanceId: string;
  let tests = 0;

  beforeAll(async () => {
    h = await startHarness();
    h.sim.sim.createAccount({ phone: BOB, pushName: 'Bob' });
    await h.startWorker('worker-o', { env: { SEND_RATE_PER_MINUTE: '1200' } });
  }, 60_000);
  beforeEach(async () => {
    tests++;
    instanceId = await h.createInstance(`outbound-${tests}`);
    await h.linkByQr(instanceId, `155500005${String(10 + tests)}`);
    await h.waitStatus(instanceId, 'connected');
  }, 30_000);
  afterAll(() => h?.teardown(), 30_000);

  const ready = async (type: string, content: Record<string, unknown>) => {
    const { row } = await insertTestOutbound(h.database.db, {
      instanceId,
      remoteJid: `${BOB}@s.whatsapp.net`,
      type,
      content,
    });
    await messagesRepo.transition(h.database.db, row.id, 'preparing');
    await messagesRepo.transition(h.database.db, row.id, 'ready');
    return row;
  };
  const publish = (messageId: string) =>
    h.broker.send(queues.outbox(instanceId), makeJob('message.outbox', { messageId, instanceId }));

  test('per chat, messages go out in acceptance order even when their jobs arrive reversed, paced', async () => {
    const rows = [];
    for (let i = 0; i < 5; i++) rows.push(await ready('text', { text: `ordered ${i}` }));
    const started = Date.now();
    for (const row of [...rows].reverse()) await publish(row.id);
    await eventually(
      () => h.sim.sim.inbox(BOB).filter((m) => m.text?.startsWith('ordered')).length === 5 || undefined,
      20_000,
      'all five',
    );
    expect(
      h.sim.sim
        .inbox(BOB)
        .filter((m) => m.text?.startsWith('ordered'))
        .map((m) => m.text),
    ).toEqual([0, 1, 2, 3, 4].map((i) => `ordered ${i}`));
    // 1200/min = 50 ms apart (±20 %): five sends span at least ~4 × 40 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(160);
  }, 30_000);

  test('jobs that carry their chat and acceptance order go out in order when they arrive reversed', async () => {
    const rows = [];
    for (let i = 0; i < 5; i++) rows.push(await ready('text', { text: `placed ${i}` }));
    for (const row of [...rows].reverse()) {
      const job = makeJob('message.outbox', {
        messageId: row.id,
        instanceId,
        chat: row.remote_jid,
      });
      await h.broker.send(queues.outbox(instanceId), job);
    }
    const placed = () => h.sim.sim.inbox(BOB).filter((m) => m.text?.startsWith('placed'));
    await eventually(() => placed().length === 5 || undefined, 20_000, 'all five');
    expect(placed().map((m) => m.text)).toEqual([0, 1, 2, 3, 4].map((i) => `placed ${i}`));
  }, 30_000);

  test('a message behind one still being prepared waits for it, then both go out in order', async () => {
    const { row: first } = await insertTestOutbound(h.database.db, {
      instanceId,
      remoteJid: `${BOB}@s.whatsapp.net`,
      type: 'text',
      content: { text: 'behind 0' },
    });
    await messagesRepo.transition(h.database.db, first.id, 'preparing');
    const second = await ready('text', { text: 'behind 1' });
    const job = (row: typeof first) =>
      makeJob('message.outbox', { messageId: row.id, instanceId, chat: row.remote_jid });
    await h.broker.send(queues.outbox(instanceId), job(second));
    await new Promise((r) => setTimeout(r, 1_000));
    const behind = () => h.sim.sim.inbox(BOB).filter((m) => m.text?.startsWith('behind'));
    expect(behind()).toEqual([]);
    expect((await messagesRepo.get(h.database.db, second.id))?.status).toBe('ready');
    // The first is ready now, and its own job sends both.
    await messagesRepo.transition(h.database.db, first.id, 'ready');
    await h.broker.send(queues.outbox(instanceId), job(first));
    await eventually(() => behind().length === 2 || undefined, 20_000, 'both');
    expect(behind().map((m) => m.text)).toEqual(['behind 0', 'behind 1']);
  }, 30_000);

  test('a redelivered job for a sent message is not sent twice', async () => {
    const row = await ready('text', { text: 'only once' });
    await publish(row.id);
    await waitFor(
      async () => ['sent', 'delivered'].includes((await messagesRepo.get(h.database.db, row.id))?.status ?? ''),
      10_000,
      'sent',
    );
    await publish(row.id);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.sim.sim.inbox(BOB).filter((m) => m.text === 'only once')).toHaveLength(1);
  }, 30_000);

  test('a message its owner left sending is sent again with its WhatsApp id within its TTL, and never past it', async () => {
    const expire = (id: string, at: Date) =>
      h.database.db.updateTable('messages').set({ expires_at: at }).where('id', '=', id).execute();
    // On the wire, then its owner died before `sent`: the row is back to `sending`.
    const onWire = await ready('text', { text: 'orphan within ttl' });
    await expire(onWire.id, new Date(Date.now() + 60_000));
    await publish(onWire.id);
    await waitFor(async () => (await messagesRepo.get(h.database.db, onWire.id))?.status !== 'ready', 10_000, 'sent');
    await eventually(() => h.sim.sim.inbox(BOB).find((m) => m.text === 'orphan within ttl'), 10_000, 'on the wire');
    await h.database.db.updateTable('messages').set({ status: 'sending' }).where('id', '=', onWire.id).execute();
    // Claimed by an owner that died, and its TTL is over; a later message to the chat is not.
    const late = await ready('text', { text: 'orphan past ttl' });
    await messagesRepo.transition(h.database.db, late.id, 'sending', { waMessageId: waMessageIdFor(late.id) });
    await expire(late.id, new Date(Date.now() - 1_000));
    const after = await ready('text', { text: 'after the orphan' });

    for (const row of [onWire, late, after]) await publish(row.id);
    await waitFor(async () => (await messagesRepo.get(h.database.db, after.id))?.status !== 'ready', 10_000, 'after');
    await waitFor(
      async () => (await messagesRepo.get(h.database.db, onWire.id))?.status !== 'sending',
      10_000,
      're-sent',
    );
    await eventually(() => h.sim.sim.inbox(BOB).find((m) => m.text === 'after the orphan'), 10_000, 'after');
    await new Promise((r) => setTimeout(r, 500));

    const inbox = h.sim.sim.inbox(BOB);
    expect(inbox.filter((m) => m.text === 'orphan within ttl').map((m) => m.id)).toEqual([waMessageIdFor(onWire.id)]);
    expect(inbox.filter((m) => m.text === 'orphan past ttl')).toEqual([]);
    expect((await messagesRepo.get(h.database.db, late.id))?.status).toBe('sending');
  }, 30_000);

  test('content that can never be sent ends failed with a reason and a message.failed event', async () => {
    const row = await ready('location', { name: 'nowhere' });
    await publish(row.id);
    await waitFor(async () => (await messagesRepo.get(h.database.db, row.id))?.status === 'failed', 10_000, 'failed');
    expect((await messagesRepo.get(h.database.db, row.id))?.error).toBe('invalid_content');
    await eventually(
      () => h.events.find((e) => e.event === 'message.failed' && e.data['id'] === row.id),
      5_000,
      'message.failed',
    );
  }, 30_000);

  test('location, contact and poll reach the contact', async () => {
    const rows = [
      await ready('location', { latitude: -23.55, longitude: -46.63, name: 'SP' }),
      await ready('contact', { contacts: [{ name: 'Carol', phone: '15550000599' }] }),
      await ready('poll', { name: 'Lunch?', options: ['yes', 'no'] }),
    ];
    for (const row of rows) await publish(row.id);
    for (const row of rows) {
      await waitFor(
        async () =>
          ['sent', 'delivered', 'read'].includes((await messagesRepo.get(h.database.db, row.id))?.status ?? ''),
        10_000,
        `${row.type} sent`,
      );
    }
  }, 30_000);

  test('read receipts move sent messages to read, with a message.ack each', async () => {
    const row = await ready('text', { text: 'please read me' });
    await publish(row.id);
    await waitFor(
      async () => ['sent', 'delivered'].includes((await messagesRepo.get(h.database.db, row.id))?.status ?? ''),
      10_000,
      'sent',
    );
    await eventually(() => h.sim.sim.inbox(BOB).find((m) => m.text === 'please read me'), 5_000, 'in inbox');
    h.sim.sim.markRead(BOB);
    await waitFor(async () => (await messagesRepo.get(h.database.db, row.id))?.status === 'read', 10_000, 'read');
    await eventually(
      () => h.events.find((e) => e.event === 'message.ack' && e.data['id'] === row.id && e.data['status'] === 'read'),
      5_000,
      'read ack',
    );
  }, 30_000);
});

import { makeEvent } from '../../contracts/events.ts';
import { createTestDatabase, insertTestInstance, type TestDatabaseKind } from '../../testing/database.ts';
import { servicesUp } from '../../testing/services.ts';
import type { Database } from '../database.ts';
import { fencedMessagesRepo as repo } from './fenced-messages.ts';
import { type Fence, instanceOwnershipRepo, StaleFenceError } from './instance-ownership.ts';
import { messagesRepo } from './messages.ts';

const kinds: TestDatabaseKind[] = (await servicesUp('postgres')) ? ['pglite', 'postgres'] : ['pglite'];

describe.each(kinds)('fenced message writes on %s', (kind) => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  }, 60_000);
  afterAll(() => database.close());

  /** An owned instance with `count` outbound messages to one chat, all `ready`, in acceptance order. */
  async function owned(count: number, worker = 'w1') {
    const instance = await insertTestInstance(database.db);
    const token = (await instanceOwnershipRepo.claim(database.db, instance.id, worker, 60_000)) as number;
    const fence: Fence = { instanceId: instance.id, worker, token };
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const { row } = await messagesRepo.insertOutbound(database.db, {
        instanceId: instance.id,
        remoteJid: '5511900000001@s.whatsapp.net',
        type: 'text',
        content: { text: `m${i}` },
      });
      await messagesRepo.transition(database.db, row.id, 'preparing');
      await messagesRepo.transition(database.db, row.id, 'ready');
      ids.push(row.id);
    }
    return { instance, fence, ids };
  }

  const eventsOf = async (instanceId: string) =>
    database.db.selectFrom('events_outbox').select(['id', 'event']).where('instance_id', '=', instanceId).execute();

  test('a message is claimed for sending only once every earlier one to its chat is on the wire', async () => {
    const { fence, ids } = await owned(2);
    const [first, second] = ids as [string, string];
    expect(await repo.claimForSend(database.db, fence, second, 'WA2')).toBeUndefined();
    const claimed = await repo.claimForSend(database.db, fence, first, 'WA1');
    expect(claimed).toMatchObject({ id: first, status: 'sending', wa_message_id: 'WA1' });
    // `sending` still blocks the next one; `sent` releases it.
    expect(await repo.claimForSend(database.db, fence, second, 'WA2')).toBeUndefined();
    await repo.transition(database.db, fence, first, 'sent', { waMessageId: 'WA1' });
    expect(await repo.claimForSend(database.db, fence, second, 'WA2')).toMatchObject({ status: 'sending' });
    // A re-claim (redelivery after a crash) keeps the id it was first sent with.
    expect(await repo.claimForSend(database.db, fence, second, 'OTHER')).toMatchObject({ wa_message_id: 'WA2' });
  });

  test('the event is written with the status change, and only when the status moved', async () => {
    const { instance, fence, ids } = await owned(1);
    const id = ids[0] as string;
    await repo.claimForSend(database.db, fence, id, 'WA');
    const sent = makeEvent('message.sent', instance, { id }, 'WA');
    expect(await repo.transition(database.db, fence, id, 'sent', { waMessageId: 'WA' }, sent)).toMatchObject({
      status: 'sent',
    });
    const read = makeEvent('message.ack', instance, { id }, 'WA', 'read');
    expect(await repo.transition(database.db, fence, id, 'read', {}, read)).toMatchObject({ status: 'read' });
    // A late "delivered" after "read" is a no-op: no status change, no event.
    const late = makeEvent('message.ack', instance, { id }, 'WA', 'delivered');
    expect(await repo.transition(database.db, fence, id, 'delivered', {}, late)).toBeUndefined();
    expect((await eventsOf(instance.id)).map((e) => e.id).sort()).toEqual([read.id, sent.id].sort());
    const row = await messagesRepo.get(database.db, id);
    expect(row?.history.map((h) => h.status)).toEqual(['queued', 'preparing', 'ready', 'sending', 'sent', 'read']);
  });

  test('a receipt finds our message by its WhatsApp id and fills the event from the row', async () => {
    const { instance, fence, ids } = await owned(1);
    const id = ids[0] as string;
    await repo.claimForSend(database.db, fence, id, 'WA-ACK');
    await repo.transition(database.db, fence, id, 'sent');
    const ack = makeEvent(
      'message.ack',
      instance,
      { wa_message_id: 'WA-ACK', status: 'delivered', remote_jid: null },
      'x',
    );
    expect(await repo.ackByWaId(database.db, fence, 'WA-ACK', 'delivered', ack, null)).toMatchObject({ id });
    const stored = await database.db
      .selectFrom('events_outbox')
      .select('envelope')
      .where('id', '=', ack.id)
      .executeTakeFirstOrThrow();
    expect(stored.envelope).toMatchObject({
      id: ack.id,
      event: 'message.ack',
      data: { id, wa_message_id: 'WA-ACK', status: 'delivered', remote_jid: '5511900000001@s.whatsapp.net' },
    });
    // Unknown ids and inbound messages are not ours to acknowledge.
    const inbound = makeEvent('message.ack', instance, {}, 'y');
    await messagesRepo.insertInbound(database.db, {
      instanceId: instance.id,
      remoteJid: '5511900000002@s.whatsapp.net',
      type: 'text',
      content: { text: 'hi' },
      waMessageId: 'WA-IN',
    });
    expect(await repo.ackByWaId(database.db, fence, 'WA-IN', 'read', inbound, null)).toBeUndefined();
    expect(await repo.ackByWaId(database.db, fence, 'WA-NONE', 'read', inbound, null)).toBeUndefined();
  });

  test('message.sent is written even when the receipt beat the sent write', async () => {
    const { instance, fence, ids } = await owned(1);
    const id = ids[0] as string;
    await repo.claimForSend(database.db, fence, id, 'WA-FAST');
    const ack = makeEvent('message.ack', instance, { status: 'delivered' }, 'WA-FAST', 'delivered');
    await repo.ackByWaId(database.db, fence, 'WA-FAST', 'delivered', ack, null);
    const sent = makeEvent('message.sent', instance, { id }, 'WA-FAST');
    expect(await repo.markSent(database.db, fence, id, 'WA-FAST', sent)).toMatchObject({ status: 'delivered' });
    expect((await eventsOf(instance.id)).map((e) => e.event).sort()).toEqual(['message.ack', 'message.sent']);
    const row = await messagesRepo.get(database.db, id);
    expect(row?.history.map((h) => h.status)).toEqual(['queued', 'preparing', 'ready', 'sending', 'delivered']);
    // A final failure is never overwritten.
    await database.db.updateTable('messages').set({ status: 'failed' }).where('id', '=', id).execute();
    expect(await repo.markSent(database.db, fence, id, 'WA-FAST', sent)).toBeUndefined();
  });

  test('a stale holder writes nothing and is told so', async () => {
    const { instance, fence, ids } = await owned(1);
    const id = ids[0] as string;
    await instanceOwnershipRepo.release(database.db, fence);
    const next = (await instanceOwnershipRepo.claim(database.db, instance.id, 'w2', 60_000)) as number;
    expect(next).toBe(fence.token + 1);
    await expect(repo.claimForSend(database.db, fence, id, 'WA')).rejects.toBeInstanceOf(StaleFenceError);
    const failed = makeEvent('message.failed', instance, { id }, id);
    await expect(repo.transition(database.db, fence, id, 'failed', { reason: 'x' }, failed)).rejects.toBeInstanceOf(
      StaleFenceError,
    );
    expect(await messagesRepo.get(database.db, id)).toMatchObject({ status: 'ready', error: null });
    expect(await eventsOf(instance.id)).toEqual([]);
  });

  test('a message of another instance is never claimed under this fence', async () => {
    const mine = await owned(0);
    const theirs = await owned(1, 'w2');
    expect(await repo.claimForSend(database.db, mine.fence, theirs.ids[0] as string, 'WA')).toBeUndefined();
    expect(await messagesRepo.get(database.db, theirs.ids[0] as string)).toMatchObject({ status: 'ready' });
  });
});

import { createHash } from 'node:crypto';
import { makeEvent } from '../../contracts/events.ts';
import {
  claimTestFence,
  insertTestInstance,
  insertTestOutbound,
  testDatabaseKinds,
  withTestDatabase,
} from '../../testing/database.ts';
import { ackData, failedData, sentData } from '../../testing/event-data.ts';
import type { MessageRow } from '../tables/messages.ts';
import { fencedMessagesRepo as repo } from './fenced-messages.ts';
import { type Fence, instanceOwnershipRepo, StaleFenceError } from './instance-ownership.ts';
import { messagesRepo } from './messages.ts';

const CHAT = '5511900000001@s.whatsapp.net';

const kinds = await testDatabaseKinds();

describe.each(kinds)('fenced message writes on %s', (kind) => {
  const database = withTestDatabase(kind);

  /** An owned instance with `count` outbound messages to one chat, all `ready`, in acceptance order. */
  async function owned(count: number, worker = 'w1') {
    const instance = await insertTestInstance(database.db);
    const fence = await claimTestFence(database.db, instance.id, worker);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const { row } = await insertTestOutbound(database.db, {
        instanceId: instance.id,
        remoteJid: CHAT,
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

  /** As the session-worker derives it (waMessageIdFor). */
  const waIdOf = (id: string) => `3EB0${createHash('sha256').update(id).digest('hex').toUpperCase().slice(0, 18)}`;
  const claimOne = async (fence: Fence, id: string) => {
    const rows = await repo.claimChat(database.db, fence, CHAT, 1);
    expect(rows.map((r) => r.id)).toEqual([id]);
    return rows[0] as MessageRow;
  };
  const sentEvent = (instance: { id: string; name: string }, id: string) =>
    makeEvent('message.sent', instance, sentData(id), waIdOf(id));

  test('a chat is claimed in acceptance order, up to the first message not ready, at most `limit`', async () => {
    const { instance, fence, ids } = await owned(5);
    const [m0, m1, m2, m3, m4] = ids as [string, string, string, string, string];
    // m3 goes back to being prepared: the run stops before it.
    await database.db.updateTable('messages').set({ status: 'preparing' }).where('id', '=', m3).execute();
    const first = await repo.claimChat(database.db, fence, CHAT, 2);
    expect(first.map((r) => [r.id, r.status, r.wa_message_id])).toEqual([
      [m0, 'sending', waIdOf(m0)],
      [m1, 'sending', waIdOf(m1)],
    ]);
    // Claimed rows (`sending`) are claimed again — a pass that stopped, an owner that died — with
    // the same WhatsApp id, and the run goes on to m2 and stops at m3.
    expect((await repo.claimChat(database.db, fence, CHAT, 10)).map((r) => r.id)).toEqual([m0, m1, m2]);
    await repo.markSent(
      database.db,
      [m0, m1, m2].map((id) => ({ fence, id, event: sentEvent(instance, id) })),
    );
    expect(await repo.claimChat(database.db, fence, CHAT, 10)).toEqual([]);
    await database.db.updateTable('messages').set({ status: 'ready' }).where('id', '=', m3).execute();
    expect((await repo.claimChat(database.db, fence, CHAT, 10)).map((r) => r.id)).toEqual([m3, m4]);
    // A final message (cancelled, failed) holds nothing up; another chat is not touched.
    expect(await repo.claimChat(database.db, fence, 'other@s.whatsapp.net', 10)).toEqual([]);
  });

  test('chats of several instances are claimed in one statement, each answering its own rows', async () => {
    const a = await owned(3);
    const b = await owned(2);
    const stale = await owned(1);
    await instanceOwnershipRepo.release(database.db, stale.fence);
    await instanceOwnershipRepo.claim(database.db, stale.instance.id, 'w2', 60_000);
    // A second chat of a, whose head is still being prepared: nothing of it is claimed.
    const { row: held } = await insertTestOutbound(database.db, {
      instanceId: a.instance.id,
      remoteJid: 'other@s.whatsapp.net',
      type: 'text',
      content: { text: 'held' },
    });
    await messagesRepo.transition(database.db, held.id, 'preparing');
    const [ofA, ofB, ofStale, ofHeld] = await repo.claimChats(database.db, [
      { fence: a.fence, chat: CHAT, limit: 2 },
      { fence: b.fence, chat: CHAT, limit: 10 },
      { fence: stale.fence, chat: CHAT, limit: 10 },
      { fence: a.fence, chat: 'other@s.whatsapp.net', limit: 10 },
    ]);
    expect((ofA as MessageRow[]).map((r) => [r.id, r.status])).toEqual(a.ids.slice(0, 2).map((id) => [id, 'sending']));
    expect((ofB as MessageRow[]).map((r) => r.id)).toEqual(b.ids);
    expect(ofStale).toBeInstanceOf(StaleFenceError);
    expect(ofHeld).toEqual([]);
    expect(await messagesRepo.get(database.db, stale.ids[0] as string)).toMatchObject({ status: 'ready' });
    expect(await messagesRepo.get(database.db, a.ids[2] as string)).toMatchObject({ status: 'ready' });
  });

  test('a message past its expires_at is never claimed and holds nothing up; a sending one within it is claimed again with its WhatsApp id', async () => {
    const { fence, ids } = await owned(5);
    const [m0, m1, m2, m3, m4] = ids as [string, string, string, string, string];
    // An owner claimed m0..m3 and died before `sent`; m4 is still ready.
    await repo.claimChat(database.db, fence, CHAT, 4);
    const past = new Date(Date.now() - 1_000);
    const within = new Date(Date.now() + 60_000);
    const longAgo = new Date(Date.now() - 3_600_000);
    const set = (id: string, expires_at: Date) =>
      database.db.updateTable('messages').set({ expires_at, updated_at: longAgo }).where('id', '=', id).execute();
    await set(m0, past);
    await set(m1, within);
    await set(m2, past);
    await set(m3, within);
    await set(m4, past);
    const before = await messagesRepo.get(database.db, m0);

    const [claimed] = await repo.claimChats(database.db, [{ fence, chat: CHAT, limit: 10 }]);
    expect((claimed as MessageRow[]).map((r) => [r.id, r.status, r.wa_message_id])).toEqual([
      [m1, 'sending', waIdOf(m1)],
      [m3, 'sending', waIdOf(m3)],
    ]);
    // The expired ones are left exactly as they were, for the sweeper to end.
    expect(await messagesRepo.get(database.db, m0)).toEqual(before);
    expect(await messagesRepo.get(database.db, m2)).toMatchObject({ status: 'sending', wa_message_id: waIdOf(m2) });
    expect(await messagesRepo.get(database.db, m4)).toMatchObject({ status: 'ready', wa_message_id: null });
  });

  test('markSent writes every message and its message.sent in one statement', async () => {
    const { instance, fence, ids } = await owned(3);
    await repo.claimChat(database.db, fence, CHAT, 3);
    const rows = await repo.markSent(
      database.db,
      ids.map((id) => ({ fence, id, event: sentEvent(instance, id) })),
    );
    expect(rows.map((r) => (r as MessageRow).status)).toEqual(['sent', 'sent', 'sent']);
    expect((await eventsOf(instance.id)).map((e) => e.id).sort()).toEqual(
      ids.map((id) => sentEvent(instance, id).id).sort(),
    );
  });

  test('the event is written with the status change, and only when the status moved', async () => {
    const { instance, fence, ids } = await owned(1);
    const id = ids[0] as string;
    await claimOne(fence, id);
    const sent = makeEvent('message.sent', instance, sentData(id), 'WA');
    expect(await repo.transition(database.db, fence, id, 'sent', { waMessageId: 'WA' }, sent)).toMatchObject({
      status: 'sent',
    });
    const read = makeEvent('message.ack', instance, { ...ackData('WA', 'read'), id }, 'WA', 'read');
    expect(await repo.transition(database.db, fence, id, 'read', {}, read)).toMatchObject({ status: 'read' });
    // A late "delivered" after "read" is a no-op: no status change, no event.
    const late = makeEvent('message.ack', instance, { ...ackData('WA', 'delivered'), id }, 'WA', 'delivered');
    expect(await repo.transition(database.db, fence, id, 'delivered', {}, late)).toBeUndefined();
    expect((await eventsOf(instance.id)).map((e) => e.id).sort()).toEqual([read.id, sent.id].sort());
    const row = await messagesRepo.get(database.db, id);
    expect(row?.history.map((h) => h.status)).toEqual(['queued', 'preparing', 'ready', 'sending', 'sent', 'read']);
  });

  test('a receipt finds our message by its WhatsApp id and fills the event from the row', async () => {
    const { instance, fence, ids } = await owned(1);
    const id = ids[0] as string;
    const waId = (await claimOne(fence, id)).wa_message_id as string;
    await repo.transition(database.db, fence, id, 'sent');
    const ack = makeEvent('message.ack', instance, ackData(waId, 'delivered'), 'x');
    const receipt = (to: 'delivered' | 'read', event = ack, wa = waId) => ({
      fence,
      receipt: { waMessageId: wa, to, event, remoteJid: null },
    });
    expect(await repo.ack(database.db, [receipt('delivered')])).toMatchObject([{ id }]);
    const stored = await database.db
      .selectFrom('events_outbox')
      .select('envelope')
      .where('id', '=', ack.id)
      .executeTakeFirstOrThrow();
    expect(stored.envelope).toMatchObject({
      id: ack.id,
      event: 'message.ack',
      data: { id, wa_message_id: waId, status: 'delivered', remote_jid: CHAT },
    });
    // Unknown ids and inbound messages are not ours to acknowledge.
    const inbound = makeEvent('message.ack', instance, ackData('WA-IN', 'read'), 'y');
    await messagesRepo.insertInbound(database.db, {
      instanceId: instance.id,
      remoteJid: '5511900000002@s.whatsapp.net',
      type: 'text',
      content: { text: 'hi' },
      waMessageId: 'WA-IN',
    });
    expect(
      await repo.ack(database.db, [receipt('read', inbound, 'WA-IN'), receipt('read', inbound, 'WA-NONE')]),
    ).toEqual([undefined, undefined]);
    // "read", then a late "delivered": only "read" moves.
    const read = makeEvent('message.ack', instance, ackData(waId, 'read'), 'z');
    expect(await repo.ack(database.db, [receipt('read', read)])).toMatchObject([{ id, status: 'read' }]);
    expect(await repo.ack(database.db, [receipt('delivered', ack)])).toEqual([undefined]);
  });

  test('message.sent is written even when the receipt beat the sent write', async () => {
    const { instance, fence, ids } = await owned(1);
    const id = ids[0] as string;
    const waId = (await claimOne(fence, id)).wa_message_id as string;
    const ack = makeEvent('message.ack', instance, ackData(waId, 'delivered'), waId, 'delivered');
    await repo.ack(database.db, [
      { fence, receipt: { waMessageId: waId, to: 'delivered', event: ack, remoteJid: null } },
    ]);
    const sent = sentEvent(instance, id);
    expect(await repo.markSent(database.db, [{ fence, id, event: sent }])).toMatchObject([{ status: 'delivered' }]);
    expect((await eventsOf(instance.id)).map((e) => e.event).sort()).toEqual(['message.ack', 'message.sent']);
    const row = await messagesRepo.get(database.db, id);
    expect(row?.history.map((h) => h.status)).toEqual(['queued', 'preparing', 'ready', 'sending', 'delivered']);
    // A final failure is never overwritten.
    await database.db.updateTable('messages').set({ status: 'failed' }).where('id', '=', id).execute();
    expect(await repo.markSent(database.db, [{ fence, id, event: sent }])).toEqual([undefined]);
  });

  test('a stale holder writes nothing and is told so', async () => {
    const { instance, fence, ids } = await owned(1);
    const id = ids[0] as string;
    await instanceOwnershipRepo.release(database.db, fence);
    const next = (await instanceOwnershipRepo.claim(database.db, instance.id, 'w2', 60_000)) as number;
    expect(next).toBe(fence.token + 1);
    await expect(repo.claimChat(database.db, fence, CHAT, 10)).rejects.toBeInstanceOf(StaleFenceError);
    const failed = makeEvent('message.failed', instance, failedData(id), id);
    await expect(repo.transition(database.db, fence, id, 'failed', { reason: 'x' }, failed)).rejects.toBeInstanceOf(
      StaleFenceError,
    );
    expect(await messagesRepo.get(database.db, id)).toMatchObject({ status: 'ready', error: null });
    expect(await eventsOf(instance.id)).toEqual([]);
    // In a group commit, only the stale item is refused; the others' writes apply.
    const current = await owned(1);
    const currentId = current.ids[0] as string;
    await repo.claimChat(database.db, current.fence, CHAT, 1);
    const [theirs, ours] = await repo.markSent(database.db, [
      { fence, id, event: sentEvent(instance, id) },
      { fence: current.fence, id: currentId, event: sentEvent(current.instance, currentId) },
    ]);
    expect(theirs).toBeInstanceOf(StaleFenceError);
    expect(ours).toMatchObject({ id: currentId, status: 'sent' });
    expect(await messagesRepo.get(database.db, id)).toMatchObject({ status: 'ready' });
  });

  test("a pass's keys and its sent commit in one statement, or neither under a stale fence", async () => {
    const keysOf = (instanceId: string) =>
      database.db.selectFrom('wa_auth_keys').select(['id', 'key_id']).where('instance_id', '=', instanceId).execute();
    const session = (id: string) => ({ type: 'session', id, keyId: 'k1', ciphertext: Buffer.from(id) });
    const a = await owned(2);
    const b = await owned(0);
    await repo.claimChat(database.db, a.fence, CHAT, 2);
    const [m0, m1] = a.ids as [string, string];
    const written = await repo.markSentWithKeys(
      database.db,
      [
        { fence: a.fence, id: m0, event: sentEvent(a.instance, m0) },
        { fence: a.fence, id: m1, event: sentEvent(a.instance, m1) },
      ],
      [
        { fence: a.fence, upserts: [session('a.0'), session('a.1')] },
        { fence: b.fence, upserts: [session('b.0')] },
      ],
    );
    expect(written.sent.map((r) => (r as MessageRow).status)).toEqual(['sent', 'sent']);
    expect(written.held(a.fence) && written.held(b.fence)).toBe(true);
    expect((await keysOf(a.instance.id)).map((k) => k.id).sort()).toEqual(['a.0', 'a.1']);
    expect((await keysOf(b.instance.id)).map((k) => k.id)).toEqual(['b.0']);
    expect((await eventsOf(a.instance.id)).map((e) => e.event)).toEqual(['message.sent', 'message.sent']);

    // A stale holder's keys and sends are refused together; the other instance's keys still apply.
    const c = await owned(1);
    const [m2] = c.ids as [string];
    await repo.claimChat(database.db, c.fence, CHAT, 1);
    await instanceOwnershipRepo.release(database.db, c.fence);
    const stale = await repo.markSentWithKeys(
      database.db,
      [{ fence: c.fence, id: m2, event: sentEvent(c.instance, m2) }],
      [
        { fence: c.fence, upserts: [session('c.0')] },
        { fence: b.fence, upserts: [session('b.1')] },
      ],
    );
    expect(stale.sent[0]).toBeInstanceOf(StaleFenceError);
    expect(stale.held(c.fence)).toBe(false);
    expect(stale.held(b.fence)).toBe(true);
    expect(await keysOf(c.instance.id)).toEqual([]);
    expect((await messagesRepo.get(database.db, m2))?.status).toBe('sending');
    expect((await keysOf(b.instance.id)).map((k) => k.id).sort()).toEqual(['b.0', 'b.1']);
  });

  test('a message of another instance is never claimed under this fence', async () => {
    const mine = await owned(0);
    const theirs = await owned(1, 'w2');
    expect(await repo.claimChat(database.db, mine.fence, CHAT, 10)).toEqual([]);
    expect(await messagesRepo.get(database.db, theirs.ids[0] as string)).toMatchObject({ status: 'ready' });
  });
});

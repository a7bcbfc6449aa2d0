import { insertTestOutbound, testDatabaseKinds, withTestInstance } from '../../testing/database.ts';
import { messagesRepo } from './messages.ts';

const kinds = await testDatabaseKinds();

describe.each(kinds)('messages repository on %s', (kind) => {
  const { database, instance } = withTestInstance(kind, { name: `i-${kind}` });

  const insert = (idempotencyKey?: string) =>
    insertTestOutbound(database.db, {
      instanceId: instance.id,
      remoteJid: '1@s.whatsapp.net',
      type: 'text',
      content: { text: 'x' },
      idempotencyKey,
    });

  test('status only moves forward, and final states never change', async () => {
    const { row } = await insert();
    expect(await messagesRepo.transition(database.db, row.id, 'sending')).toBeUndefined();
    expect((await messagesRepo.transition(database.db, row.id, 'preparing'))?.status).toBe('preparing');
    expect((await messagesRepo.transition(database.db, row.id, 'ready'))?.status).toBe('ready');
    expect((await messagesRepo.transition(database.db, row.id, 'sending'))?.status).toBe('sending');
    // A receipt that arrives before `sent` is kept.
    expect((await messagesRepo.transition(database.db, row.id, 'delivered'))?.status).toBe('delivered');
    expect(await messagesRepo.transition(database.db, row.id, 'sent')).toBeUndefined();
    expect((await messagesRepo.transition(database.db, row.id, 'read'))?.status).toBe('read');
    expect(await messagesRepo.transition(database.db, row.id, 'failed', { reason: 'x' })).toBeUndefined();
    const final = await messagesRepo.get(database.db, row.id);
    expect(final?.history.map((h) => h.status)).toEqual([
      'queued',
      'preparing',
      'ready',
      'sending',
      'delivered',
      'read',
    ]);
  });

  test('the sender-worker claims a queued row once: straight to ready unless there is media to prepare or it expired', async () => {
    const outbound = (type: string, content: Record<string, unknown>, expiresAt?: Date) =>
      insertTestOutbound(database.db, {
        instanceId: instance.id,
        remoteJid: '1@s.whatsapp.net',
        type,
        content,
        expiresAt,
      });
    const text = (await outbound('text', { text: 'x' })).row;
    const byUrl = (await outbound('media', { media_url: 'https://example.com/a.png' })).row;
    const inline = (await outbound('media', { base64: 'AAAA' })).row;
    const expiring = (await outbound('text', { text: 'y' }, new Date(Date.now() + 60_000))).row;
    const expired = (await outbound('text', { text: 'z' }, new Date(Date.now() - 1_000))).row;
    expect((await messagesRepo.claimQueued(database.db, text.id))?.status).toBe('ready');
    expect((await messagesRepo.claimQueued(database.db, byUrl.id))?.status).toBe('preparing');
    expect((await messagesRepo.claimQueued(database.db, inline.id))?.status).toBe('preparing');
    expect((await messagesRepo.claimQueued(database.db, expiring.id))?.status).toBe('ready');
    expect((await messagesRepo.claimQueued(database.db, expired.id))?.status).toBe('preparing');
    expect(await messagesRepo.claimQueued(database.db, text.id)).toBeUndefined();
    expect((await messagesRepo.get(database.db, text.id))?.history.map((h) => h.status)).toEqual(['queued', 'ready']);
  });

  test('an idempotency key returns the original message', async () => {
    const first = await insert('k-1');
    const second = await insert('k-1');
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.row.id).toBe(first.row.id);
  });

  test('cancelling pending messages leaves sent ones alone', async () => {
    const pending = await insert();
    const sent = await insert();
    await messagesRepo.transition(database.db, sent.row.id, 'preparing');
    await messagesRepo.transition(database.db, sent.row.id, 'ready');
    await messagesRepo.transition(database.db, sent.row.id, 'sent');
    const cancelled = await messagesRepo.cancelPending(database.db, instance.id);
    expect(cancelled).toContain(pending.row.id);
    expect(cancelled).not.toContain(sent.row.id);
    expect((await messagesRepo.get(database.db, sent.row.id))?.status).toBe('sent');
  });

  test('inbound messages are stored once per WhatsApp id', async () => {
    const m = {
      instanceId: instance.id,
      remoteJid: '2@s.whatsapp.net',
      type: 'text',
      content: { text: 'hi' },
      waMessageId: 'WA1',
    };
    expect(await messagesRepo.insertInbound(database.db, m)).toBe(true);
    expect(await messagesRepo.insertInbound(database.db, m)).toBe(false);
  });
});

import { insertTestInstance, testDatabaseKinds, withTestInstance } from '../../testing/database.ts';
import { instancesRepo } from './instances.ts';
import { messagesRepo } from './messages.ts';

const kinds = await testDatabaseKinds();

describe.each(kinds)('the API accepting messages on %s', (kind) => {
  const { database, instance } = withTestInstance(kind, { name: `accept-${kind}` });

  const accept = (idempotencyKey?: string, id = instance.id) =>
    messagesRepo.acceptOutbound(database.db, {
      instanceId: id,
      remoteJid: '1@s.whatsapp.net',
      type: 'text',
      content: { to: '1', text: 'x' },
      idempotencyKey,
      expiresAt: new Date(Date.now() + 60_000),
    });

  test('writes a queued outbound row, not yet published, with its history and TTL', async () => {
    const accepted = await accept();
    expect(accepted).toMatchObject({ status: 'queued', created: true });
    const row = await messagesRepo.get(database.db, accepted?.id ?? '');
    expect(row).toMatchObject({
      instance_id: instance.id,
      direction: 'outbound',
      remote_jid: '1@s.whatsapp.net',
      type: 'text',
      content: { to: '1', text: 'x' },
      media_key: null,
      status: 'queued',
      wa_message_id: null,
      error: null,
      idempotency_key: null,
      published_at: null,
    });
    expect(row?.history.map((h) => h.status)).toEqual(['queued']);
    expect(row?.expires_at).toBeInstanceOf(Date);
  });

  test('a repeated idempotency key answers the original, whatever its status now', async () => {
    const first = await accept('k1');
    await messagesRepo.transition(database.db, first?.id ?? '', 'preparing');
    expect(await accept('k1')).toEqual({ id: first?.id, status: 'preparing', created: false });
  });

  test('an instance that no longer exists is undefined, not an error', async () => {
    const gone = await insertTestInstance(database.db, { name: `gone-${kind}` });
    await instancesRepo.deleteWithData(database.db, gone.id);
    expect(await accept(undefined, gone.id)).toBeUndefined();
    expect(await accept('k2', gone.id)).toBeUndefined();
  });

  test('markPublished writes only rows still queued; claimed ones are no concern of the relay', async () => {
    const queued = await accept();
    const claimed = await accept();
    await messagesRepo.transition(database.db, claimed?.id ?? '', 'preparing');
    await messagesRepo.markPublished(database.db, [queued?.id ?? '', claimed?.id ?? '']);
    expect((await messagesRepo.get(database.db, queued?.id ?? ''))?.published_at).toBeInstanceOf(Date);
    expect((await messagesRepo.get(database.db, claimed?.id ?? ''))?.published_at).toBeNull();
    const waiting = await accept();
    let offered: string[] = [];
    const soon = new Date(Date.now() + 60_000);
    await messagesRepo.relayUnpublished(database.db, { createdBefore: soon, limit: 1000 }, async (rows) => {
      offered = rows.map((r) => r.id);
      return [];
    });
    expect(offered).toContain(waiting?.id);
    expect(offered).not.toContain(queued?.id);
    expect(offered).not.toContain(claimed?.id);
  });
});

import { makeEvent } from '../../contracts/events.ts';
import { insertTestInstance, insertTestOutbound, testDatabaseKinds, withTestDatabase } from '../../testing/database.ts';
import type { InstanceStatus, MessageStatus } from '../schema.ts';
import { type DueRow, messageSweepsRepo as repo } from './message-sweeps.ts';
import { messagesRepo } from './messages.ts';

const kinds = await testDatabaseKinds();

const minute = 60_000;

describe.each(kinds)('message sweeps on %s', (kind) => {
  const database = withTestDatabase(kind);
  const now = new Date();
  const staleBefore = new Date(now.getTime() - minute);
  const longAgo = new Date(now.getTime() - 10 * minute);

  const instance = (status: InstanceStatus = 'connected') => insertTestInstance(database.db, { status });

  /** An outbound row moved to `status`, last touched at `updatedAt`, optionally with a TTL and published. */
  async function message(
    instanceId: string,
    status: MessageStatus,
    o: { updatedAt?: Date; expiresAt?: Date; published?: boolean } = {},
  ): Promise<string> {
    const { row } = await insertTestOutbound(database.db, {
      instanceId,
      remoteJid: '1@s.whatsapp.net',
      type: 'text',
      content: { text: 'x' },
      expiresAt: o.expiresAt,
    });
    const path: MessageStatus[] = ['preparing', 'ready', 'sending'];
    for (const step of path.slice(0, path.indexOf(status) + 1))
      await messagesRepo.transition(database.db, row.id, step as Exclude<MessageStatus, 'queued'>);
    if (o.published) await messagesRepo.markPublished(database.db, [row.id]);
    await database.db
      .updateTable('messages')
      .set({ updated_at: o.updatedAt ?? now })
      .where('id', '=', row.id)
      .execute();
    return row.id;
  }

  const failed = (row: DueRow) =>
    makeEvent(
      'message.failed',
      { id: row.instance_id, name: row.name },
      {
        id: row.id,
        message_id: row.id,
        wa_message_id: row.wa_message_id,
        remote_jid: row.remote_jid,
        type: row.type,
        status: 'expired',
        reason: 'expired',
      },
      row.id,
    );

  test('instances with stale rows of a status: connected ones only, rows within their TTL only', async () => {
    const stale = await instance();
    const fresh = await instance();
    const offline = await instance('disconnected');
    const expired = await instance();
    await message(stale.id, 'ready', { updatedAt: longAgo, expiresAt: new Date(now.getTime() + minute) });
    await message(fresh.id, 'ready');
    await message(offline.id, 'ready', { updatedAt: longAgo });
    await message(expired.id, 'ready', { updatedAt: longAgo, expiresAt: new Date(now.getTime() - 1) });
    const found = await repo.instancesWithStale(database.db, 'ready', staleBefore, now);
    expect(found).toContain(stale.id);
    expect(found).not.toContain(fresh.id);
    expect(found).not.toContain(offline.id);
    expect(found).not.toContain(expired.id);
    expect(await repo.instancesWithStale(database.db, 'preparing', staleBefore, now)).not.toContain(stale.id);
  });

  test('a claim takes stale rows oldest first up to the limit, and touches them so they are not stale again', async () => {
    const { id } = await instance();
    const older = await message(id, 'preparing', { updatedAt: new Date(longAgo.getTime() - minute) });
    const old = await message(id, 'preparing', { updatedAt: longAgo });
    await message(id, 'preparing');
    const q = { status: 'preparing', instanceIds: [id], staleBefore, now, limit: 1 } as const;
    expect((await repo.claimStale(database.db, q)).map((r) => r.id)).toEqual([older]);
    expect((await repo.claimStale(database.db, { ...q, limit: 10 })).map((r) => r.id)).toEqual([old]);
    expect(await repo.claimStale(database.db, { ...q, limit: 10 })).toEqual([]);
    expect((await messagesRepo.get(database.db, older))?.updated_at).toEqual(now);
  });

  test('a stale queued row is claimed only once published: before that it is the relay’s', async () => {
    const { id } = await instance();
    const unpublished = await message(id, 'queued', { updatedAt: longAgo });
    const published = await message(id, 'queued', { updatedAt: longAgo, published: true });
    const q = { status: 'queued', instanceIds: [id], staleBefore, now, limit: 10 } as const;
    const claimed = (await repo.claimStale(database.db, q)).map((r) => r.id);
    expect(claimed).toEqual([published]);
    expect(claimed).not.toContain(unpublished);
    expect(await repo.claimStale(database.db, { ...q, instanceIds: [] })).toEqual([]);
  });

  test('rows past their TTL end with their event, whatever the instance state; rows moved on are left', async () => {
    const { id, name } = await instance('disconnected');
    const past = new Date(now.getTime() - 1);
    const due = await message(id, 'ready', { expiresAt: past });
    const sent = await message(id, 'sending', { expiresAt: past });
    await messagesRepo.transition(database.db, sent, 'sent');
    const living = await message(id, 'ready', { expiresAt: new Date(now.getTime() + minute) });
    const end = { status: 'expired', reason: 'expired' } as const;
    const statuses: MessageStatus[] = ['queued', 'preparing', 'ready', 'sent'];
    const ended = (await repo.endDue(database.db, { statuses, now }, end, 10, failed)).filter(
      (r) => r.instance_id === id,
    );
    expect(ended.map((r) => [r.id, r.name])).toEqual([[due, name]]);
    expect(await messagesRepo.get(database.db, due)).toMatchObject({ status: 'expired', error: 'expired' });
    expect((await messagesRepo.get(database.db, living))?.status).toBe('ready');
    const events = await database.db.selectFrom('events_outbox').select('id').where('instance_id', '=', id).execute();
    expect(events.map((e) => e.id)).toEqual([ended[0]?.event.id]);
  });

  test('with untouchedSince, only rows not updated since end; the oldest TTL first, up to the limit', async () => {
    const { id } = await instance();
    const first = await message(id, 'sending', { updatedAt: longAgo, expiresAt: new Date(now.getTime() - 2) });
    const second = await message(id, 'sending', { updatedAt: longAgo, expiresAt: new Date(now.getTime() - 1) });
    const touched = await message(id, 'sending', { expiresAt: new Date(now.getTime() - 3) });
    const due = { statuses: ['sending' as const], now, untouchedSince: staleBefore };
    const end = { status: 'failed', reason: 'delivery_unknown' } as const;
    expect((await repo.endDue(database.db, due, end, 1, failed)).map((r) => r.id)).toEqual([first]);
    expect((await repo.endDue(database.db, due, end, 10, failed)).map((r) => r.id)).toEqual([second]);
    expect((await messagesRepo.get(database.db, touched))?.status).toBe('sending');
  });
});

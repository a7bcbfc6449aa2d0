import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { migrator, openDatabase } from '../database.ts';

test('base64 left in rows whose media is stored (or that ended) is dropped; pending rows keep theirs', async () => {
  const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  try {
    const m = migrator(database.db);
    expect((await m.migrateTo('20261207-0006-events-cursor')).error).toBeUndefined();
    const instanceId = randomUUID();
    await sql`INSERT INTO instances (id, name) VALUES (${instanceId}, 'i')`.execute(database.db);
    const rows = {
      stored: ['sent', `media/${instanceId}/1`],
      failed: ['failed', null],
      preparing: ['preparing', null],
      queued: ['queued', null],
    } as const;
    for (const [caption, [status, mediaKey]] of Object.entries(rows)) {
      await sql`INSERT INTO messages (id, instance_id, direction, remote_jid, type, content, media_key, status)
        VALUES (${randomUUID()}, ${instanceId}, 'outbound', 'x@s.whatsapp.net', 'image',
          ${JSON.stringify({ base64: 'QUJD', caption })}::jsonb, ${mediaKey}, ${status})`.execute(database.db);
    }
    expect((await m.migrateToLatest()).error).toBeUndefined();
    const after = await database.db.selectFrom('messages').select(['status', 'content']).execute();
    const byCaption = Object.fromEntries(after.map((r) => [r.content.caption, r.content]));
    expect(byCaption).toEqual({
      stored: { caption: 'stored' },
      failed: { caption: 'failed' },
      preparing: { caption: 'preparing', base64: 'QUJD' },
      queued: { caption: 'queued', base64: 'QUJD' },
    });
  } finally {
    await database.close();
  }
}, 60_000);

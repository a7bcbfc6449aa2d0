import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { migrator, openDatabase } from '../database.ts';

test('events stored before the cursor existed are numbered by age; new events continue after them', async () => {
  const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  try {
    const m = migrator(database.db);
    expect((await m.migrateTo('20261129-0005-polls')).error).toBeUndefined();
    const instanceId = randomUUID();
    // Written newest first: their physical order is not their age.
    for (const [id, age] of [
      ['c', 1],
      ['a', 3],
      ['b', 2],
    ] as const)
      await sql`INSERT INTO events_outbox (id, instance_id, event, envelope, created_at)
        VALUES (${id}, ${instanceId}, 'e', '{}', now() - make_interval(mins => ${age}))`.execute(database.db);
    expect((await m.migrateToLatest()).error).toBeUndefined();
    await database.db
      .insertInto('events_outbox')
      .values({ id: 'd', instance_id: instanceId, event: 'e', envelope: '{}', published_at: null })
      .execute();
    const rows = await database.db.selectFrom('events_outbox').select(['id', 'seq']).orderBy('seq').execute();
    expect(rows).toEqual([
      { id: 'a', seq: 1 },
      { id: 'b', seq: 2 },
      { id: 'c', seq: 3 },
      { id: 'd', seq: 4 },
    ]);
  } finally {
    await database.close();
  }
}, 60_000);

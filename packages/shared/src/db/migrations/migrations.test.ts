import { migrator, openDatabase } from '../database.ts';

test('every migration applies, reverts and applies again on the embedded database', async () => {
  const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  try {
    const m = migrator(database.db);
    expect((await m.migrateToLatest()).error).toBeUndefined();
    const tables = async () => (await database.db.introspection.getTables()).map((t) => t.name).sort();
    expect(await tables()).toContain('messages');
    for (;;) {
      const { error, results } = await m.migrateDown();
      expect(error).toBeUndefined();
      if (!results?.length) break;
    }
    expect(await tables()).toEqual([]);
    expect((await m.migrateToLatest()).error).toBeUndefined();
    expect(await tables()).toContain('wa_auth_keys');
  } finally {
    await database.close();
  }
}, 60_000);

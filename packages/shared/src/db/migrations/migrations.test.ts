import { migrator, openDatabase } from '../database.ts';
import { migrations } from './index.ts';

test('every migration applies, reverts and applies again on the embedded database', async () => {
  const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  try {
    const m = migrator(database.db);
    expect((await m.migrateToLatest()).error).toBeUndefined();
    const tables = async () => (await database.db.introspection.getTables()).map((t) => t.name).sort();
    expect(await tables()).toContain('messages');
    // One step down per migration; a migration without `down` cannot step back and fails here.
    for (const name of Object.keys(migrations).reverse()) {
      const { error, results } = await m.migrateDown();
      expect(error).toBeUndefined();
      expect(results?.map((r) => [r.migrationName, r.status])).toEqual([[name, 'Success']]);
    }
    expect((await m.migrateDown()).results ?? []).toEqual([]);
    expect(await tables()).toEqual([]);
    expect((await m.migrateToLatest()).error).toBeUndefined();
    expect(await tables()).toContain('wa_auth_keys');
  } finally {
    await database.close();
  }
}, 60_000);

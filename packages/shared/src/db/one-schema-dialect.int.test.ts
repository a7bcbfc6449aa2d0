import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createTestDatabase } from '../testing/database.ts';
import { describeWith, testServices, uniqueName } from '../testing/services.ts';
import { migrator, searchPathOf } from './database.ts';

const describePg = await describeWith('postgres');

/**
 * Other test files drop their schemas while this one migrates: Kysely's stock introspection
 * (what its migrator asks before every run) fails when a schema vanishes under it.
 */
describePg('introspection of a schema-bound database while other schemas are dropped', () => {
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: testServices.postgres });
    await admin.connect();
  });
  afterAll(() => admin.end());

  /** Runs `read` repeatedly while 20 schemas of other "tests" are dropped; returns how many reads failed. */
  const failuresDuringDrops = async (read: () => Promise<unknown>): Promise<number> => {
    let failures = 0;
    for (let round = 0; round < 5; round++) {
      const names = Array.from({ length: 20 }, () => uniqueName('gone').toLowerCase());
      for (const n of names) await admin.query(`CREATE SCHEMA "${n}"; CREATE TABLE "${n}".t (a int)`);
      const drops = (async () => {
        for (const n of names) await admin.query(`DROP SCHEMA "${n}" CASCADE`);
      })();
      const reads = (async () => {
        for (let i = 0; i < 10; i++) await read().catch(() => failures++);
      })();
      await Promise.all([drops, reads]);
    }
    return failures;
  };

  test("the migrator's introspection of a test schema never fails", async () => {
    const database = await createTestDatabase('postgres');
    try {
      const m = migrator(database.db, database.schema);
      expect(await failuresDuringDrops(() => m.getMigrations())).toBe(0);
      expect((await m.getMigrations()).every((x) => x.executedAt)).toBe(true);
    } finally {
      await database.close();
    }
  }, 60_000);

  test('positive control: the stock introspection does fail under the same drops', async () => {
    const db = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: testServices.postgres, max: 2 }) }),
    });
    try {
      expect(await failuresDuringDrops(() => db.introspection.getTables())).toBeGreaterThan(0);
    } finally {
      await db.destroy();
    }
  }, 60_000);
});

describe('searchPathOf', () => {
  test('the one schema a URL confines the connection to, else nothing', () => {
    const url = (options?: string) =>
      `postgres://u@h/db${options === undefined ? '' : `?options=${encodeURIComponent(options)}`}`;
    expect(searchPathOf(url('-c search_path=t_abc'))).toBe('t_abc');
    expect(searchPathOf(url('-c statement_timeout=5000 -c search_path=tz'))).toBe('tz');
    expect(searchPathOf(url('-csearch_path=tz'))).toBe('tz');
    expect(searchPathOf(url())).toBeUndefined();
    expect(searchPathOf(url('-c search_path=a,b'))).toBeUndefined();
    expect(searchPathOf(url('-c search_path="$user",public'))).toBeUndefined();
    expect(searchPathOf('not a url')).toBeUndefined();
  });
});

import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import pg from 'pg';
import { type Database, migrateToLatest, openDatabase } from '../db/database.ts';
import { messagesRepo, type NewOutboundMessage } from '../db/repositories/messages.ts';
import type { DB, InstancesTable, MessageRow } from '../db/schema.ts';
import { testServices, uniqueName } from './services.ts';

export type TestDatabaseKind = 'postgres' | 'pglite';

/**
 * A migrated database private to one test file: its own schema on the real Postgres, or an
 * in-memory PGlite. `close()` drops what it created.
 */
export async function createTestDatabase(kind: TestDatabaseKind = 'postgres'): Promise<Database & { schema?: string }> {
  if (kind === 'pglite') {
    const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    await migrateToLatest(database.db);
    return database;
  }
  const schema = uniqueName('t').toLowerCase();
  const admin = new pg.Client({ connectionString: testServices.postgres });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const database = await openDatabase({ kind: 'postgres', url: testServices.postgres, schema, poolSize: 5 });
  await migrateToLatest(database.db, schema);
  return {
    ...database,
    schema,
    async close() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: testServices.postgres });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA "${schema}" CASCADE`);
      await cleanup.end();
    },
  };
}

/**
 * Inserts an instance row for a test: a fresh id, a unique name, desired `connected`, status
 * `created`, no owner and every nullable column null unless `overrides` says otherwise.
 */
export async function insertTestInstance(
  db: Kysely<DB>,
  overrides: Partial<Insertable<InstancesTable>> = {},
): Promise<{ id: string; name: string }> {
  const id = overrides.id ?? randomUUID();
  const name = overrides.name ?? `i-${id.slice(0, 8)}`;
  await db
    .insertInto('instances')
    .values({
      desired_state: 'connected',
      status: 'created',
      jid: null,
      lid: null,
      push_name: null,
      settings: '{}',
      owner_worker: null,
      owner_seen_at: null,
      last_activity_at: null,
      ...overrides,
      id,
      name,
    })
    .execute();
  return { id, name };
}

/**
 * Accepts an outbound message as the API does (`messagesRepo.acceptOutbound`: queued, not yet
 * published) and reads its row back. With an idempotency key used before, the row is the
 * original's and `created` is false.
 */
export async function insertTestOutbound(
  db: Kysely<DB>,
  m: NewOutboundMessage,
): Promise<{ row: MessageRow; created: boolean }> {
  const accepted = await messagesRepo.acceptOutbound(db, m);
  const row = accepted && (await messagesRepo.get(db, accepted.id));
  if (!accepted || !row) throw new Error(`no instance ${m.instanceId} to accept a message for`);
  return { row, created: accepted.created };
}

import { randomUUID } from 'node:crypto';
import {
  type Insertable,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RawBuilder,
  type RootOperationNode,
  sql,
  type UnknownRow,
} from 'kysely';
import pg from 'pg';
import { type Database, migrateToLatest, openDatabase } from '../db/database.ts';
import { type Fence, instanceOwnershipRepo } from '../db/repositories/instance-ownership.ts';
import { messagesRepo, type NewOutboundMessage } from '../db/repositories/messages.ts';
import type { DB, InstancesTable, MessageRow } from '../db/schema.ts';
import { servicesUp, testServices, uniqueName } from './services.ts';

export type TestDatabaseKind = 'postgres' | 'pglite';

type TestInstance = { id: string; name: string };

/** What a repository test runs on: the in-memory PGlite always, the real Postgres when it is up. */
export async function testDatabaseKinds(): Promise<TestDatabaseKind[]> {
  return (await servicesUp('postgres')) ? ['pglite', 'postgres'] : ['pglite'];
}

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
 * For the enclosing `describe`: a test database of `kind` (`createTestDatabase`), made by a
 * `beforeAll` and dropped by an `afterAll` registered here. The object answered is filled in by
 * that `beforeAll`: read it inside tests and hooks, not while the block is being defined.
 */
export function withTestDatabase(kind: TestDatabaseKind): Database {
  const database = {} as Database;
  beforeAll(async () => {
    Object.assign(database, await createTestDatabase(kind));
  }, 60_000);
  afterAll(() => database.close?.());
  return database;
}

/**
 * `withTestDatabase` with one instance row in it (`insertTestInstance` with `row`) and, given an
 * `owner`, claimed by that worker (`claimTestFence`). Filled in by the same `beforeAll`.
 */
export function withTestInstance(
  kind: TestDatabaseKind,
  row?: Partial<Insertable<InstancesTable>>,
): { database: Database; instance: TestInstance };
export function withTestInstance(
  kind: TestDatabaseKind,
  row: Partial<Insertable<InstancesTable>>,
  owner: string,
): { database: Database; instance: TestInstance; fence: Fence };
export function withTestInstance(
  kind: TestDatabaseKind,
  row: Partial<Insertable<InstancesTable>> = {},
  owner?: string,
) {
  const database = withTestDatabase(kind);
  const instance = {} as TestInstance;
  const fence = {} as Fence;
  beforeAll(async () => {
    Object.assign(instance, await insertTestInstance(database.db, row));
    if (owner) Object.assign(fence, await claimTestFence(database.db, instance.id, owner));
  });
  return owner ? { database, instance, fence } : { database, instance };
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

/** Claims the instance for `worker` (`instanceOwnershipRepo.claim`) and answers its fence. */
export async function claimTestFence(
  db: Kysely<DB>,
  instanceId: string,
  worker: string,
  ttlMs = 60_000,
): Promise<Fence> {
  const token = await instanceOwnershipRepo.claim(db, instanceId, worker, ttlMs);
  if (token === null) throw new Error(`instance ${instanceId} is owned by another worker, or gone`);
  return { instanceId, worker, token };
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

/**
 * Runs `fn` while `table` refuses, by a CHECK constraint of the test's own, every row that fails
 * `check`: a poison row the database cannot store, however often it is tried. `check` is DDL, so
 * it takes no parameters: write its values as literals. The constraint is dropped after, whatever
 * `fn` did.
 */
export async function whileRefusing<T>(
  db: Kysely<DB>,
  table: keyof DB & string,
  check: RawBuilder<unknown>,
  fn: () => Promise<T>,
): Promise<T> {
  await sql`ALTER TABLE ${sql.table(table)} ADD CONSTRAINT refuse_poison CHECK (${check})`.execute(db);
  try {
    return await fn();
  } finally {
    await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT refuse_poison`.execute(db);
  }
}

/** Counts every statement sent through a database it is plugged into (`db.withPlugin(counter)`). */
export class StatementCounter implements KyselyPlugin {
  count = 0;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count++;
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

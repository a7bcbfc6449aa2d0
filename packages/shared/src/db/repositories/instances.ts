import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../schema.ts';
import type { DesiredState, InstanceRow } from '../tables/instances.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Instance records as the API manages them; ownership writes live in instance-ownership.ts. */
export const instancesRepo = {
  async create(db: Db, name: string, settings: Record<string, unknown>): Promise<InstanceRow | undefined> {
    return db
      .insertInto('instances')
      .values({
        id: randomUUID(),
        name,
        desired_state: 'disconnected',
        status: 'created',
        jid: null,
        lid: null,
        push_name: null,
        settings: JSON.stringify(settings),
        owner_worker: null,
        owner_seen_at: null,
        last_activity_at: null,
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  byName(db: Db, name: string): Promise<InstanceRow | undefined> {
    return db.selectFrom('instances').selectAll().where('name', '=', name).executeTakeFirst();
  },

  byId(db: Db, id: string): Promise<InstanceRow | undefined> {
    return db.selectFrom('instances').selectAll().where('id', '=', id).executeTakeFirst();
  },

  list(db: Db): Promise<InstanceRow[]> {
    return db.selectFrom('instances').selectAll().orderBy('name').execute();
  },

  async setDesiredState(db: Db, id: string, desired: DesiredState): Promise<void> {
    await db
      .updateTable('instances')
      .set({ desired_state: desired, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  },

  async delete(db: Db, id: string): Promise<void> {
    await db.deleteFrom('instances').where('id', '=', id).execute();
  },

  /** Instances that should be connected (the `turbozap_instances_expected` gauge). */
  async countExpected(db: Db): Promise<number> {
    const row = await db
      .selectFrom('instances')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('desired_state', '=', 'connected')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },
};

import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../schema.ts';
import type { DesiredState, InstanceRow } from '../tables/instances.ts';
import { apiKeysRepo } from './api-keys.ts';

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

  /**
   * `create` and the instance's key (`apiKeysRepo.create`) in one transaction: the key is shown
   * once, so an instance never exists without one. Undefined when the name is taken.
   */
  createWithKey(
    db: Kysely<DB>,
    name: string,
    settings: Record<string, unknown>,
  ): Promise<{ row: InstanceRow; key: string } | undefined> {
    return db.transaction().execute(async (trx) => {
      const row = await instancesRepo.create(trx, name, settings);
      if (!row) return undefined;
      const { key } = await apiKeysRepo.create(trx, row.id, `instance ${row.name}`);
      return { row, key };
    });
  },

  byName(db: Db, name: string): Promise<InstanceRow | undefined> {
    return db.selectFrom('instances').selectAll().where('name', '=', name).executeTakeFirst();
  },

  byId(db: Db, id: string): Promise<InstanceRow | undefined> {
    return db.selectFrom('instances').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** The instance's name; undefined when there is no such instance. */
  async nameOf(db: Db, id: string): Promise<string | undefined> {
    return (await db.selectFrom('instances').select('name').where('id', '=', id).executeTakeFirst())?.name;
  },

  /** When the instance last sent or received a message, and when it was created. */
  activity(db: Db, id: string): Promise<Pick<InstanceRow, 'last_activity_at' | 'created_at'> | undefined> {
    return db
      .selectFrom('instances')
      .select(['last_activity_at', 'created_at'])
      .where('id', '=', id)
      .executeTakeFirst();
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

  /**
   * Deletes the instance and every row of it, in one transaction: its events and webhook
   * deliveries (no foreign key to the instance), its API keys (scoped by its id), then the
   * instance, which cascades to messages, polls, webhooks (and their deliveries and attempts)
   * and the auth state. The instance row is locked first, so a fenced write (which holds it
   * shared) either commits before and is deleted too, or finds no instance after. False when
   * there was no such instance.
   */
  async deleteWithData(db: Kysely<DB>, id: string): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      const locked = await trx.selectFrom('instances').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
      if (!locked) return false;
      await trx.deleteFrom('events_outbox').where('instance_id', '=', id).execute();
      await trx.deleteFrom('webhook_deliveries').where('instance_id', '=', id).execute();
      await trx.deleteFrom('api_keys').where('scope', '=', id).execute();
      await trx.deleteFrom('instances').where('id', '=', id).execute();
      return true;
    });
  },

  /**
   * Merges `patch` into the stored settings in one statement (two concurrent updates of
   * different settings both land) and answers the whole stored value; undefined when the
   * instance is gone.
   */
  async mergeSettings(
    db: Db,
    id: string,
    patch: Record<string, unknown>,
  ): Promise<Record<string, unknown> | undefined> {
    const row = await db
      .updateTable('instances')
      .set({ settings: sql`settings || ${JSON.stringify(patch)}::jsonb`, updated_at: sql`now()` })
      .where('id', '=', id)
      .returning('settings')
      .executeTakeFirst();
    return row?.settings;
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

import { type Kysely, sql, type Transaction } from 'kysely';
import type { EventEnvelope } from '../../contracts/events.ts';
import type { DB } from '../schema.ts';
import type { EventsOutboxRow } from '../tables/events.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Events are written here in the same transaction as the state change they describe, then
 * published by a relay; a broker outage delays them and loses none. The deterministic id
 * makes a re-emitted event a no-op.
 */
export const eventsOutboxRepo = {
  async add(db: Db, envelope: EventEnvelope): Promise<void> {
    await db
      .insertInto('events_outbox')
      .values({
        id: envelope.id,
        instance_id: envelope.instance.id,
        event: envelope.event,
        envelope: JSON.stringify(envelope),
        published_at: null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  },

  /** Claims a batch to publish; `FOR UPDATE SKIP LOCKED` lets replicas relay side by side. */
  claimUnpublished(trx: Transaction<DB>, limit: number): Promise<EventsOutboxRow[]> {
    return trx
      .selectFrom('events_outbox')
      .selectAll()
      .where('published_at', 'is', null)
      .orderBy('created_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
  },

  async markPublished(db: Db, ids: string[]): Promise<void> {
    if (ids.length > 0)
      await db.updateTable('events_outbox').set({ published_at: sql`now()` }).where('id', 'in', ids).execute();
  },

  /** Published events are kept for replay only so long. */
  async prune(db: Db, olderThanHours: number): Promise<void> {
    await db
      .deleteFrom('events_outbox')
      .where('published_at', '<', sql<Date>`now() - make_interval(hours => ${olderThanHours})`)
      .execute();
  },
};

import { type Kysely, sql, type Transaction } from 'kysely';
import type { EventEnvelope } from '../../contracts/events.ts';
import { toJsonb } from '../jsonb.ts';
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
        envelope: toJsonb(envelope),
        published_at: null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  },

  /** The cursor of each of these events still stored, by event id (live SSE events carry it). */
  async seqsOf(db: Db, ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await db.selectFrom('events_outbox').select(['id', 'seq']).where('id', 'in', ids).execute();
    return new Map(rows.map((row) => [row.id, row.seq]));
  },

  /** The cursor of one of the instance's events (a client resuming from an event id, not a cursor). */
  async seqOf(db: Db, instanceId: string, id: string): Promise<number | undefined> {
    const row = await db
      .selectFrom('events_outbox')
      .select('seq')
      .where('id', '=', id)
      .where('instance_id', '=', instanceId)
      .executeTakeFirst();
    return row?.seq;
  },

  /** Up to `limit` of the instance's events after the cursor `seq`, in order. */
  after(db: Db, instanceId: string, seq: number, limit: number): Promise<EventsOutboxRow[]> {
    return db
      .selectFrom('events_outbox')
      .selectAll()
      .where('instance_id', '=', instanceId)
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(limit)
      .execute();
  },

  /** The instance's latest `connection.update` events still stored, newest first (its status timeline). */
  statusHistory(db: Db, instanceId: string, limit: number): Promise<Pick<EventsOutboxRow, 'seq' | 'envelope'>[]> {
    return db
      .selectFrom('events_outbox')
      .select(['seq', 'envelope'])
      .where('instance_id', '=', instanceId)
      .where('event', '=', 'connection.update')
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
  },

  /**
   * Hands `publish` up to `limit` unpublished events, oldest first, and marks published the rows
   * it answers, in one transaction: the batch stays locked (FOR UPDATE SKIP LOCKED) until marked,
   * so replicas relay side by side and never publish the same row twice. `olderThanMs` leaves
   * fresh rows to the writers' own EventPublisher. Returns the rows published.
   */
  relayUnpublished(
    db: Kysely<DB>,
    q: { limit: number; olderThanMs: number },
    publish: (rows: EventsOutboxRow[]) => Promise<EventsOutboxRow[]>,
  ): Promise<EventsOutboxRow[]> {
    return db.transaction().execute(async (trx) => {
      let query = trx.selectFrom('events_outbox').selectAll().where('published_at', 'is', null);
      if (q.olderThanMs > 0)
        query = query.where('created_at', '<', sql<Date>`now() - make_interval(secs => ${q.olderThanMs / 1000})`);
      const rows = await query.orderBy('created_at').limit(q.limit).forUpdate().skipLocked().execute();
      const published = await publish(rows);
      await eventsOutboxRepo.markPublished(
        trx,
        published.map((r) => r.id),
      );
      return published;
    });
  },

  async markPublished(db: Db, ids: string[]): Promise<void> {
    if (ids.length > 0)
      await db.updateTable('events_outbox').set({ published_at: sql`now()` }).where('id', 'in', ids).execute();
  },

  /**
   * Deletes up to `limit` events published more than `olderThanHours` ago; an unpublished event
   * is never deleted. `SKIP LOCKED`: rows another replica is pruning (or the relay is marking)
   * are left for a later pass instead of waited on, so a batch holds its row locks briefly.
   * Returns the rows deleted (fewer than `limit`: nothing more is due now).
   */
  async prune(db: Db, olderThanHours: number, limit: number): Promise<number> {
    const result = await db
      .deleteFrom('events_outbox')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('events_outbox')
          .select('id')
          .where('published_at', '<', sql<Date>`now() - make_interval(hours => ${olderThanHours})`)
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};

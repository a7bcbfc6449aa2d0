import type { Kysely } from 'kysely';
import type { EventEnvelope } from '../../contracts/events.ts';
import type { DB } from '../schema.ts';
import type { MessageRow, MessageStatus } from '../tables/messages.ts';
import { eventsOutboxRepo } from './events-outbox.ts';
import { messagesRepo } from './messages.ts';

type Db = Kysely<DB>;

/** Statuses the sweeper re-drives when a row is left in one too long. */
export type RedriveStatus = Extract<MessageStatus, 'queued' | 'preparing' | 'ready' | 'sending'>;

export interface StaleRow {
  id: string;
  instance_id: string;
  remote_jid: string;
}

/** An outbound row past its TTL, as `endDue` hands it to `eventOf`. */
export type DueRow = Pick<MessageRow, 'id' | 'instance_id' | 'wa_message_id' | 'remote_jid' | 'type'> & {
  name: string;
};

/** A message `endDue` ended, with the event it wrote. */
export interface EndedRow {
  id: string;
  instance_id: string;
  /** The instance's name. */
  name: string;
  event: EventEnvelope;
}

/**
 * The sweeper's reads and writes of outbound messages: rows a lost publish or a crash left in a
 * pending status, and rows past their TTL.
 */
export const messageSweepsRepo = {
  /**
   * Instances that have `status` rows untouched since `staleBefore` and not past their TTL at
   * `now`, among connected instances.
   */
  async instancesWithStale(db: Db, status: RedriveStatus, staleBefore: Date, now: Date): Promise<string[]> {
    const rows = await db
      .selectFrom('messages')
      .select('instance_id')
      .distinct()
      .where('direction', '=', 'outbound')
      .where('status', '=', status)
      .where('updated_at', '<', staleBefore)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .where('instance_id', 'in', (eb) => eb.selectFrom('instances').select('id').where('status', '=', 'connected'))
      .execute();
    return rows.map((r) => r.instance_id);
  },

  /**
   * Claims up to `limit` stale rows of the given instances by touching `updated_at` in one
   * transaction (FOR UPDATE SKIP LOCKED, then a compare on status and age): replicas sweeping
   * at once claim disjoint rows, and a claimed row is not stale again until `staleBefore` passes
   * it. Queued rows never published are left to the relay; rows past their TTL are never
   * claimed, only ended (`endDue`).
   */
  async claimStale(
    db: Db,
    q: { status: RedriveStatus; instanceIds: readonly string[]; staleBefore: Date; now: Date; limit: number },
  ): Promise<StaleRow[]> {
    if (q.instanceIds.length === 0) return [];
    return db.transaction().execute(async (trx) => {
      let select = trx
        .selectFrom('messages')
        .select(['id', 'instance_id'])
        .where('direction', '=', 'outbound')
        .where('status', '=', q.status)
        .where('updated_at', '<', q.staleBefore)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', q.now)]))
        .where('instance_id', 'in', q.instanceIds);
      if (q.status === 'queued') select = select.where('published_at', 'is not', null);
      const rows = await select.orderBy('updated_at').limit(q.limit).forUpdate().skipLocked().execute();
      if (rows.length === 0) return [];
      return trx
        .updateTable('messages')
        .set({ updated_at: q.now })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .where('status', '=', q.status)
        .where('updated_at', '<', q.staleBefore)
        .returning(['id', 'instance_id', 'remote_jid'])
        .execute();
    });
  },

  /**
   * Ends up to `limit` outbound rows in `due.statuses` past `expires_at` at `due.now` (and, with
   * `untouchedSince`, not updated since), oldest TTL first, locked and skipping locked ones, each
   * with the event `eventOf` makes for it, in one transaction. Whatever the instance's state.
   */
  endDue(
    db: Db,
    due: { statuses: MessageStatus[]; now: Date; untouchedSince?: Date },
    end: { status: 'expired' | 'failed'; reason: string },
    limit: number,
    eventOf: (row: DueRow) => EventEnvelope,
  ): Promise<EndedRow[]> {
    return db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('messages')
        .innerJoin('instances', 'instances.id', 'messages.instance_id')
        .select([
          'messages.id',
          'messages.instance_id',
          'messages.wa_message_id',
          'messages.remote_jid',
          'messages.type',
          'instances.name',
        ])
        .where('messages.direction', '=', 'outbound')
        .where('messages.status', 'in', due.statuses)
        .where('messages.expires_at', '<', due.now)
        .$if(due.untouchedSince !== undefined, (q) => q.where('messages.updated_at', '<', due.untouchedSince!))
        .orderBy('messages.expires_at')
        .limit(limit)
        .forUpdate('messages')
        .skipLocked()
        .execute();
      const ended: EndedRow[] = [];
      for (const row of rows) {
        if (!(await messagesRepo.transition(trx, row.id, end.status, { reason: end.reason }))) continue;
        const event = eventOf(row);
        await eventsOutboxRepo.add(trx, event);
        ended.push({ id: row.id, instance_id: row.instance_id, name: row.name, event });
      }
      return ended;
    });
  },
};

import type { EventEnvelope } from '@turbozap/shared/contracts/events';
import { eventsOutboxRepo } from '@turbozap/shared/db/repositories/events-outbox';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import type { MessageStatus } from '@turbozap/shared/db/schema';
import type { Runtime } from '@turbozap/shared/runtime';
import { failedEvent } from './finalize.ts';

type Db = Runtime['db'];
export type RedriveStatus = Extract<MessageStatus, 'queued' | 'preparing' | 'ready' | 'sending'>;

export interface StaleRow {
  id: string;
  instance_id: string;
  remote_jid: string;
  seq: number;
}

/** A message that ended past its TTL (`expired`, or `failed` with `delivery_unknown`). */
export interface ExpiredRow {
  id: string;
  instance_id: string;
  name: string;
  /** Its `message.failed` event, as written. */
  event: EventEnvelope;
}

/**
 * Instances that have `status` rows untouched since `staleBefore` and not past their TTL at
 * `now`, among connected instances.
 */
export async function instancesWithStale(
  db: Db,
  status: RedriveStatus,
  staleBefore: Date,
  now: Date,
): Promise<string[]> {
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
}

/**
 * Claims up to `limit` stale rows of the given instances by touching `updated_at` in one
 * transaction (FOR UPDATE SKIP LOCKED, then a compare on status and age): replicas sweeping
 * at once claim disjoint rows, and a claimed row is not stale again for another `staleMs`.
 * Queued rows the API never published are left to the relay; rows past their TTL are never
 * re-driven, only ended (`expireDue`, `failUndelivered`).
 */
export async function claimStale(
  db: Db,
  q: { status: RedriveStatus; instanceIds: string[]; staleBefore: Date; now: Date; limit: number },
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
    const claimed = await trx
      .updateTable('messages')
      .set({ updated_at: q.now })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .where('status', '=', q.status)
      .where('updated_at', '<', q.staleBefore)
      .returning(['id', 'instance_id', 'remote_jid', 'seq'])
      .execute();
    return claimed;
  });
}

/**
 * Ends not-yet-sent rows past `expires_at` as `expired`, each with its `message.failed` event
 * (reason `expired`) in the same transaction. Whatever the instance's state: that is the point.
 */
export function expireDue(db: Db, now: Date, limit: number): Promise<ExpiredRow[]> {
  return endDue(
    db,
    { statuses: ['queued', 'preparing', 'ready'], now },
    { status: 'expired', reason: 'expired' },
    limit,
  );
}

/**
 * Ends `sending` rows past `expires_at` and untouched since `staleBefore` as `failed` with reason
 * `delivery_unknown`, each with its `message.failed` event in the same transaction. Such a row
 * was claimed by an owner that died (or lost its lease) between claiming it and writing `sent`:
 * the message may or may not be on the wire, and past its TTL nobody sends it again (claims
 * refuse it). Whatever the instance's state. The age keeps it off a row a live pass still holds
 * (a claim touches `updated_at`).
 */
export function failUndelivered(db: Db, now: Date, staleBefore: Date, limit: number): Promise<ExpiredRow[]> {
  const due = { statuses: ['sending' as const], now, untouchedSince: staleBefore };
  return endDue(db, due, { status: 'failed', reason: 'delivery_unknown' }, limit);
}

/** Ends the due outbound rows (oldest TTL first, locked, skipping locked ones) with their `message.failed` events. */
function endDue(
  db: Db,
  due: { statuses: MessageStatus[]; now: Date; untouchedSince?: Date },
  end: { status: 'expired' | 'failed'; reason: string },
  limit: number,
): Promise<ExpiredRow[]> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('messages')
      .innerJoin('instances', 'instances.id', 'messages.instance_id')
      .select(['messages.id', 'messages.instance_id', 'messages.remote_jid', 'messages.type', 'instances.name'])
      .where('messages.direction', '=', 'outbound')
      .where('messages.status', 'in', due.statuses)
      .where('messages.expires_at', '<', due.now)
      .$if(due.untouchedSince !== undefined, (q) => q.where('messages.updated_at', '<', due.untouchedSince!))
      .orderBy('messages.expires_at')
      .limit(limit)
      .forUpdate('messages')
      .skipLocked()
      .execute();
    const ended: ExpiredRow[] = [];
    for (const row of rows) {
      if (!(await messagesRepo.transition(trx, row.id, end.status, { reason: end.reason }))) continue;
      const event = failedEvent({ id: row.instance_id, name: row.name }, row, end.status, end.reason);
      await eventsOutboxRepo.add(trx, event);
      ended.push({ id: row.id, instance_id: row.instance_id, name: row.name, event });
    }
    return ended;
  });
}

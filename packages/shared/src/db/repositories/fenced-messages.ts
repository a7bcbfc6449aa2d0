import { type Kysely, sql } from 'kysely';
import type { EventEnvelope } from '../../contracts/events.ts';
import type { DB } from '../schema.ts';
import type { MessageRow, MessageStatus } from '../tables/messages.ts';
import { type Fence, instanceOwnershipRepo, StaleFenceError } from './instance-ownership.ts';
import { allowedFrom, pendingStatuses } from './message-status.ts';

/** Not on the wire yet: a later message to the same chat waits for these (messages_chat_unsent). */
const unsent: readonly MessageStatus[] = [...pendingStatuses, 'sending'];

const historyEntry = (to: MessageStatus, reason?: string) =>
  JSON.stringify([{ status: to, at: new Date().toISOString(), ...(reason ? { reason } : {}) }]);

/**
 * The message writes a session-worker makes for every send and receipt, each as ONE statement:
 * a CTE takes the same shared lock on the instance row as `assertFence` and the update and the
 * event it emits only happen when the fence holds — so they commit together, a concurrent claim
 * waits for them, and a stale holder writes nothing. One round trip instead of the five of
 * BEGIN / fence check / update / insert event / COMMIT, which dominated the send path's cost.
 *
 * No row back means the compare-and-set did not apply; a StaleFenceError means the fence did not
 * hold (told apart by a second, lock-free read, only on that rare path).
 */
export const fencedMessagesRepo = {
  /**
   * `ready|sending → sending` for a message of the fenced instance whose earlier messages to the
   * same chat are all on the wire (or final), recording the WhatsApp id it will be sent with.
   */
  async claimForSend(db: Kysely<DB>, fence: Fence, id: string, waMessageId: string): Promise<MessageRow | undefined> {
    const row = await db
      .with('fence', (qc) => instanceOwnershipRepo.fenceLock(qc, fence))
      .with('moved', (qc) =>
        qc
          .updateTable('messages')
          .set({
            status: 'sending',
            history: sql`history || ${historyEntry('sending')}::jsonb`,
            updated_at: sql`now()`,
            wa_message_id: sql`coalesce(wa_message_id, ${waMessageId})`,
          })
          .where('id', '=', id)
          .where('instance_id', '=', fence.instanceId)
          .where('status', 'in', allowedFrom.sending)
          .where((eb) => eb.exists(eb.selectFrom('fence').select('fence.id')))
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('messages as earlier')
                  .select('earlier.id')
                  .whereRef('earlier.instance_id', '=', 'messages.instance_id')
                  .whereRef('earlier.remote_jid', '=', 'messages.remote_jid')
                  .whereRef('earlier.seq', '<', 'messages.seq')
                  .where('earlier.status', 'in', unsent)
                  .where('earlier.direction', '=', 'outbound'),
              ),
            ),
          )
          .returningAll(),
      )
      .selectFrom('moved')
      .selectAll()
      .executeTakeFirst();
    if (!row) await assertHolds(db, fence);
    return row as MessageRow | undefined;
  },

  /**
   * Compare-and-set to `to` (message-status.ts) under the fence, emitting `event` into
   * events_outbox in the same statement when — and only when — the status moved.
   */
  async transition(
    db: Kysely<DB>,
    fence: Fence,
    id: string,
    to: Exclude<MessageStatus, 'queued'>,
    extra: { reason?: string; waMessageId?: string } = {},
    event?: EventEnvelope,
  ): Promise<MessageRow | undefined> {
    const withMoved = db
      .with('fence', (qc) => instanceOwnershipRepo.fenceLock(qc, fence))
      .with('moved', (qc) =>
        qc
          .updateTable('messages')
          .set({
            status: to,
            history: sql`history || ${historyEntry(to, extra.reason)}::jsonb`,
            updated_at: sql`now()`,
            ...(extra.reason !== undefined ? { error: extra.reason } : {}),
            ...(extra.waMessageId !== undefined ? { wa_message_id: extra.waMessageId } : {}),
          })
          .where('id', '=', id)
          .where('instance_id', '=', fence.instanceId)
          .where('status', 'in', allowedFrom[to])
          .where((eb) => eb.exists(eb.selectFrom('fence').select('fence.id')))
          .returningAll(),
      );
    const query = event
      ? withMoved
          .with('emitted', (qc) =>
            qc
              .insertInto('events_outbox')
              .columns(['id', 'instance_id', 'event', 'envelope'])
              .expression((eb) =>
                eb
                  .selectFrom('moved')
                  .select([
                    sql<string>`${event.id}::text`.as('id'),
                    'moved.instance_id',
                    sql<string>`${event.event}::text`.as('event'),
                    sql<string>`${JSON.stringify(event)}::jsonb`.as('envelope'),
                  ]),
              )
              .onConflict((oc) => oc.column('id').doNothing()),
          )
          .selectFrom('moved')
          .selectAll()
      : withMoved.selectFrom('moved').selectAll();
    const row = await query.executeTakeFirst();
    if (!row) await assertHolds(db, fence);
    return row as MessageRow | undefined;
  },

  ackByWaId,
};

/**
 * A receipt for one of our messages, found by its WhatsApp id: `transition` without the read
 * before it. The event's `data.id` (our id) and, when the receipt did not say, `data.remote_jid`
 * are filled in from the row by the statement itself.
 */
async function ackByWaId(
  db: Kysely<DB>,
  fence: Fence,
  waMessageId: string,
  to: 'delivered' | 'read',
  event: EventEnvelope,
  remoteJid: string | null,
): Promise<MessageRow | undefined> {
  const row = await db
    .with('fence', (qc) => instanceOwnershipRepo.fenceLock(qc, fence))
    .with('moved', (qc) =>
      qc
        .updateTable('messages')
        .set({
          status: to,
          history: sql`history || ${historyEntry(to)}::jsonb`,
          updated_at: sql`now()`,
        })
        .where('instance_id', '=', fence.instanceId)
        .where('wa_message_id', '=', waMessageId)
        .where('direction', '=', 'outbound')
        .where('status', 'in', allowedFrom[to])
        .where((eb) => eb.exists(eb.selectFrom('fence').select('fence.id')))
        .returningAll(),
    )
    .with('emitted', (qc) =>
      qc
        .insertInto('events_outbox')
        .columns(['id', 'instance_id', 'event', 'envelope'])
        .expression((eb) =>
          eb.selectFrom('moved').select([
            sql<string>`${event.id}::text`.as('id'),
            'moved.instance_id',
            sql<string>`${event.event}::text`.as('event'),
            sql<string>`jsonb_set(
                jsonb_set(${JSON.stringify(event)}::jsonb, '{data,id}', to_jsonb(moved.id)),
                '{data,remote_jid}', to_jsonb(coalesce(${remoteJid}::text, moved.remote_jid)))`.as('envelope'),
          ]),
        )
        .onConflict((oc) => oc.column('id').doNothing()),
    )
    .selectFrom('moved')
    .selectAll()
    .executeTakeFirst();
  if (!row) await assertHolds(db, fence);
  return row as MessageRow | undefined;
}

async function assertHolds(db: Kysely<DB>, fence: Fence): Promise<void> {
  if (!(await instanceOwnershipRepo.holds(db, fence))) throw new StaleFenceError(fence.instanceId, fence.token);
}

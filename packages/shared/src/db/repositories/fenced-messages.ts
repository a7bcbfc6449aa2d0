import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { EventEnvelope } from '../../contracts/events.ts';
import type { DB } from '../schema.ts';
import type { MessageRow, MessageStatus } from '../tables/messages.ts';
import { type Fence, instanceOwnershipRepo, StaleFenceError } from './instance-ownership.ts';
import { allowedFrom, pendingStatuses } from './message-status.ts';

/** Not on the wire yet: a later message to the same chat waits for these (messages_chat_unsent). */
const unsent: readonly MessageStatus[] = [...pendingStatuses, 'sending'];

const historyEntry = (to: MessageStatus, reason?: string) =>
  JSON.stringify([{ status: to, at: new Date().toISOString(), ...(reason ? { reason } : {}) }]);

const list = (values: readonly string[]) => sql.join(values.map((v) => sql`${v}`));

/**
 * The message writes a session-worker makes for every send and receipt, each as ONE statement:
 * a CTE takes the same shared lock on the instance row as `assertFence`, and the update — and
 * the event it emits — only happen when the fence holds. So they commit together, a concurrent
 * claim waits for them, and a stale holder writes nothing: the guarantees of the fenced
 * transaction in one round trip instead of the five of BEGIN / fence check / update / insert
 * event / COMMIT, which dominated the send path's cost. Written as SQL, not built per call:
 * they run several times per message.
 *
 * No row back means the compare-and-set did not apply; a StaleFenceError means the fence did not
 * hold (told apart by a second, lock-free read, only on that rare path).
 */
export const fencedMessagesRepo = {
  /**
   * `ready|sending → sending` for a message of the fenced instance whose earlier messages to the
   * same chat are all on the wire (or final), recording the WhatsApp id it will be sent with.
   */
  claimForSend(db: Kysely<DB>, fence: Fence, id: string, waMessageId: string): Promise<MessageRow | undefined> {
    return fencedUpdate(
      db,
      fence,
      sql`UPDATE messages SET
          status = 'sending',
          history = history || ${historyEntry('sending')}::jsonb,
          updated_at = now(),
          wa_message_id = coalesce(wa_message_id, ${waMessageId})
        WHERE id = ${id} AND instance_id = ${fence.instanceId}
          AND status IN (${list(allowedFrom.sending)})
          AND EXISTS (SELECT 1 FROM fence)
          AND NOT EXISTS (
            SELECT 1 FROM messages earlier
            WHERE earlier.instance_id = messages.instance_id AND earlier.remote_jid = messages.remote_jid
              AND earlier.seq < messages.seq AND earlier.status IN (${list(unsent)})
              AND earlier.direction = 'outbound')
        RETURNING *`,
    );
  },

  /**
   * Compare-and-set to `to` (message-status.ts) under the fence, emitting `event` into
   * events_outbox in the same statement when — and only when — the status moved.
   */
  transition(
    db: Kysely<DB>,
    fence: Fence,
    id: string,
    to: Exclude<MessageStatus, 'queued'>,
    extra: { reason?: string; waMessageId?: string } = {},
    event?: EventEnvelope,
  ): Promise<MessageRow | undefined> {
    return fencedUpdate(
      db,
      fence,
      sql`UPDATE messages SET
          status = ${to},
          history = history || ${historyEntry(to, extra.reason)}::jsonb,
          updated_at = now(),
          error = coalesce(${extra.reason ?? null}::text, error),
          wa_message_id = coalesce(${extra.waMessageId ?? null}::text, wa_message_id)
        WHERE id = ${id} AND instance_id = ${fence.instanceId}
          AND status IN (${list(allowedFrom[to])})
          AND EXISTS (SELECT 1 FROM fence)
        RETURNING *`,
      event,
    );
  },

  /**
   * The message is on the wire: `sending → sent`, and `message.sent` in every case — also when
   * the recipient's receipt was faster than this write and already moved it to `delivered` or
   * `read` (then the status stays, and only the event is written). The event's deterministic id
   * makes a second one a no-op.
   */
  markSent(
    db: Kysely<DB>,
    fence: Fence,
    id: string,
    waMessageId: string,
    event: EventEnvelope,
  ): Promise<MessageRow | undefined> {
    const moves = sql`status IN (${list(allowedFrom.sent)})`;
    return fencedUpdate(
      db,
      fence,
      sql`UPDATE messages SET
          status = CASE WHEN ${moves} THEN 'sent' ELSE status END,
          history = CASE WHEN ${moves} THEN history || ${historyEntry('sent')}::jsonb ELSE history END,
          updated_at = now(),
          wa_message_id = coalesce(wa_message_id, ${waMessageId})
        WHERE id = ${id} AND instance_id = ${fence.instanceId}
          AND status IN (${list([...allowedFrom.sent, 'delivered', 'read'])})
          AND EXISTS (SELECT 1 FROM fence)
        RETURNING *`,
      event,
    );
  },

  /**
   * A receipt for one of our messages, found by its WhatsApp id: `transition` without the read
   * before it. The event's `data.id` (our id) and, when the receipt did not say,
   * `data.remote_jid` are filled in from the row by the statement itself.
   */
  ackByWaId(
    db: Kysely<DB>,
    fence: Fence,
    waMessageId: string,
    to: 'delivered' | 'read',
    event: EventEnvelope,
    remoteJid: string | null,
  ): Promise<MessageRow | undefined> {
    return fencedUpdate(
      db,
      fence,
      sql`UPDATE messages SET
          status = ${to},
          history = history || ${historyEntry(to)}::jsonb,
          updated_at = now()
        WHERE instance_id = ${fence.instanceId} AND wa_message_id = ${waMessageId} AND direction = 'outbound'
          AND status IN (${list(allowedFrom[to])})
          AND EXISTS (SELECT 1 FROM fence)
        RETURNING *`,
      event,
      sql`jsonb_set(
          jsonb_set(${JSON.stringify(event)}::jsonb, '{data,id}', to_jsonb(moved.id)),
          '{data,remote_jid}', to_jsonb(coalesce(${remoteJid}::text, moved.remote_jid)))`,
    );
  },
};

/** Runs `update` as the `moved` CTE behind the fence, writing `event` (as `envelope`) for its row. */
async function fencedUpdate(
  db: Kysely<DB>,
  fence: Fence,
  update: RawBuilder<unknown>,
  event?: EventEnvelope,
  envelope: RawBuilder<unknown> = sql`${JSON.stringify(event ?? null)}::jsonb`,
): Promise<MessageRow | undefined> {
  const emitted = event
    ? sql`, emitted AS (
        INSERT INTO events_outbox (id, instance_id, event, envelope)
        SELECT ${event.id}::text, moved.instance_id, ${event.event}::text, ${envelope} FROM moved
        ON CONFLICT (id) DO NOTHING)`
    : sql``;
  const { rows } = await sql<MessageRow>`
    WITH fence AS (${instanceOwnershipRepo.fenceSql(fence)}), moved AS (${update})${emitted}
    SELECT * FROM moved`.execute(db);
  const row = rows[0];
  if (!row && !(await instanceOwnershipRepo.holds(db, fence))) {
    throw new StaleFenceError(fence.instanceId, fence.token);
  }
  return row;
}
